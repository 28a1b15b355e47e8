//! How a request reaches the database. Requests run on their own pool, which logs in as the
//! app role (`shouhu_app`: not superuser, not BYPASSRLS, owns nothing), so row-level security
//! binds every statement a handler could run. Handlers never hold that pool: they get their
//! transaction from an extractor, in the street of the session ([`Tenant`]), or, for a
//! credential that names its own street (an access token, a sign-in waiting for its code),
//! through [`Anonymous`]. The owner pool (migrations, the CLI, the daily job) is not in the
//! application state at all.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::auth::request::RequestContext;
use crate::db::{self, Tx};
use crate::domain::ids::{StreetId, UserId};
use crate::links;

/// The pool requests run on, logged in as [`db::APP_ROLE`].
#[derive(Clone, Debug)]
pub struct RequestPool(Arc<PgPool>);

impl RequestPool {
    /// A pool on the owner's database and server, logged in as the app role (with `password`
    /// where the server asks for one). It connects lazily, as the owner pool's size allows.
    pub fn beside(owner: &PgPool, password: Option<&str>) -> RequestPool {
        let mut options = (*owner.connect_options()).clone().username(db::APP_ROLE);
        options = match password {
            Some(password) => options.password(password),
            None => options.password(""),
        };
        let pool = PgPoolOptions::new()
            .max_connections(owner.options().get_max_connections())
            .acquire_timeout(owner.options().get_acquire_timeout())
            .connect_lazy_with(options);
        RequestPool(Arc::new(pool))
    }

    /// Refuse to serve on a login that could read past row-level security: a superuser, a
    /// BYPASSRLS role, or one that owns a table (owners are exempt from RLS unless forced).
    pub async fn check(&self) -> Result<(), String> {
        let row: (String, bool, bool, i64) = sqlx::query_as(
            "SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                    (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))
             FROM pg_roles r WHERE r.rolname = current_user",
        )
        .fetch_one(&*self.0)
        .await
        .map_err(|e| format!("the request pool cannot connect as {}: {e}", db::APP_ROLE))?;
        match row {
            (_, false, false, 0) => Ok(()),
            (role, ..) => Err(format!(
                "requests would run as {role}, which can read past row-level security \
                 (a superuser, a BYPASSRLS role or a table owner)"
            )),
        }
    }

    /// Connections open, idle, and at most (for `/metrics`).
    pub fn stats(&self) -> (u32, usize, u32) {
        (
            self.0.size(),
            self.0.num_idle(),
            self.0.options().get_max_connections(),
        )
    }

    /// Whether every migration this binary knows is applied (for `/readyz`).
    pub async fn migrations_current(&self) -> Result<bool, sqlx::Error> {
        db::migrations_current(&self.0).await
    }

    pub(in crate::auth) fn pool(&self) -> &PgPool {
        &self.0
    }
}

/// The request's transactions in the street of its session, as the session's user.
#[derive(Clone, Debug)]
pub struct Tenant {
    pool: RequestPool,
    street: StreetId,
    user: Option<UserId>,
}

impl Tenant {
    /// A transaction in the tenant (see [`db::begin`]).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        db::begin(self.pool.pool(), self.street, self.user).await
    }

    /// A transaction whose every query is narrowed to one volunteer, pairing or child, which
    /// reuses plans (see [`db::begin_keyed`]).
    pub async fn begin_keyed(&self) -> Result<Tx, sqlx::Error> {
        db::begin_keyed(self.pool.pool(), self.street, self.user).await
    }
}

impl<S> FromRequestParts<S> for Tenant
where
    S: Send + Sync,
    RequestPool: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<RequestContext>()
            .and_then(|ctx| ctx.user.as_ref());
        match user {
            Some(user) => Ok(Tenant {
                pool: RequestPool::from_ref(state),
                street: user.street_id,
                user: Some(user.user_id),
            }),
            None => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|pq| pq.as_str())
                    .unwrap_or("/");
                Err(Redirect::to(&links::login_with_next(next)).into_response())
            }
        }
    }
}

/// The database before the session names a street: signing in, and credentials that carry
/// their own street.
#[derive(Clone, Debug)]
pub struct Anonymous {
    pool: RequestPool,
}

impl Anonymous {
    /// A transaction in no tenant: every tenant table reads as empty, and only the narrow
    /// SECURITY DEFINER lookups (signing in) see accounts.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        db::begin_anonymous(self.pool.pool()).await
    }

    /// The transactions of a credential that names its street (an access token, a sign-in
    /// waiting for its code, a password just checked): the caller has checked the credential,
    /// or checks it in the first transaction (which sees only that street).
    pub fn tenant(&self, street: StreetId, user: Option<UserId>) -> Tenant {
        Tenant {
            pool: self.pool.clone(),
            street,
            user,
        }
    }
}

impl From<&RequestPool> for Anonymous {
    fn from(pool: &RequestPool) -> Anonymous {
        Anonymous { pool: pool.clone() }
    }
}

impl<S> FromRequestParts<S> for Anonymous
where
    S: Send + Sync,
    RequestPool: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(_: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Anonymous {
            pool: RequestPool::from_ref(state),
        })
    }
}
