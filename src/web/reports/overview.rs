//! The reports page: every community of the scope side by side for a quarter, opening on what
//! needs doing, with what waits for the user at the top.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::db::{CommunityLine, deadline, deadline_days, lines};
use super::figures::Figures;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::ids::StreetId;
use crate::domain::semester::{Quarter, today_in_china};
use crate::error::Result;
use crate::web::context::PageCtx;

/// The sortable columns of the street view.
pub const COLUMNS: [&str; 10] = [
    "children",
    "completeness",
    "pairing_coverage",
    "visits",
    "duty_completion",
    "talk_coverage",
    "activities",
    "person_times",
    "aid",
    "overdue",
];

fn sort_value(line: &CommunityLine, column: &str) -> f64 {
    let f = &line.figures;
    match column {
        "children" => f.children as f64,
        "completeness" => f.completeness().unwrap_or(-1.0),
        "pairing_coverage" => f.pairing_coverage().unwrap_or(-1.0),
        "visits" => f.visits as f64,
        "duty_completion" => f.duty_completion().unwrap_or(-1.0),
        "talk_coverage" => f.talk_coverage().unwrap_or(-1.0),
        "activities" => f.activities as f64,
        "person_times" => f.person_times as f64,
        "aid" => f.aid_fen as f64,
        "overdue" => f.follow_ups_overdue as f64,
        _ => 0.0,
    }
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

#[derive(Template, WebTemplate)]
#[template(path = "reports/street.html")]
pub struct StreetReportsPage {
    ctx: PageCtx,
    quarter: Quarter,
    period: String,
    periods: Vec<Quarter>,
    lines: Vec<CommunityLine>,
    sort: String,
    dir: String,
    columns: [&'static str; 10],
    on_time_rate: String,
    /// Before the deadline: how many of the communities owing a report have submitted it.
    submitted_so_far: Option<String>,
    deadline: NaiveDate,
    is_admin: bool,
    /// Reports that wait for this user: submitted ones for the street admin to review,
    /// returned ones for the community to fix.
    waiting: Vec<Waiting>,
    /// Communities whose last finished quarter's report is past its deadline and not submitted.
    overdue: Vec<(Uuid, String, Quarter)>,
}

impl StreetReportsPage {
    fn sort_link(&self, column: &str) -> String {
        let dir = if self.sort == column && self.dir != "asc" {
            "asc"
        } else {
            "desc"
        };
        format!("/reports?period={}&sort={column}&dir={dir}", self.period)
    }
    fn pct(&self, v: Option<f64>) -> String {
        Figures::show(v)
    }
    fn key(&self, q: &Quarter) -> String {
        q.key()
    }
}

/// A report that waits for someone.
pub struct Waiting {
    pub community: Uuid,
    pub name: String,
    pub quarter: Quarter,
    pub status: String,
}

/// The reports of the scope that wait for this user, newest quarter first: submitted ones for
/// the street admin, returned ones for a community's staff.
async fn waiting(tx: &mut Tx, street: StreetId, scope: CommunityScope) -> Result<Vec<Waiting>> {
    let status = if scope == CommunityScope::All {
        "submitted"
    } else {
        "returned"
    };
    let rows: Vec<(Uuid, String, i32, i16, String)> = sqlx::query_as(
        "SELECT r.community_id, c.name, r.year, r.quarter, r.status::text FROM report r
         JOIN community c ON c.street_id = r.street_id AND c.id = r.community_id
         WHERE r.street_id = $1 AND ($2::uuid IS NULL OR r.community_id = $2) AND r.status = $3::text::report_status
         ORDER BY r.year DESC, r.quarter DESC, c.name",
    )
    .bind(street.0)
    .bind(scope.filter())
    .bind(status)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(community, name, year, number, status)| Waiting {
            community,
            name,
            quarter: Quarter {
                year,
                number: number as u32,
            },
            status,
        })
        .collect())
}

/// The quarter the page opens on: the newest one with a report waiting for this user; else the
/// last finished quarter while its deadline is ahead or a community still owes it; else the
/// current quarter, whose deadline is the next one.
fn opening_quarter(today: NaiveDate, days: i32, waiting: &[Waiting], last_owed: bool) -> Quarter {
    if let Some(w) = waiting.first() {
        return w.quarter;
    }
    let current = Quarter::containing(today);
    let last = current.previous();
    if today <= deadline(last, days) || last_owed {
        last
    } else {
        current
    }
}

pub async fn reports_overview(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(q): Query<OverviewQuery>,
) -> Result<StreetReportsPage> {
    let today = today_in_china();
    let street = staff.user.street_id;
    let mut tx = tenant.begin().await?;
    let days = deadline_days(&mut tx, street).await?;
    let waiting = waiting(&mut tx, street, staff.scope).await?;
    let last = Quarter::containing(today).previous();
    let last_lines = lines(&mut tx, street, staff.scope.filter(), last).await?;
    let overdue: Vec<(Uuid, String, Quarter)> = last_lines
        .iter()
        .filter(|l| l.on_time == Some(false) && l.submitted_at.is_none())
        .map(|l| (l.id, l.name.clone(), last))
        .collect();
    let quarter = Quarter::parse(&q.period)
        .unwrap_or_else(|| opening_quarter(today, days, &waiting, !overdue.is_empty()));
    // The last quarter's lines are already there when the page shows it (most visits).
    let mut lines = if quarter == last {
        last_lines
    } else {
        lines(&mut tx, street, staff.scope.filter(), quarter).await?
    };
    tx.commit().await?;
    let sort = if COLUMNS.contains(&q.sort.as_str()) {
        q.sort.clone()
    } else {
        String::new()
    };
    if !sort.is_empty() {
        lines.sort_by(|a, b| sort_value(a, &sort).total_cmp(&sort_value(b, &sort)));
        if q.dir != "asc" {
            lines.reverse();
        }
    }
    let due: Vec<bool> = lines.iter().filter_map(|l| l.on_time).collect();
    let on_time_rate = if due.is_empty() {
        "—".to_string()
    } else {
        format!(
            "{:.0}%",
            due.iter().filter(|x| **x).count() as f64 * 100.0 / due.len() as f64
        )
    };
    // Before the deadline the rate says nothing yet (one report in four, all on time, is not
    // "100 %"): the page says how many have come in.
    let submitted_so_far = (today <= deadline(quarter, days) && quarter.end() < today).then(|| {
        format!(
            "{}/{}",
            lines.iter().filter(|l| l.submitted_at.is_some()).count(),
            lines.len()
        )
    });
    let mut periods = Vec::new();
    let mut p = Quarter::containing(today);
    for _ in 0..8 {
        periods.push(p);
        p = p.previous();
    }
    Ok(StreetReportsPage {
        ctx,
        period: quarter.key(),
        quarter,
        periods,
        lines,
        sort,
        dir: q.dir,
        columns: COLUMNS,
        on_time_rate,
        submitted_so_far,
        deadline: deadline(quarter, days),
        is_admin: staff.scope == CommunityScope::All,
        waiting,
        overdue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_page_opens_on_what_needs_doing() {
        let q = |year, number| Quarter { year, number };
        // Before Q3's deadline: Q3. After it, with everyone in: the current quarter. After it,
        // with a community still owing: Q3.
        assert_eq!(opening_quarter(d(2026, 10, 8), 10, &[], false), q(2026, 3));
        assert_eq!(opening_quarter(d(2026, 12, 4), 10, &[], false), q(2026, 4));
        assert_eq!(opening_quarter(d(2026, 12, 4), 10, &[], true), q(2026, 3));
        // A report waiting for review wins.
        let waiting = [Waiting {
            community: Uuid::nil(),
            name: String::new(),
            quarter: q(2026, 2),
            status: "submitted".into(),
        }];
        assert_eq!(
            opening_quarter(d(2026, 12, 4), 10, &waiting, true),
            q(2026, 2)
        );
    }
}
