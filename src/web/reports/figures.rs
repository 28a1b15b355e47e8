//! The figures of a community's quarterly report, computed from the records. An approved report
//! keeps them as a frozen snapshot (JSON), so later edits of records never change it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::duties::{Duty, DutyState};
use crate::domain::ids::StreetId;
use crate::domain::semester::{Quarter, Semester};
use crate::web::pairings::handlers::grid_rows;

/// Visit kinds in report order (labels `visit.kind.<key>`).
pub const VISIT_KINDS: [&str; 8] =
    ["home_visit", "talk", "teacher_contact", "guardian_contact", "letter", "parent_call", "tutoring", "aid_delivery"];

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
        value.map(|v| format!("{v:.0}%")).unwrap_or_else(|| "—".to_string())
    }

    pub fn yuan(&self) -> String {
        format!("{}.{:02}", self.aid_fen / 100, self.aid_fen % 100)
    }
}

/// Compute a community's figures for a quarter, as of `today` (for what is still open).
pub async fn compute(conn: &mut PgConnection, street: StreetId, community: Uuid, quarter: Quarter, today: NaiveDate) -> crate::error::Result<Figures> {
    let (start, end) = (quarter.start(), quarter.end());
    let semester = Semester::containing(end);
    let counts = sqlx::query!(
        r#"SELECT
             count(*) FILTER (WHERE c.created_at::date <= $4 AND (c.status = 'active' OR c.status_changed_on > $4)) AS "children!",
             count(*) FILTER (WHERE c.created_at::date BETWEEN $3 AND $4) AS "new_children!",
             count(*) FILTER (WHERE c.status = 'active' AND cardinality(child_missing(c)) = 0) AS "complete!",
             count(*) FILTER (WHERE c.status = 'active' AND EXISTS (SELECT 1 FROM pairing p WHERE p.street_id = c.street_id
                 AND p.child_id = c.id AND p.started_on <= $4 AND (p.ended_on IS NULL OR p.ended_on > $4))) AS "paired!",
             count(*) FILTER (WHERE c.status = 'active' AND c.verified_on >= $5) AS "verified!"
           FROM child c WHERE c.street_id = $1 AND c.community_id = $2"#,
        street.0,
        community,
        start,
        end,
        semester.start(),
    )
    .fetch_one(&mut *conn)
    .await?;
    let exited = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT s.child_id) AS "n!" FROM child_status_change s JOIN child c ON c.street_id = s.street_id AND c.id = s.child_id
           WHERE s.street_id = $1 AND c.community_id = $2 AND s.to_status <> 'active' AND s.changed_on BETWEEN $3 AND $4"#,
        street.0,
        community,
        start,
        end
    )
    .fetch_one(&mut *conn)
    .await?;
    let by_kind = sqlx::query!(
        r#"SELECT v.kind::text AS "kind!", count(*) AS "n!" FROM visit v JOIN child c ON c.street_id = v.street_id AND c.id = v.child_id
           WHERE v.street_id = $1 AND c.community_id = $2 AND v.visited_on BETWEEN $3 AND $4 GROUP BY 1"#,
        street.0,
        community,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    let visits_by_kind: Vec<i64> = VISIT_KINDS.iter().map(|k| by_kind.iter().find(|r| r.kind == *k).map(|r| r.n).unwrap_or(0)).collect();
    let activities = sqlx::query!(
        r#"SELECT count(*) AS "n!", coalesce(sum((SELECT count(*) FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id)), 0)::bigint AS "people!"
           FROM activity a WHERE a.street_id = $1 AND a.community_id = $2 AND a.status <> 'cancelled'
             AND (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $3 AND $4"#,
        street.0,
        community,
        start,
        end
    )
    .fetch_one(&mut *conn)
    .await?;
    let aid = sqlx::query!(
        r#"SELECT count(*) AS "n!", coalesce(sum(a.amount_fen), 0)::bigint AS "fen!" FROM aid a JOIN child c ON c.street_id = a.street_id AND c.id = a.child_id
           WHERE a.street_id = $1 AND c.community_id = $2 AND a.given_on BETWEEN $3 AND $4"#,
        street.0,
        community,
        start,
        end
    )
    .fetch_one(&mut *conn)
    .await?;
    let follow_ups = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE f.status = 'open') AS "open!", count(*) FILTER (WHERE f.status = 'open' AND f.due_on < $3) AS "overdue!"
           FROM follow_up f JOIN child c ON c.street_id = f.street_id AND c.id = f.child_id
           WHERE f.street_id = $1 AND c.community_id = $2"#,
        street.0,
        community,
        today.min(end.succ_opt().unwrap_or(end)),
    )
    .fetch_one(&mut *conn)
    .await?;

    // Five duties of the semester, seen at the quarter's end (or today, if earlier).
    let seen = today.min(end);
    let rows = grid_rows(conn, street, Some(community), semester, seen).await?;
    let duties_owed = (rows.len() * Duty::ALL.len()) as i64;
    let duties_done = rows.iter().flat_map(|r| &r.duties).filter(|d| d.state == DutyState::Done).count() as i64;
    // Monthly talks: for each pairing, each month of the quarter that is over.
    let mut talk_months_owed = 0;
    let mut talk_months = 0;
    let mut month = start;
    while month <= end {
        let next = month.checked_add_months(chrono::Months::new(1)).expect("valid date");
        let last = next.pred_opt().expect("valid date");
        if last < today {
            for r in &rows {
                if r.pairing.started_on <= month && r.pairing.ended_on.is_none_or(|e| e >= last) {
                    talk_months_owed += 1;
                    let label = format!("{}-{:02}", month.year(), month.month());
                    if !r.months_without_talk.contains(&label) {
                        talk_months += 1;
                    }
                }
            }
        }
        month = next;
    }
    Ok(Figures {
        children: counts.children,
        new_children: counts.new_children,
        exited_children: exited,
        complete_files: counts.complete,
        paired_children: counts.paired,
        visits: visits_by_kind.iter().sum(),
        visits_by_kind,
        duties_done,
        duties_owed,
        talk_months,
        talk_months_owed,
        activities: activities.n,
        person_times: activities.people,
        aid_count: aid.n,
        aid_fen: aid.fen,
        follow_ups_open: follow_ups.open,
        follow_ups_overdue: follow_ups.overdue,
        verified: counts.verified,
    })
}
