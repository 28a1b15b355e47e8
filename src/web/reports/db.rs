//! Report rows and their transitions.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::figures::Figures;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::ids::{StreetId, UserId};
use crate::domain::semester::{Quarter, today_in_china};
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct ReportRow {
    pub id: Uuid,
    pub status: String,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
    pub snapshot: Option<serde_json::Value>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl ReportRow {
    /// The frozen figures of an approved report.
    pub fn frozen(&self) -> Option<Figures> {
        self.snapshot
            .clone()
            .and_then(|v| serde_json::from_value(v).ok())
    }
}

pub async fn find(
    conn: &mut PgConnection,
    street: StreetId,
    community: Uuid,
    q: Quarter,
) -> Result<Option<ReportRow>, sqlx::Error> {
    sqlx::query_as!(
        ReportRow,
        r#"SELECT id, status::text AS "status!", work_done, problems, next_steps, snapshot, submitted_at, approved_at, version
           FROM report WHERE street_id = $1 AND community_id = $2 AND year = $3 AND quarter = $4"#,
        street.0,
        community,
        q.year,
        q.number as i16,
    )
    .fetch_optional(conn)
    .await
}

/// The report rows of every community of the street for a quarter, by community.
pub async fn find_all(
    conn: &mut PgConnection,
    street: StreetId,
    q: Quarter,
) -> Result<std::collections::HashMap<Uuid, ReportRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT community_id, id, status::text AS "status!", work_done, problems, next_steps, snapshot, submitted_at, approved_at, version
           FROM report WHERE street_id = $1 AND year = $2 AND quarter = $3"#,
        street.0,
        q.year,
        q.number as i16,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let row = ReportRow {
                id: r.id,
                status: r.status,
                work_done: r.work_done,
                problems: r.problems,
                next_steps: r.next_steps,
                snapshot: r.snapshot,
                submitted_at: r.submitted_at,
                approved_at: r.approved_at,
                version: r.version,
            };
            (r.community_id, row)
        })
        .collect())
}

/// The report row, made as an empty draft if there is none yet.
pub async fn ensure(
    conn: &mut PgConnection,
    street: StreetId,
    community: Uuid,
    q: Quarter,
) -> Result<ReportRow, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO report (street_id, id, community_id, year, quarter) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ON CONSTRAINT report_quarter_key DO NOTHING",
        street.0,
        Uuid::now_v7(),
        community,
        q.year,
        q.number as i16,
    )
    .execute(&mut *conn)
    .await?;
    Ok(find(conn, street, community, q)
        .await?
        .expect("just ensured"))
}

pub async fn record_transition(
    conn: &mut PgConnection,
    street: StreetId,
    report: Uuid,
    from: &str,
    to: &str,
    comment: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO report_transition (street_id, id, report_id, from_status, to_status, comment, by_user)
         VALUES ($1, $2, $3, $4::text::report_status, $5::text::report_status, $6, $7)",
        street.0,
        Uuid::now_v7(),
        report,
        from,
        to,
        comment,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct TransitionRow {
    pub from_status: String,
    pub to_status: String,
    pub comment: String,
    pub by_name: String,
    pub created_at: DateTime<Utc>,
}

impl TransitionRow {
    /// When it happened, in Beijing time (as the timeline and the audit log show times).
    pub fn at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.created_at
            .with_timezone(&crate::domain::semester::china_offset())
    }
}

pub async fn transitions(
    conn: &mut PgConnection,
    street: StreetId,
    report: Uuid,
) -> Result<Vec<TransitionRow>, sqlx::Error> {
    sqlx::query_as!(
        TransitionRow,
        r#"SELECT t.from_status::text AS "from_status!", t.to_status::text AS "to_status!", t.comment, u.display_name AS by_name, t.created_at
           FROM report_transition t JOIN app_user u ON u.street_id = t.street_id AND u.id = t.by_user
           WHERE t.street_id = $1 AND t.report_id = $2 ORDER BY t.created_at"#,
        street.0,
        report
    )
    .fetch_all(conn)
    .await
}

/// One community's line in the street view.
pub struct CommunityLine {
    pub id: Uuid,
    pub name: String,
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub on_time: Option<bool>,
    pub figures: Figures,
}

/// The deadline of a quarter's report: the configured days after the quarter's end.
pub fn deadline(q: Quarter, days: i32) -> NaiveDate {
    q.end() + Duration::days(i64::from(days))
}

fn submitted_on_time(
    submitted: Option<DateTime<Utc>>,
    q: Quarter,
    days: i32,
    today: NaiveDate,
) -> Option<bool> {
    let china = crate::domain::semester::china_offset();
    match submitted {
        Some(at) => Some(at.with_timezone(&china).date_naive() <= deadline(q, days)),
        None if today > deadline(q, days) => Some(false),
        None => None,
    }
}

pub async fn deadline_days(tx: &mut Tx, street: StreetId) -> Result<i32> {
    Ok(sqlx::query_scalar!(
        "SELECT report_deadline_days FROM street WHERE id = $1",
        street.0
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Every community of the scope for a quarter, with its figures.
pub async fn lines(
    tx: &mut Tx,
    street: StreetId,
    only: Option<Uuid>,
    q: Quarter,
) -> Result<Vec<CommunityLine>> {
    let days = deadline_days(tx, street).await?;
    let today = today_in_china();
    let communities = crate::web::communities::db::choices(tx, street, only).await?;
    // A community that joined the programme after the quarter owed no report for it.
    let joined: std::collections::HashMap<Uuid, NaiveDate> = sqlx::query_as(
        "SELECT id, (created_at AT TIME ZONE 'Asia/Shanghai')::date FROM community
         WHERE street_id = $1 AND ($2::uuid IS NULL OR id = $2)",
    )
    .bind(street.0)
    .bind(only)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    // Live figures of all communities at once; approved reports use their frozen snapshot.
    let mut live = super::figures::compute_many(tx, street, only, q, today).await?;
    let mut reports = find_all(tx, street, q).await?;
    let mut out = Vec::new();
    for c in communities {
        let report = reports.remove(&c.id);
        let figures = match report
            .as_ref()
            .filter(|r| r.status == "approved")
            .and_then(|r| r.frozen())
        {
            Some(frozen) => frozen,
            None => live.remove(&c.id).unwrap_or_default(),
        };
        let submitted_at = report.as_ref().and_then(|r| r.submitted_at);
        out.push(CommunityLine {
            id: c.id,
            name: c.name,
            status: report
                .map(|r| r.status)
                .unwrap_or_else(|| "draft".to_string()),
            on_time: submitted_on_time(submitted_at, q, days, today)
                .filter(|_| joined.get(&c.id).is_none_or(|j| *j <= q.end())),
            submitted_at,
            figures,
        });
    }
    Ok(out)
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
pub async fn waiting(tx: &mut Tx, street: StreetId, scope: CommunityScope) -> Result<Vec<Waiting>> {
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

/// Weights of the annual evaluation, by metric.
pub const METRICS: [&str; 6] = [
    "completeness",
    "pairing_coverage",
    "duty_completion",
    "talk_coverage",
    "verification",
    "on_time",
];

pub struct Ranked {
    pub name: String,
    pub metrics: Vec<Option<f64>>,
    pub score: f64,
}

/// Each community's metrics averaged over the year's quarters that are over (or begun), and a
/// weighted score out of 100.
pub async fn rank(
    tx: &mut Tx,
    street: StreetId,
    year: i32,
    weights: &[(&'static str, i64)],
) -> Result<Vec<Ranked>> {
    let today = today_in_china();
    let mut per: BTreeMap<String, Vec<Vec<Option<f64>>>> = BTreeMap::new();
    for number in 1..=4 {
        let q = Quarter { year, number };
        if q.start() > today {
            continue;
        }
        for line in lines(tx, street, None, q).await? {
            let f = &line.figures;
            let on_time = line.on_time.map(|t| if t { 100.0 } else { 0.0 });
            per.entry(line.name.clone()).or_default().push(vec![
                f.completeness(),
                f.pairing_coverage(),
                f.duty_completion(),
                f.talk_coverage(),
                f.verification(),
                on_time,
            ]);
        }
    }
    let total_weight: i64 = weights.iter().map(|(_, w)| *w).sum::<i64>().max(1);
    let mut ranking: Vec<Ranked> = per
        .into_iter()
        .map(|(name, quarters)| {
            let metrics: Vec<Option<f64>> = (0..METRICS.len())
                .map(|i| {
                    let values: Vec<f64> = quarters.iter().filter_map(|q| q[i]).collect();
                    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
                })
                .collect();
            let score = weights
                .iter()
                .zip(&metrics)
                .map(|((_, w), m)| *w as f64 * m.unwrap_or(0.0))
                .sum::<f64>()
                / total_weight as f64;
            Ranked {
                name,
                metrics,
                score,
            }
        })
        .collect();
    ranking.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.name.cmp(&b.name)));
    Ok(ranking)
}

pub async fn weights(tx: &mut Tx, street: StreetId) -> Result<Vec<(&'static str, i64)>> {
    let value = sqlx::query_scalar!(
        "SELECT evaluation_weights FROM street WHERE id = $1",
        street.0
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(weights_of(&value))
}

/// The weights as stored, the street's row locked until the transaction ends (a save compares
/// and writes under it).
pub async fn weights_locked(tx: &mut Tx, street: StreetId) -> Result<Vec<(&'static str, i64)>> {
    let value = sqlx::query_scalar!(
        "SELECT evaluation_weights FROM street WHERE id = $1 FOR UPDATE",
        street.0
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(weights_of(&value))
}

/// The weights as a form shows them, in the order of `METRICS` ("20,20,25,15,10,10"): what the
/// form carries as the weights it was opened with.
pub fn weights_shown(weights: &[(&'static str, i64)]) -> String {
    weights
        .iter()
        .map(|(_, w)| w.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn weights_of(value: &serde_json::Value) -> Vec<(&'static str, i64)> {
    METRICS
        .iter()
        .map(|m| (*m, value.get(m).and_then(|v| v.as_i64()).unwrap_or(0)))
        .collect()
}
