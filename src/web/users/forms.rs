//! The new-account form and what is wrong with it, field by field.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub volunteer_id: String,
    #[serde(default)]
    pub volunteer_kind: String,
}

/// The catalog key of what is wrong with each field, if anything.
#[derive(Debug, Default)]
pub struct UserErrors {
    pub login: Option<&'static str>,
    pub display_name: Option<&'static str>,
    pub role: Option<&'static str>,
    pub community_id: Option<&'static str>,
    pub volunteer_kind: Option<&'static str>,
}

impl UserErrors {
    pub fn any(&self) -> bool {
        self.login.is_some()
            || self.display_name.is_some()
            || self.role.is_some()
            || self.community_id.is_some()
            || self.volunteer_kind.is_some()
    }
}
