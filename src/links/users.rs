//! Paths of user accounts.

use crate::domain::ids::UserId;

pub const USERS: &str = "/users";
pub const NEW_USER: &str = "/users/new";

pub fn user_disable(id: impl Into<UserId>) -> String {
    let id = id.into();
    format!("/users/{id}/disable")
}

pub fn user_enable(id: impl Into<UserId>) -> String {
    let id = id.into();
    format!("/users/{id}/enable")
}

pub fn user_reset_password(id: impl Into<UserId>) -> String {
    let id = id.into();
    format!("/users/{id}/reset-password")
}
