//! Role extractors: a handler's signature says who may call it. Scope comes only from the
//! session (never from a path segment or a form field). A logged-out request is sent to the
//! login page; a logged-in user of the wrong role gets 404 and an audit event.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

use crate::auth::request::RequestContext;
use crate::domain::ids::{CommunityId, VolunteerId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::links;

pub use crate::auth::session::SessionUser;

/// Any logged-in user, even one who must still change their one-time password.
#[derive(Debug, Clone)]
pub struct AnyUser(pub SessionUser);

/// Any logged-in user whose password is settled.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

/// A street admin: the whole street.
#[derive(Debug, Clone)]
pub struct StreetAdmin(pub SessionUser);

/// Which communities a staff request may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommunityScope {
    /// Street admin: every community of the street.
    All,
    /// Community staff: their own community only.
    One(CommunityId),
}

impl CommunityScope {
    pub fn allows(self, community: CommunityId) -> bool {
        match self {
            CommunityScope::All => true,
            CommunityScope::One(own) => own == community,
        }
    }

    /// The community to filter on in SQL, `None` meaning all of the street.
    pub fn filter(self) -> Option<uuid::Uuid> {
        match self {
            CommunityScope::All => None,
            CommunityScope::One(c) => Some(c.0),
        }
    }
}

/// How far a caller reaches within their street: staff by community, a volunteer through
/// their own pairings. What each reach may load is `web::scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Staff(CommunityScope),
    Volunteer(VolunteerId),
}

/// A street admin or community staff, with the communities they may see.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: SessionUser,
    pub scope: CommunityScope,
}

impl Staff {
    pub fn reach(&self) -> Reach {
        Reach::Staff(self.scope)
    }
}

/// A volunteer with a login, linked to their volunteer record.
#[derive(Debug, Clone)]
pub struct VolunteerUser {
    pub user: SessionUser,
    pub volunteer_id: VolunteerId,
}

fn login_redirect(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    Redirect::to(&links::login_with_next(next)).into_response()
}

impl<S: Send + Sync> FromRequestParts<S> for AnyUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = RequestContext::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.user {
            Some(user) => Ok(AnyUser(user)),
            None => Err(login_redirect(parts)),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AnyUser(user) = AnyUser::from_request_parts(parts, state).await?;
        if user.must_change_password {
            return Err(Redirect::to(links::PASSWORD).into_response());
        }
        if user.must_enrol_totp {
            return Err(Redirect::to(links::TOTP_SETUP).into_response());
        }
        Ok(CurrentUser(user))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for StreetAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.role != Role::StreetAdmin {
            // Outside the role: 404 (the context middleware records it).
            return Err(AppError::NotFound.into_response());
        }
        Ok(StreetAdmin(user))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let scope = match (user.role, user.community_id) {
            (Role::StreetAdmin, _) => CommunityScope::All,
            (Role::CommunityStaff, Some(community)) => CommunityScope::One(community),
            _ => return Err(AppError::NotFound.into_response()),
        };
        Ok(Staff { user, scope })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for VolunteerUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        match (user.role, user.volunteer_id) {
            (Role::Volunteer, Some(volunteer_id)) => Ok(VolunteerUser { user, volunteer_id }),
            _ => Err(AppError::NotFound.into_response()),
        }
    }
}
