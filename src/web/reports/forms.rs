//! The report forms and query strings.

use serde::Deserialize;

#[derive(Deserialize)]
pub struct NarrativeForm {
    #[serde(default)]
    pub work_done: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

#[derive(Deserialize)]
pub struct WeightsForm {
    #[serde(flatten)]
    pub fields: std::collections::HashMap<String, String>,
}
