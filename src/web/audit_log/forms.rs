//! The audit viewer's filters, kept in the URL, and the actions they may name.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::domain::ids::UserId;
use crate::domain::semester::china_offset;
use crate::links;
use crate::web::forms::FieldErrors;

/// Every action the product records; each has a label `audit.action.<key>`.
pub const ACTIONS: &[&str] = &[
    "access_denied",
    "activity_cancelled",
    "activity_created",
    "activity_summary_saved",
    "activity_updated",
    "aid_recorded",
    "api_token_created",
    "api_token_revoked",
    "attendance_recorded",
    "attendance_walk_in",
    "audit_exported",
    "child_anonymised",
    "child_created",
    "child_printed",
    "child_status_changed",
    "child_transferred",
    "child_updated",
    "child_verified",
    "child_viewed",
    "children_exported",
    "children_imported",
    "community_created",
    "compliance_exported",
    "conduct_accepted",
    "consent_recorded",
    "consent_withdrawn",
    "duties_exported",
    "duty_credited",
    "evaluation_weights_changed",
    "follow_up_closed",
    "grid_created",
    "guardian_added",
    "guardian_removed",
    "guardian_updated",
    "id_number_revealed",
    "login",
    "login_failed",
    "logout",
    "pairing_created",
    "pairing_ended",
    "pairing_safeguarding_override",
    "password_changed",
    "password_check_failed",
    "password_reset",
    "photo_uploaded",
    "recovery_code_used",
    "report_exported",
    "report_narrative_saved",
    "report_transition",
    "retention_run",
    "settings_changed",
    "street_created",
    "street_report_exported",
    "totp_disabled",
    "totp_enrolled",
    "totp_failed",
    "user_created",
    "user_disabled",
    "user_enabled",
    "visit_commented",
    "visit_logged",
    "volunteer_created",
    "volunteer_updated",
    "volunteers_exported",
    "volunteers_imported",
];

/// The filters, kept in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub user: String,
    /// A child's name (or its beginning), or a child id.
    #[serde(default)]
    pub child: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<i64>,
}

/// Checked filters: `None` is "any".
pub struct Filters {
    pub user: Option<UserId>,
    pub child: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl AuditQuery {
    pub fn filters(&self) -> (Filters, FieldErrors) {
        let mut e = FieldErrors::default();
        let day = |e: &mut FieldErrors, field: &'static str, v: &str| -> Option<NaiveDate> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if d.is_none() {
                e.add(field, "form.error.date");
            }
            d
        };
        let from = day(&mut e, "from", &self.from);
        let to = day(&mut e, "to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add("to", "audit.error.range");
            }
        }
        // Days are China's days.
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(china_offset())
                .unwrap()
                .with_timezone(&Utc)
        };
        let user = self.user.trim();
        let user = if user.is_empty() {
            None
        } else {
            match user.parse() {
                Ok(u) => Some(u),
                Err(_) => {
                    e.add("user", "audit.error.user");
                    None
                }
            }
        };
        let action = self.action.trim();
        let action = if action.is_empty() {
            None
        } else if ACTIONS.contains(&action) {
            Some(action.to_string())
        } else {
            e.add("action", "audit.error.action");
            None
        };
        let child = self.child.trim();
        let filters = Filters {
            user,
            child: (!child.is_empty()).then(|| child.chars().take(50).collect()),
            action,
            from: from.map(start),
            to: to.map(|d| start(d + chrono::Duration::days(1))),
        };
        (filters, e)
    }

    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 100_000)
    }

    /// The query string of these filters (without the page).
    pub fn filter_query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("user", &self.user),
            ("child", &self.child),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    /// One page of the events that match these filters.
    pub fn page_link(&self, page: i64) -> String {
        links::audit::page(&self.filter_query(), page)
    }
}
