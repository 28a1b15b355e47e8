//! The figures of a community's quarterly report, computed from the records. An approved report
//! keeps them as a frozen snapshot (JSON), so later edits of records never change it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::duties::{Duty, DutyState};
use crate::domain::ids::StreetId;
use crate::domain::semester::{Quarter, Semester};
pub use crate::domain::visit::VISIT_KINDS;
use crate::web::pairings::db::grid_rows;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Active children at the quarter's end.
    pub children: i64,
    pub new_children: i64,
    pub exited_children: i64,
    /// Active children whose file is complete (建档率 = complete / children).
    pub complete_files: i64,
    /// Active children with an active pairing.
    pub paired_children: i64,
    /// Visits in the quarter, by kind (same order as `VISIT_KINDS`).
    pub visits_by_kind: Vec<i64>,
    pub visits: i64,
    /// The five duties in the semester that contains the quarter's end.
    pub duties_done: i64,
    pub duties_owed: i64,
    /// Pairing-months of the quarter (those over) with a talk, and all of them.
    pub talk_months: i64,
    pub talk_months_owed: i64,
    pub activities: i64,
    pub person_times: i64,
    pub aid_count: i64,
    pub aid_fen: i64,
    pub follow_ups_open: i64,
    pub follow_ups_overdue: i64,
    /// Active children re-verified in the semester.
    pub verified: i64,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

impl Figures {
    pub fn completeness(&self) -> Option<f64> {
        percent(self.complete_files, self.children)
    }
    pub fn pairing_coverage(&self) -> Option<f64> {
        percent(self.paired_children, self.children)
    }
    pub fn duty_completion(&self) -> Option<f64> {
        percent(self.duties_done, self.duties_owed)
    }
    pub fn talk_coverage(&self) -> Option<f64> {
        percent(self.talk_months, self.talk_months_owed)
    }
    pub fn verification(&self) -> Option<f64> {
        percent(self.verified, self.children)
    }

    /// A percentage for display: "87%" or "—".
    pub fn show(value: Option<f64>) -> String {
        value
            .map(|v| format!("{v:.0}%"))
            .unwrap_or_else(|| "—".to_string())
    }

    pub fn yuan(&self) -> String {
        crate::domain::money::format_yuan(self.aid_fen)
    }
}

/// Compute a community's figures for a quarter, as of `today` (for what is still open).
pub async fn compute(
    conn: &mut PgConnection,
    street: StreetId,
    community: Uuid,
    quarter: Quarter,
    today: NaiveDate,
) -> crate::error::Result<Figures> {
    Ok(compute_many(conn, street, Some(community), quarter, today)
        .await?
        .remove(&community)
        .unwrap_or_default())
}

/// The figures of every community in scope (`only = None`: the whole street) in one pass: each
/// query groups by community, so the street view costs a handful of queries, not one set per
/// community.
pub async fn compute_many(
    conn: &mut PgConnection,
    street: StreetId,
    only: Option<Uuid>,
    quarter: Quarter,
    today: NaiveDate,
) -> crate::error::Result<HashMap<Uuid, Figures>> {
    let (start, end) = (quarter.start(), quarter.end());
    let semester = Semester::containing(end);
    let mut out: HashMap<Uuid, Figures> = HashMap::new();
    let communities = sqlx::query_scalar!(
        "SELECT id FROM community WHERE street_id = $1 AND ($2::uuid IS NULL OR id = $2)",
        street.0,
        only
    )
    .fetch_all(&mut *conn)
    .await?;
    for c in &communities {
        out.insert(
            *c,
            Figures {
                visits_by_kind: vec![0; VISIT_KINDS.len()],
                ..Figures::default()
            },
        );
    }
    // Completeness from the street's file facts, read once for all its children (child_file_fact),
    // not looked up per child.
    let counts = sqlx::query!(
        r#"WITH p AS (SELECT DISTINCT child_id FROM pairing
                      WHERE street_id = $1 AND started_on <= $4 AND (ended_on IS NULL OR ended_on > $4))
           SELECT c.community_id,
             count(*) FILTER (WHERE c.created_at::date <= $4 AND (c.status = 'active' OR c.status_changed_on > $4)) AS "children!",
             count(*) FILTER (WHERE c.created_at::date BETWEEN $3 AND $4) AS "new_children!",
             count(*) FILTER (WHERE c.status = 'active'
                 AND cardinality(child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)) = 0) AS "complete!",
             count(*) FILTER (WHERE c.status = 'active' AND p.child_id IS NOT NULL) AS "paired!",
             count(*) FILTER (WHERE c.status = 'active' AND c.verified_on >= $5) AS "verified!"
           FROM child c
           LEFT JOIN child_file_fact f ON f.street_id = c.street_id AND f.child_id = c.id
           LEFT JOIN p ON p.child_id = c.id
           WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2)
           GROUP BY c.community_id"#,
        street.0,
        only,
        start,
        end,
        semester.start(),
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in counts {
        if let Some(f) = out.get_mut(&r.community_id) {
            f.children = r.children;
            f.new_children = r.new_children;
            f.complete_files = r.complete;
            f.paired_children = r.paired;
            f.verified = r.verified;
        }
    }
    let exited = sqlx::query!(
        r#"SELECT c.community_id, count(DISTINCT s.child_id) AS "n!" FROM child_status_change s
           JOIN child c ON c.street_id = s.street_id AND c.id = s.child_id
           WHERE s.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND s.to_status <> 'active'
             AND s.changed_on BETWEEN $3 AND $4
           GROUP BY c.community_id"#,
        street.0,
        only,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in exited {
        if let Some(f) = out.get_mut(&r.community_id) {
            f.exited_children = r.n;
        }
    }
    let by_kind = sqlx::query!(
        r#"SELECT c.community_id, v.kind::text AS "kind!", count(*) AS "n!" FROM visit v
           JOIN child c ON c.street_id = v.street_id AND c.id = v.child_id
           WHERE v.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND v.visited_on BETWEEN $3 AND $4
           GROUP BY 1, 2"#,
        street.0,
        only,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in by_kind {
        if let (Some(f), Some(i)) = (
            out.get_mut(&r.community_id),
            VISIT_KINDS.iter().position(|k| *k == r.kind),
        ) {
            f.visits_by_kind[i] = r.n;
        }
    }
    // Activities that have taken place: one still to come in the quarter is not yet a figure.
    let activities = sqlx::query!(
        r#"SELECT a.community_id AS "community_id!", count(DISTINCT a.id) AS "n!", count(t.id) AS "people!"
           FROM activity a
           LEFT JOIN attendance t ON t.street_id = a.street_id AND t.activity_id = a.id
           WHERE a.street_id = $1 AND a.community_id IS NOT NULL AND ($2::uuid IS NULL OR a.community_id = $2)
             AND a.status <> 'cancelled' AND (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $3 AND $4
             AND a.starts_at <= now()
           GROUP BY a.community_id"#,
        street.0,
        only,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in activities {
        if let Some(f) = out.get_mut(&r.community_id) {
            f.activities = r.n;
            f.person_times = r.people;
        }
    }
    let aid = sqlx::query!(
        r#"SELECT c.community_id, count(*) AS "n!", coalesce(sum(a.amount_fen), 0)::bigint AS "fen!" FROM aid a
           JOIN child c ON c.street_id = a.street_id AND c.id = a.child_id
           WHERE a.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND a.given_on BETWEEN $3 AND $4
           GROUP BY c.community_id"#,
        street.0,
        only,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in aid {
        if let Some(f) = out.get_mut(&r.community_id) {
            f.aid_count = r.n;
            f.aid_fen = r.fen;
        }
    }
    let follow_ups = sqlx::query!(
        r#"SELECT c.community_id, count(*) FILTER (WHERE f.status = 'open') AS "open!",
                  count(*) FILTER (WHERE f.status = 'open' AND f.due_on < $3) AS "overdue!"
           FROM follow_up f JOIN child c ON c.street_id = f.street_id AND c.id = f.child_id
           WHERE f.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2)
           GROUP BY c.community_id"#,
        street.0,
        only,
        today.min(end.succ_opt().unwrap_or(end)),
    )
    .fetch_all(&mut *conn)
    .await?;
    for r in follow_ups {
        if let Some(f) = out.get_mut(&r.community_id) {
            f.follow_ups_open = r.open;
            f.follow_ups_overdue = r.overdue;
        }
    }

    // Five duties of the semester, seen at the quarter's end (or today, if earlier), and the
    // monthly talks of the quarter's months that are over.
    let seen = today.min(end);
    let rows = grid_rows(conn, street, only, semester, seen).await?;
    for r in &rows {
        let Some(f) = out.get_mut(&r.pairing.community_id) else {
            continue;
        };
        f.duties_owed += Duty::ALL.len() as i64;
        f.duties_done += r
            .duties
            .iter()
            .filter(|d| d.state == DutyState::Done)
            .count() as i64;
        let mut month = start;
        while month <= end {
            let next = month
                .checked_add_months(chrono::Months::new(1))
                .expect("valid date");
            let last = next.pred_opt().expect("valid date");
            if last < today
                && r.pairing.started_on <= month
                && r.pairing.ended_on.is_none_or(|e| e >= last)
            {
                f.talk_months_owed += 1;
                if !r.months_without_talk.contains(&format!(
                    "{}-{:02}",
                    month.year(),
                    month.month()
                )) {
                    f.talk_months += 1;
                }
            }
            month = next;
        }
    }
    for f in out.values_mut() {
        f.visits = f.visits_by_kind.iter().sum();
    }
    Ok(out)
}
