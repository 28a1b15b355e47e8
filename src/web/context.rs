//! What every request knows before its handler runs: who is logged in (from the session
//! cookie), the language, the CSRF token, the client address. One middleware resolves them,
//! guards state-changing requests, adds the security headers and renders error pages.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::csrf;
use crate::auth::request::client_ip;
pub use crate::auth::request::{RequestContext, cookie};
use crate::auth::session::{self, SessionUser};
use crate::error::{AppError, ErrorPage};
use crate::i18n::{Catalog, Lang, catalog};
use crate::links;
use crate::state::AppState;

pub const LANG_COOKIE: &str = "shouhu_lang";
pub const ANON_CSRF_COOKIE: &str = "shouhu_csrf";

/// Every address the site menu links to (a staff member's own community is under
/// /communities).
const MENU: [&str; 16] = [
    links::HOME,
    links::children::CHILDREN,
    links::volunteers::VOLUNTEERS,
    links::pairings::PAIRINGS,
    links::pairings::DUTIES,
    links::visits::FOLLOW_UPS,
    links::activities::ACTIVITIES,
    links::reports::REPORTS,
    links::visits::HOURS,
    links::communities::COMMUNITIES,
    links::users::USERS,
    links::pairings::SETTINGS,
    links::api::API_TOKENS,
    links::audit::AUDIT,
    links::PASSWORD,
    links::TOTP_SETUP,
];

/// The menu entry a path belongs to: the longest menu address it equals or lies under.
fn current_entry(path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or(path);
    MENU.iter()
        .copied()
        .filter(|href| {
            path == *href
                || (*href != "/" && path.starts_with(href) && path[href.len()..].starts_with('/'))
        })
        .max_by_key(|href| href.len())
}

/// A `Set-Cookie` value with our flags: HttpOnly, SameSite=Lax, Secure over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).expect("cookie value is ASCII")
}

fn peer_ip(req: &Request<Body>) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

fn choose_lang(headers: &HeaderMap, user: Option<&SessionUser>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .or_else(|| {
            user.and_then(|u| u.locale.as_deref())
                .and_then(Lang::from_code)
        })
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// The middleware: resolve the context, check CSRF, run the handler, finish the response.
pub async fn middleware(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let headers = req.headers();
    let user = match cookie(headers, session::COOKIE) {
        Some(value) => match session::lookup(&state.requests, value).await {
            Ok(user) => user,
            Err(err) => return AppError::from(err).into_response_with(Lang::default()),
        },
        None => None,
    };
    let lang = choose_lang(headers, user.as_ref());
    // A cookie that opens nothing is cleared, unless it is a sign-in waiting for its
    // authenticator code (the browser's other requests, such as the favicon, must not end it).
    let stale_session_cookie = match (&user, cookie(headers, session::COOKIE)) {
        (None, Some(value)) => match session::lookup_pending(&state.requests, value).await {
            Ok(pending) => pending.is_none(),
            Err(err) => return AppError::from(err).into_response_with(Lang::default()),
        },
        _ => false,
    };
    let anon_cookie = cookie(headers, ANON_CSRF_COOKIE)
        .filter(|v| v.len() >= 16)
        .map(str::to_string);
    let new_anon_token = user.is_none() && anon_cookie.is_none();
    let csrf_token = match &user {
        Some(u) => u.csrf_token.clone(),
        None => anon_cookie.clone().unwrap_or_else(session::random_token),
    };

    let mut req = req;
    // A call that carries an access token is judged by the token alone (a cookie sent beside it
    // changes nothing): a browser never adds an Authorization header across sites on its own.
    let token_call = req.uri().path().starts_with("/api/")
        && crate::auth::bearer::bearer_token(req.headers()).is_some();
    if csrf::is_state_changing(req.method()) && !token_call {
        if csrf::cross_origin(req.headers()) {
            return AppError::Forbidden.into_response_with(lang);
        }
        let (given, rebuilt) = match csrf::extract_token(req).await {
            Ok(found) => found,
            Err(()) => return AppError::BadRequest.into_response_with(lang),
        };
        let expected = match &user {
            Some(u) => Some(u.csrf_token.as_str()),
            None => anon_cookie.as_deref(),
        };
        let ok =
            matches!((expected, given.as_deref()), (Some(e), Some(g)) if csrf::tokens_match(e, g));
        if !ok {
            // The matched route, never the raw path: a path holds a child's id.
            let route = rebuilt
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default();
            tracing::warn!(route = %route, "csrf check failed");
            return AppError::Forbidden.into_response_with(lang);
        }
        req = rebuilt;
    }

    let ip = client_ip(req.headers(), peer_ip(&req), &state.trusted_proxies);
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string());
    let first_id = req
        .uri()
        .path()
        .split('/')
        .find_map(|segment| uuid::Uuid::parse_str(segment).ok());
    let denied_to = user.clone();
    let method = req.method().to_string();
    let ctx = RequestContext {
        user,
        lang,
        csrf_token: csrf_token.clone(),
        ip,
        path: req.uri().path().to_string(),
    };
    req.extensions_mut().insert(ctx);
    let mut response = next.run(req).await;

    // Anything out of scope answers 404; every such answer to a logged-in user is on record
    // (in its own transaction: the request's own was rolled back).
    if response.status() == StatusCode::NOT_FOUND {
        if let (Some(user), Some(route)) = (denied_to, route) {
            if let Err(err) =
                record_denied(&state, &user, &route, &method, first_id, &ip.to_string()).await
            {
                tracing::error!(error = %err, "could not record a refused request");
            }
        }
    }

    if let Some(ErrorPage(status)) = response.extensions().get::<ErrorPage>().copied() {
        response = render_error(status, lang);
    }
    let secure = state.secure_cookies;
    let headers = response.headers_mut();
    if new_anon_token {
        headers.append(
            header::SET_COOKIE,
            set_cookie(ANON_CSRF_COOKIE, &csrf_token, None, secure),
        );
    }
    if stale_session_cookie && !headers.contains_key(header::SET_COOKIE) {
        headers.append(
            header::SET_COOKIE,
            set_cookie(session::COOKIE, "", Some(0), secure),
        );
    }
    security_headers(headers);
    response
}

async fn record_denied(
    state: &AppState,
    user: &SessionUser,
    route: &str,
    method: &str,
    id: Option<uuid::Uuid>,
    ip: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::auth::Anonymous::from(&state.requests)
        .tenant(user.street_id, Some(user.user_id))
        .begin()
        .await?;
    crate::audit::record(
        &mut tx,
        "access_denied",
        "route",
        id,
        ip,
        serde_json::json!({ "route": route, "method": method }),
    )
    .await?;
    tx.commit().await
}

/// The headers of DESIGN.md on every response. Pages carry personal data, so nothing but
/// static assets may be cached.
pub fn security_headers(headers: &mut HeaderMap) {
    let set = |headers: &mut HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(
        headers,
        "content-security-policy",
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "x-frame-options", "DENY");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, "cache-control", "no-store");
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    t: &'static Catalog,
    lang: Lang,
    status: u16,
    title_key: &'static str,
    message_key: &'static str,
}

fn render_error(status: StatusCode, lang: Lang) -> Response {
    let (title_key, message_key) = match status.as_u16() {
        404 => ("error.404.title", "error.404.message"),
        403 => ("error.403.title", "error.403.message"),
        429 => ("error.429.title", "error.429.message"),
        408 => ("error.408.title", "error.408.message"),
        400 | 413 => ("error.400.title", "error.400.message"),
        _ => ("error.500.title", "error.500.message"),
    };
    let page = ErrorTemplate {
        t: catalog(lang),
        lang,
        status: status.as_u16(),
        title_key,
        message_key,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => status.into_response(),
    }
}

impl AppError {
    /// An error response rendered straight away (for the middleware, which runs outside itself).
    pub fn into_response_with(self, lang: Lang) -> Response {
        let status = self.status();
        let _ = self.into_response();
        let mut response = render_error(status, lang);
        security_headers(response.headers_mut());
        response
    }
}

/// What every page template needs: the catalog, the language, the CSRF token, who is logged in.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub t: &'static Catalog,
    pub lang: Lang,
    pub csrf: String,
    pub user: Option<SessionUser>,
    pub path: String,
    /// The client address, for audit events of what a page shows.
    pub ip: String,
}

impl PageCtx {
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.t.t(key)
    }

    /// Whether `href` is the menu entry of the page shown: the longest menu address the path
    /// starts with (so /pairings/duties marks 五个一, not 结对).
    pub fn current(&self, href: &str) -> bool {
        current_entry(&self.path) == Some(href)
    }

    /// Whether one of `hrefs` is the current menu entry (marks the group that holds it).
    pub fn current_in(&self, hrefs: &[&str]) -> bool {
        current_entry(&self.path).is_some_and(|c| hrefs.contains(&c))
    }

    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::role::Role::StreetAdmin)
    }

    pub fn is_staff(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::role::Role::CommunityStaff)
    }

    pub fn is_volunteer(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == crate::domain::role::Role::Volunteer)
    }

    /// The user's display name, or nothing when logged out.
    pub fn user_name(&self) -> &str {
        self.user
            .as_ref()
            .map(|u| u.display_name.as_str())
            .unwrap_or("")
    }
}

impl From<RequestContext> for PageCtx {
    fn from(ctx: RequestContext) -> PageCtx {
        PageCtx {
            t: catalog(ctx.lang),
            lang: ctx.lang,
            csrf: ctx.csrf_token,
            user: ctx.user,
            path: ctx.path,
            ip: ctx.ip.to_string(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        RequestContext::from_request_parts(parts, state)
            .await
            .map(PageCtx::from)
    }
}

/// Marks a volunteer page the service worker may keep on the phone for use without a signal
/// (`static/sw.js` keeps only pages with this header).
pub fn offline_page(page: impl IntoResponse) -> Response {
    ([("x-shouhu-offline", "page")], page).into_response()
}
