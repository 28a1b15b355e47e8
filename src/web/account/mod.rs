//! The account of whoever is signed in: sign-in with a password and then, where enrolled, an
//! authenticator code (TOTP) or a recovery code; sign-out; the password change; the interface
//! language; and the sign-in security page, where an authenticator is enrolled (compulsory for
//! street admins and community staff when the street says so), its recovery codes renewed or
//! it is removed.

pub mod db;
pub mod forms;
pub mod handlers;
pub mod second_factor;
pub mod view;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    // Literal paths (links::TOTP_LOGIN, links::TOTP_SETUP): the route-listing tests read them.
    Router::new()
        .route("/login", get(handlers::login_form).post(handlers::login))
        .route("/logout", post(handlers::logout))
        .route(
            "/password",
            get(handlers::password_form).post(handlers::change_password),
        )
        .route("/locale", post(handlers::set_locale))
        .route(
            "/login/totp",
            get(second_factor::code_form).post(second_factor::check_code),
        )
        .route(
            "/account/totp",
            get(second_factor::security_page).post(second_factor::confirm_enrolment),
        )
        .route(
            "/account/totp/recovery-codes",
            post(second_factor::new_recovery_codes),
        )
        .route("/account/totp/disable", post(second_factor::disable))
}
