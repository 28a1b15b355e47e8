//! The report pages: one community's quarter, the street overview, the evaluation and the
//! data-quality view.

use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;
use uuid::Uuid;

use super::db::{self as queries, CommunityLine, Ranked, ReportRow, TransitionRow, Waiting};
use super::figures::{Figures, VISIT_KINDS, compute};
use crate::auth::Staff;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::ids::{CommunityId, StreetId};
use crate::domain::role::Role;
use crate::domain::semester::{Quarter, today_in_china};
use crate::error::Result;
use crate::web::context::PageCtx;
use crate::web::forms::FieldErrors;
use crate::web::scope;

/// The figures to show: frozen for an approved report, computed from the records otherwise.
pub async fn figures_of(
    tx: &mut Tx,
    street: StreetId,
    community: Uuid,
    q: Quarter,
    report: Option<&ReportRow>,
) -> Result<Figures> {
    match report.and_then(|r| {
        if r.status == "approved" {
            r.frozen()
        } else {
            None
        }
    }) {
        Some(frozen) => Ok(frozen),
        None => compute(tx, street, community, q, today_in_china()).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/show.html")]
pub struct ReportPage {
    pub ctx: PageCtx,
    pub community_id: Uuid,
    pub community: String,
    pub period: String,
    pub quarter: Quarter,
    pub status: String,
    pub figures: Figures,
    pub report: Option<ReportRow>,
    pub transitions: Vec<TransitionRow>,
    pub is_admin: bool,
    pub is_own_staff: bool,
    pub errors: FieldErrors,
    pub kinds: [&'static str; 8],
    pub conflict: bool,
}

impl ReportPage {
    pub fn editable(&self) -> bool {
        self.is_own_staff && matches!(self.status.as_str(), "draft" | "returned")
    }
    pub fn narrative(&self, field: &str) -> &str {
        match (&self.report, field) {
            (Some(r), "work_done") => &r.work_done,
            (Some(r), "problems") => &r.problems,
            (Some(r), "next_steps") => &r.next_steps,
            _ => "",
        }
    }
    /// Visit kinds with a count above zero.
    pub fn visit_counts(&self) -> Vec<(&'static str, i64)> {
        self.kinds
            .iter()
            .zip(&self.figures.visits_by_kind)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (*k, *n))
            .collect()
    }
    pub fn version(&self) -> i32 {
        self.report.as_ref().map(|r| r.version).unwrap_or(0)
    }
}

pub async fn report_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    community: CommunityId,
    q: Quarter,
    errors: FieldErrors,
) -> Result<ReportPage> {
    let street = staff.user.street_id;
    let name = scope::community(tx, staff, community).await?;
    let report = queries::find(tx, street, community.0, q).await?;
    let figures = figures_of(tx, street, community.0, q, report.as_ref()).await?;
    let transitions = match &report {
        Some(r) => queries::transitions(tx, street, r.id).await?,
        None => Vec::new(),
    };
    Ok(ReportPage {
        ctx,
        community_id: community.0,
        community: name,
        period: q.key(),
        quarter: q,
        status: report
            .as_ref()
            .map(|r| r.status.clone())
            .unwrap_or_else(|| "draft".to_string()),
        figures,
        report,
        transitions,
        is_admin: staff.scope == CommunityScope::All,
        is_own_staff: staff.user.role == Role::CommunityStaff && staff.scope.allows(community),
        errors,
        kinds: VISIT_KINDS,
        conflict: false,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/street.html")]
pub struct StreetReportsPage {
    pub ctx: PageCtx,
    pub quarter: Quarter,
    pub period: String,
    pub periods: Vec<Quarter>,
    pub lines: Vec<CommunityLine>,
    pub sort: String,
    pub dir: String,
    pub columns: [&'static str; 10],
    pub on_time_rate: String,
    /// Before the deadline: how many of the communities owing a report have submitted it.
    pub submitted_so_far: Option<String>,
    pub deadline: NaiveDate,
    pub is_admin: bool,
    /// Reports that wait for this user: submitted ones for the street admin to review,
    /// returned ones for the community to fix.
    pub waiting: Vec<Waiting>,
    /// Communities whose last finished quarter's report is past its deadline and not submitted.
    pub overdue: Vec<(Uuid, String, Quarter)>,
}

impl StreetReportsPage {
    pub fn sort_link(&self, column: &str) -> String {
        let dir = if self.sort == column && self.dir != "asc" {
            "asc"
        } else {
            "desc"
        };
        crate::links::reports::quarter_sorted(&self.period, column, dir)
    }
    pub fn pct(&self, v: Option<f64>) -> String {
        Figures::show(v)
    }
    pub fn key(&self, q: &Quarter) -> String {
        q.key()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/evaluation.html")]
pub struct EvaluationPage {
    pub ctx: PageCtx,
    pub year: i32,
    /// The weights as stored, which the ranking uses.
    pub weights: Vec<(&'static str, i64)>,
    pub ranking: Vec<Ranked>,
    /// What the weights form shows: the stored weights, or what was typed.
    pub typed: Vec<(&'static str, String)>,
    /// The stored weights the form is sent over (`db::weights_shown`).
    pub opened: String,
    pub errors: FieldErrors,
    /// Someone saved the weights after this form was opened.
    pub conflict: bool,
}

impl EvaluationPage {
    /// The page with the form showing the stored weights.
    pub fn stored(
        ctx: PageCtx,
        year: i32,
        weights: Vec<(&'static str, i64)>,
        ranking: Vec<Ranked>,
    ) -> EvaluationPage {
        EvaluationPage {
            ctx,
            year,
            typed: weights.iter().map(|(m, w)| (*m, w.to_string())).collect(),
            opened: super::db::weights_shown(&weights),
            weights,
            ranking,
            errors: FieldErrors::default(),
            conflict: false,
        }
    }

    pub fn pct(&self, v: &Option<f64>) -> String {
        Figures::show(*v)
    }
}

/// Data quality: what to fix, where.
#[derive(Template, WebTemplate)]
#[template(path = "reports/quality.html")]
pub struct QualityPage {
    pub ctx: PageCtx,
    pub missing: Vec<(String, Vec<(Uuid, String)>)>,
    pub not_updated: Vec<(Uuid, String)>,
    pub unverified: Vec<(Uuid, String)>,
    pub inactive: Vec<crate::web::pairings::db::PairingRow>,
    pub late: Vec<(String, Quarter)>,
}
