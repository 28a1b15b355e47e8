//! The child file (一人一档): list, create, edit, show, print; guardians and parents; consent;
//! status, re-verification and transfers. Staff of a community and street admins only;
//! volunteers get 404 from the `Staff` extractor.

mod consents;
pub mod db;
pub mod details_db;
pub mod details_forms;
pub mod forms;
mod guardians;
pub mod handlers;
mod lifecycle;
pub mod list_db;
pub mod view;
mod visit_comments;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/children",
            get(handlers::list_children).post(handlers::create_child),
        )
        .route("/children/new", get(handlers::new_child_form))
        .route(
            "/children/{id}",
            get(handlers::show_child).post(handlers::update_child),
        )
        .route("/children/{id}/edit", get(handlers::edit_child_form))
        .route("/children/{id}/print", get(lifecycle::print_child))
        .route("/children/{id}/reveal", post(lifecycle::reveal_id_number))
        .route("/children/{id}/status", post(lifecycle::change_status))
        .route("/children/{id}/verify", post(lifecycle::verify_child))
        .route("/children/{id}/transfer", post(lifecycle::transfer_child))
        .route("/children/{id}/guardians", post(guardians::create_guardian))
        .route(
            "/children/{id}/guardians/new",
            get(guardians::new_guardian_form),
        )
        .route(
            "/children/{id}/guardians/{guardian_id}",
            post(guardians::update_guardian),
        )
        .route(
            "/children/{id}/guardians/{guardian_id}/edit",
            get(guardians::edit_guardian_form),
        )
        .route(
            "/children/{id}/guardians/{guardian_id}/delete",
            post(guardians::delete_guardian),
        )
        .route("/children/{id}/consents", post(consents::record_consent))
        .route(
            "/children/{id}/consents/{consent_id}/withdraw",
            post(consents::withdraw_consent),
        )
        .route(
            "/visits/{id}/comments",
            post(visit_comments::comment_on_visit),
        )
}
