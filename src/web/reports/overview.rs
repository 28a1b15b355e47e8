//! The reports page: every community of the scope side by side for a quarter, opening on what
//! needs doing, with what waits for the user at the top.

use axum::extract::Query;
use chrono::NaiveDate;
use uuid::Uuid;

use super::db::{CommunityLine, deadline, deadline_days, lines};
use super::db::{Waiting, waiting};
use super::forms::OverviewQuery;
use super::view::StreetReportsPage;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::auth::extract::CommunityScope;
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
