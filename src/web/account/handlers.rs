//! Sign-in with a password, sign-out, the password change and the interface language.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde_json::json;

use super::db;
use super::forms::{LocaleForm, LoginForm, NextQuery, PasswordForm, safe_next};
use super::view::{LoginPage, PasswordErrors, PasswordPage};
use crate::audit;
use crate::auth::Anonymous;
use crate::auth::Tenant;
use crate::auth::extract::AnyUser;
use crate::auth::{password, session, throttle};
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{LANG_COOKIE, PageCtx, RequestContext, set_cookie};

pub async fn login_form(ctx: PageCtx, Query(q): Query<NextQuery>) -> Response {
    if ctx.user.is_some() {
        return Redirect::to(links::HOME).into_response();
    }
    LoginPage {
        ctx,
        login: String::new(),
        next: safe_next(&q.next),
        error: None,
    }
    .into_response()
}

/// One message for every refusal, so the page never tells whether an account exists.
const LOGIN_FAILED: &str = "login.error.failed";

pub async fn login(
    State(state): State<AppState>,
    rctx: RequestContext,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let ip = rctx.ip;
    let ctx = PageCtx::from(rctx);
    let next = safe_next(&form.next);
    let refuse = |ctx: PageCtx, error: &'static str| LoginPage {
        ctx,
        login: form.login.trim().to_string(),
        next: next.clone(),
        error: Some(error),
    };
    let start = tokio::time::Instant::now();
    let under_lock = match state.throttle.before(&form.login, ip) {
        throttle::Before::Wait(_) => {
            let mut response = refuse(ctx, "login.error.too_many").into_response();
            *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            return Ok(response);
        }
        throttle::Before::Check { under_lock } => under_lock,
    };

    let anonymous = Anonymous::from(&state.requests);
    let mut tx = anonymous.begin().await?;
    let account = db::account_by_login(&mut tx, &form.login).await?;
    tx.commit().await?;

    let Some(account) = account else {
        // Same work as a real check, and the same time to the answer (`FAILED_FLOOR`), so
        // nothing tells a missing account from a wrong password.
        if under_lock {
            tokio::time::sleep(throttle::UNDER_LOCK_DELAY).await;
        }
        password::verify(form.password.clone(), password::DUMMY_HASH.clone()).await;
        state.throttle.failed(&form.login, ip, under_lock);
        tracing::info!("login failed: no such account");
        throttle::answer_failure_at(start, under_lock).await;
        return Ok(refuse(ctx, LOGIN_FAILED).into_response());
    };
    let (street, user) = (account.street_id, account.user_id);
    let now = Utc::now();
    let hour_ago = now - Duration::hours(1);
    let over_hourly = account.fail_window_start.is_some_and(|s| s > hour_ago)
        && account.fail_window_count >= throttle::PER_ACCOUNT_PER_HOUR;
    // The account's own lock (kept in the database, for every app server) does not close it:
    // it makes every attempt wait the fixed delay first.
    let under_lock = under_lock || account.locked_until.is_some_and(|t| t > now) || over_hourly;
    if under_lock {
        tokio::time::sleep(throttle::UNDER_LOCK_DELAY).await;
    }
    let password_ok = password::verify(form.password.clone(), account.password_hash.clone()).await;

    let mut tx = anonymous.tenant(street, Some(user)).begin().await?;
    let ip_text = ip.to_string();
    if !password_ok || account.disabled {
        if !password_ok {
            db::record_failure(&mut tx, street, user).await?;
            state.throttle.failed(&form.login, ip, under_lock);
        }
        let reason = if !password_ok { "password" } else { "disabled" };
        audit::record(
            &mut tx,
            "login_failed",
            "app_user",
            Some(user.0),
            &ip_text,
            json!({ "reason": reason, "under_lock": under_lock }),
        )
        .await?;
        tx.commit().await?;
        throttle::answer_failure_at(start, under_lock).await;
        return Ok(refuse(ctx, LOGIN_FAILED).into_response());
    }
    state.throttle.succeeded(&form.login, ip);

    let account_state = db::after_password(&mut tx, street, user).await?;
    let must_change = account_state.must_change_password;
    // With an authenticator, the failure count is cleared only after the code: a known password
    // must not reset the throttle on guessing codes.
    if !account_state.totp {
        db::signed_in(&mut tx, street, user).await?;
    }
    // A new session id at every login; whatever session this browser had is ended.
    if let Some(old) = &ctx.user {
        if old.street_id == street {
            session::end(&mut tx, street, old.session_id).await?;
        }
    }
    if account_state.totp {
        // The password was right; the authenticator code comes next. The pending session
        // opens nothing but the code page.
        let cookie = session::create_pending(&mut tx, street, user).await?;
        tx.commit().await?;
        let mut response = Redirect::to(&links::account::totp_login(&next)).into_response();
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(session::COOKIE, &cookie, None, state.secure_cookies),
        );
        return Ok(response);
    }
    let cookie = session::create(&mut tx, street, user).await?;
    audit::record(
        &mut tx,
        "login",
        "app_user",
        Some(user.0),
        &ip_text,
        json!({}),
    )
    .await?;
    tx.commit().await?;

    let target = if must_change {
        links::PASSWORD.to_string()
    } else if next.is_empty() {
        links::HOME.to_string()
    } else {
        next
    };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session::COOKIE, &cookie, None, state.secure_cookies),
    );
    Ok(response)
}

pub async fn logout(
    tenant: Tenant,
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    rctx: RequestContext,
) -> Result<Response> {
    let mut tx = tenant.begin().await?;
    session::end(&mut tx, user.street_id, user.session_id).await?;
    audit::record(
        &mut tx,
        "logout",
        "app_user",
        Some(user.user_id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    let mut response = Redirect::to(links::LOGIN).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session::COOKIE, "", Some(0), state.secure_cookies),
    );
    Ok(response)
}

pub async fn password_form(ctx: PageCtx, AnyUser(user): AnyUser) -> PasswordPage {
    PasswordPage {
        ctx,
        forced: user.must_change_password,
        errors: PasswordErrors::default(),
    }
}

pub async fn change_password(
    tenant: Tenant,
    State(state): State<AppState>,
    AnyUser(user): AnyUser,
    rctx: RequestContext,
    Form(form): Form<PasswordForm>,
) -> Result<Response> {
    let client = rctx.ip;
    let ip = client.to_string();
    let ctx = PageCtx::from(rctx);
    let start = tokio::time::Instant::now();
    let mut errors = PasswordErrors::default();
    let forced = user.must_change_password;
    let page = move |errors: PasswordErrors, status: axum::http::StatusCode| {
        let mut response = PasswordPage {
            ctx,
            forced,
            errors,
        }
        .into_response();
        *response.status_mut() = status;
        response
    };
    // The current password is a password check like the sign-in's, with its throttle.
    let under_lock = match state.throttle.before(&user.login, client) {
        throttle::Before::Wait(_) => {
            errors.current = Some("login.error.too_many");
            return Ok(page(errors, axum::http::StatusCode::TOO_MANY_REQUESTS));
        }
        throttle::Before::Check { under_lock } => under_lock,
    };
    let mut tx = tenant.begin().await?;
    let (stored_hash, locked_until) =
        db::password_hash(&mut tx, user.street_id, user.user_id).await?;
    tx.commit().await?;
    // The delay and the hash are waited out without a database connection.
    let under_lock = under_lock || locked_until.is_some_and(|t| t > Utc::now());
    if under_lock {
        tokio::time::sleep(throttle::UNDER_LOCK_DELAY).await;
    }
    let current_ok = password::verify(form.current.clone(), stored_hash).await;
    let mut tx = tenant.begin().await?;
    if current_ok {
        state.throttle.succeeded(&user.login, client);
    } else {
        errors.current = Some("password.error.current_wrong");
        db::record_failure(&mut tx, user.street_id, user.user_id).await?;
        state.throttle.failed(&user.login, client, under_lock);
        audit::record(
            &mut tx,
            "password_check_failed",
            "app_user",
            Some(user.user_id.0),
            &ip,
            json!({ "under_lock": under_lock }),
        )
        .await?;
    }
    errors.new = password::check_new(&form.new, &user.login);
    if errors.new.is_none() && form.new == form.current {
        errors.new = Some("password.error.unchanged");
    }
    if form.new != form.confirm {
        errors.confirm = Some("password.error.mismatch");
    }
    if errors.current.is_some() || errors.new.is_some() || errors.confirm.is_some() {
        tx.commit().await?;
        if errors.current.is_some() {
            throttle::answer_failure_at(start, under_lock).await;
        }
        return Ok(page(errors, axum::http::StatusCode::UNPROCESSABLE_ENTITY));
    }

    let hash = password::hash(form.new).await?;
    db::set_password(&mut tx, user.street_id, user.user_id, &hash).await?;
    // Every session of the user ends, this one included; this browser gets a fresh one.
    session::end_all(&mut tx, user.street_id, user.user_id).await?;
    let cookie = session::create(&mut tx, user.street_id, user.user_id).await?;
    audit::record(
        &mut tx,
        "password_changed",
        "app_user",
        Some(user.user_id.0),
        &ip,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    let mut response = Redirect::to(links::HOME).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(session::COOKIE, &cookie, None, state.secure_cookies),
    );
    Ok(response)
}

/// Switch the interface language: a cookie for this browser, and the account's setting.
pub async fn set_locale(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    Form(form): Form<LocaleForm>,
) -> Result<Response> {
    let lang = crate::i18n::Lang::from_code(&form.lang).ok_or(AppError::BadRequest)?;
    if let Some(user) = &rctx.user {
        let mut tx = tenant.begin().await?;
        db::set_locale(&mut tx, user.street_id, user.user_id, lang.code()).await?;
        tx.commit().await?;
    }
    let back = if links::is_local_path(&form.back) {
        form.back
    } else {
        links::HOME.to_string()
    };
    let mut response = Redirect::to(&back).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(365 * 24 * 3600),
            state.secure_cookies,
        ),
    );
    Ok(response)
}
