//! Strong sign-in: an authenticator app (TOTP) for any account, compulsory for street admins
//! and community staff when the street says so. Enrolment shows a QR code drawn on the server
//! and, once the first code checks out, ten recovery codes shown once and stored hashed. At
//! sign-in the code (or one recovery code) comes after the password.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sqlx::PgConnection;

use super::db;
use super::forms::{CodeForm, CodeOnly, NextQuery, safe_next};
use super::view::{CodePage, SecurityPage};
use crate::audit;
use crate::auth::extract::AnyUser;
use crate::auth::throttle;
use crate::auth::{Anonymous, Tenant};
use crate::auth::{SessionUser, session, totp};
use crate::domain::ids::{StreetId, UserId};
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext, cookie, set_cookie};

const ISSUER: &str = "守护 Shouhu";

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An account's authenticator, its secrets decrypted.
struct TotpState {
    secret: Option<Vec<u8>>,
    pending: Option<Vec<u8>>,
    last_step: i64,
    required: bool,
    recovery_left: i64,
}

async fn totp_state(
    conn: &mut PgConnection,
    state: &AppState,
    street: StreetId,
    user: UserId,
) -> Result<TotpState> {
    let row = db::totp_row(conn, street, user).await?;
    let open = |blob: Option<Vec<u8>>| -> Result<Option<Vec<u8>>> {
        blob.map(|b| {
            state
                .data_key
                .decrypt(&b)
                .map_err(AppError::internal)
                .and_then(|hex| hex_decode(&hex).ok_or_else(|| AppError::internal("secret")))
        })
        .transpose()
    };
    Ok(TotpState {
        secret: open(row.secret_enc)?,
        // An enrolment begun under another data key is simply begun again.
        pending: open(row.pending_enc).ok().flatten(),
        last_step: row.last_step,
        required: row.required,
        recovery_left: row.recovery_left,
    })
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// Whether `typed` is a current, unused code of the account's enrolled authenticator; if so its
/// time step is spent.
async fn current_code(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    secret: Option<&[u8]>,
    last_step: i64,
    typed: &str,
) -> Result<bool> {
    match secret.and_then(|s| totp::verify(s, typed, unix_now(), last_step)) {
        Some(step) => Ok(db::use_step(conn, street, user, step).await?),
        None => Ok(false),
    }
}

/// A typed code: an authenticator code that has not been used, or an unused recovery code
/// (which is then spent). Returns how it was proved, or `None`.
async fn check_second_factor(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    secret: &[u8],
    last_step: i64,
    typed: &str,
) -> Result<Option<&'static str>> {
    if current_code(conn, street, user, Some(secret), last_step, typed).await? {
        return Ok(Some("totp"));
    }
    let spent = db::spend_recovery_code(conn, street, user, &totp::recovery_hash(typed)).await?;
    Ok(spent.then_some("recovery_code"))
}

// ---- The code after the password -----------------------------------------------------------

async fn pending(state: &AppState, headers: &HeaderMap) -> Result<Option<session::PendingSignIn>> {
    match cookie(headers, session::COOKIE) {
        Some(value) => Ok(session::lookup_pending(&state.requests, value).await?),
        None => Ok(None),
    }
}

pub async fn code_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response> {
    if pending(&state, &headers).await?.is_none() {
        return Ok(Redirect::to(links::LOGIN).into_response());
    }
    Ok(CodePage {
        ctx,
        next: safe_next(&q.next),
        error: None,
    }
    .into_response())
}

pub async fn check_code(
    State(state): State<AppState>,
    rctx: RequestContext,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response> {
    let Some(sign_in) = pending(&state, &headers).await? else {
        return Ok(Redirect::to(links::LOGIN).into_response());
    };
    let (street, user) = (sign_in.street_id, sign_in.user_id);
    let client = rctx.ip;
    let ip = client.to_string();
    let ctx = PageCtx::from(rctx);
    let next = safe_next(&form.next);
    let start = tokio::time::Instant::now();
    let tenant = Anonymous::from(&state.requests).tenant(street, Some(user));
    let mut tx = tenant.begin().await?;
    let account = db::code_account(&mut tx, street, user).await?;
    let refuse = |ctx: PageCtx, error: &'static str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            CodePage {
                ctx,
                next: next.clone(),
                error: Some(error),
            },
        )
            .into_response()
    };
    // Codes share the sign-in's throttle: the address that guesses waits; the owner, elsewhere,
    // waits only the fixed delay while the account is under attack.
    let under_lock = match state.throttle.before(&account.login, client) {
        throttle::Before::Wait(_) => {
            tx.commit().await?;
            let mut response = refuse(ctx, "totp.error.locked");
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            return Ok(response);
        }
        throttle::Before::Check { under_lock } => {
            under_lock || account.locked_until.is_some_and(|t| t > chrono::Utc::now())
        }
    };
    if under_lock {
        // Waited out without holding a database connection.
        tx.commit().await?;
        tokio::time::sleep(throttle::UNDER_LOCK_DELAY).await;
        tx = tenant.begin().await?;
    }
    let totp = totp_state(&mut tx, &state, street, user).await?;
    let Some(secret) = totp.secret else {
        return Ok(Redirect::to(links::LOGIN).into_response());
    };
    let proved =
        check_second_factor(&mut tx, street, user, &secret, totp.last_step, &form.code).await?;
    let Some(how) = proved else {
        db::record_failure(&mut tx, street, user).await?;
        state.throttle.failed(&account.login, client, under_lock);
        audit::record(
            &mut tx,
            "totp_failed",
            "app_user",
            Some(user.0),
            &ip,
            json!({}),
        )
        .await?;
        tx.commit().await?;
        throttle::answer_failure_at(start, under_lock).await;
        return Ok(refuse(ctx, "totp.error.wrong"));
    };
    state.throttle.succeeded(&account.login, client);
    if how == "recovery_code" {
        audit::record(
            &mut tx,
            "recovery_code_used",
            "app_user",
            Some(user.0),
            &ip,
            json!({ "left": totp.recovery_left - 1 }),
        )
        .await?;
    }
    db::signed_in(&mut tx, street, user).await?;
    // A fresh session id now that the sign-in is complete.
    session::end(&mut tx, street, sign_in.session_id).await?;
    let cookie_value = session::create(&mut tx, street, user).await?;
    audit::record(
        &mut tx,
        "login",
        "app_user",
        Some(user.0),
        &ip,
        json!({ "second_factor": how }),
    )
    .await?;
    tx.commit().await?;
    let target = if account.must_change_password {
        links::PASSWORD.to_string()
    } else if next.is_empty() {
        links::HOME.to_string()
    } else {
        next
    };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session::COOKIE, &cookie_value, None, state.secure_cookies),
    );
    Ok(response)
}

// ---- The account's own page: enrol, new recovery codes, remove -----------------------------

/// The page for the account as it is now; while not enrolled, with a pending secret (made now
/// if there is none).
async fn page_for(
    conn: &mut PgConnection,
    state: &AppState,
    ctx: PageCtx,
    user: &SessionUser,
) -> Result<SecurityPage> {
    let t = totp_state(conn, state, user.street_id, user.user_id).await?;
    let (mut qr_svg, mut secret_text) = (String::new(), String::new());
    if t.secret.is_none() {
        let secret = match t.pending {
            Some(p) => p,
            None => {
                let s = totp::new_secret();
                let secret_enc = state.data_key.encrypt(&hex_encode(&s));
                db::set_pending_secret(conn, user.street_id, user.user_id, secret_enc).await?;
                s
            }
        };
        qr_svg = totp::qr_svg(&totp::otpauth_uri(&secret, ISSUER, &user.login));
        secret_text = totp::base32(&secret);
    }
    Ok(SecurityPage {
        ctx,
        enabled: t.secret.is_some(),
        required: t.required,
        recovery_left: t.recovery_left,
        qr_svg,
        secret_text,
        recovery_codes: Vec::new(),
        error: None,
        notice: None,
    })
}

pub async fn security_page(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    AnyUser(user): AnyUser,
) -> Result<SecurityPage> {
    let mut tx = tenant.begin().await?;
    let page = page_for(&mut tx, &state, ctx, &user).await?;
    tx.commit().await?;
    Ok(page)
}

/// The first code from the app confirms the enrolment.
pub async fn confirm_enrolment(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    AnyUser(user): AnyUser,
    Form(form): Form<CodeOnly>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let (street, id) = (user.street_id, user.user_id);
    let mut tx = tenant.begin().await?;
    let t = totp_state(&mut tx, &state, street, id).await?;
    let (Some(pending), None) = (t.pending.clone(), t.secret.as_ref()) else {
        // Already enrolled, or no enrolment under way: the page as it is.
        let page = page_for(&mut tx, &state, ctx, &user).await?;
        tx.commit().await?;
        return Ok(page.into_response());
    };
    let Some(step) = totp::verify(&pending, &form.code, unix_now(), 0) else {
        audit::record(
            &mut tx,
            "totp_failed",
            "app_user",
            Some(id.0),
            &ip,
            json!({ "enrolment": true }),
        )
        .await?;
        let mut page = page_for(&mut tx, &state, ctx, &user).await?;
        page.error = Some("totp.error.wrong");
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    db::confirm_enrolment(&mut tx, street, id, step).await?;
    let codes = db::replace_recovery_codes(&mut tx, street, id).await?;
    audit::record(
        &mut tx,
        "totp_enrolled",
        "app_user",
        Some(id.0),
        &ip,
        json!({}),
    )
    .await?;
    let mut page = page_for(&mut tx, &state, ctx, &user).await?;
    tx.commit().await?;
    page.recovery_codes = codes;
    page.notice = Some("totp.enrolled");
    Ok(page.into_response())
}

/// New recovery codes (the old ones stop working), on a current code.
pub async fn new_recovery_codes(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    AnyUser(user): AnyUser,
    Form(form): Form<CodeOnly>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let (street, id) = (user.street_id, user.user_id);
    let mut tx = tenant.begin().await?;
    let t = totp_state(&mut tx, &state, street, id).await?;
    let ok = current_code(
        &mut tx,
        street,
        id,
        t.secret.as_deref(),
        t.last_step,
        &form.code,
    )
    .await?;
    let mut page;
    if ok {
        let codes = db::replace_recovery_codes(&mut tx, street, id).await?;
        audit::record(
            &mut tx,
            "totp_enrolled",
            "app_user",
            Some(id.0),
            &ip,
            json!({ "recovery_codes": "replaced" }),
        )
        .await?;
        page = page_for(&mut tx, &state, ctx, &user).await?;
        page.recovery_codes = codes;
    } else {
        audit::record(
            &mut tx,
            "totp_failed",
            "app_user",
            Some(id.0),
            &ip,
            json!({}),
        )
        .await?;
        page = page_for(&mut tx, &state, ctx, &user).await?;
        page.error = Some("totp.error.wrong");
    }
    tx.commit().await?;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, page).into_response())
}

/// Removes the authenticator, on a current code; not while the street requires one.
pub async fn disable(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    AnyUser(user): AnyUser,
    Form(form): Form<CodeOnly>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let (street, id) = (user.street_id, user.user_id);
    let mut tx = tenant.begin().await?;
    let t = totp_state(&mut tx, &state, street, id).await?;
    if t.required {
        let mut page = page_for(&mut tx, &state, ctx, &user).await?;
        page.error = Some("totp.error.required");
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let ok = current_code(
        &mut tx,
        street,
        id,
        t.secret.as_deref(),
        t.last_step,
        &form.code,
    )
    .await?;
    if !ok {
        audit::record(
            &mut tx,
            "totp_failed",
            "app_user",
            Some(id.0),
            &ip,
            json!({}),
        )
        .await?;
        let mut page = page_for(&mut tx, &state, ctx, &user).await?;
        page.error = Some("totp.error.wrong");
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    db::remove_totp(&mut tx, street, id).await?;
    audit::record(
        &mut tx,
        "totp_disabled",
        "app_user",
        Some(id.0),
        &ip,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(links::TOTP_SETUP).into_response())
}
