//! The community and grid forms.

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct CommunityForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub address: String,
}

#[derive(Debug, Default)]
pub struct CommunityErrors {
    pub name: Option<&'static str>,
    pub address: Option<&'static str>,
}

#[derive(Debug, Deserialize)]
pub struct GridForm {
    #[serde(default)]
    pub name: String,
}
