//! Paths of user accounts.

use crate::domain::ids::UserId;

pub const USERS: &str = "/users";
pub const NEW_USER: &str = "/users/new";

pub fn user_disable(id: UserId) -> String {
    format!("/users/{id}/disable")
}

pub fn user_enable(id: UserId) -> String {
    format!("/users/{id}/enable")
}

pub fn user_reset_password(id: UserId) -> String {
    format!("/users/{id}/reset-password")
}
