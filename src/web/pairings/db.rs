//! Pairing queries, what the duty computation reads, and the street's settings.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::duties::{Duty, DutyStatus, Fulfilment, duty_statuses, months_without_talk};
use crate::domain::ids::{ChildId, CommunityId, PairingId, StreetId, VolunteerId};
use crate::domain::semester::Semester;

#[derive(Debug, Clone)]
pub struct PairingRow {
    pub id: PairingId,
    pub community_id: Uuid,
    pub community_name: String,
    pub volunteer_id: VolunteerId,
    pub volunteer_name: String,
    pub child_id: ChildId,
    pub child_name: String,
    pub started_on: NaiveDate,
    pub card_signed_on: Option<NaiveDate>,
    pub goals: String,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub last_visit: Option<NaiveDate>,
}

/// Pairings with their community, volunteer, child and last visit, `WHERE $filter`, the active
/// first; `$1` is the street.
macro_rules! pairings_where {
    ($conn:expr, $filter:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            PairingRow,
            r#"SELECT p.id, p.community_id, m.name AS community_name, p.volunteer_id, v.name AS volunteer_name,
                  p.child_id, c.name AS child_name, p.started_on, p.card_signed_on, p.goals, p.ended_on, p.end_reason,
                  (SELECT max(x.visited_on) FROM visit x WHERE x.street_id = p.street_id AND x.pairing_id = p.id) AS last_visit
           FROM pairing p
           JOIN community m ON m.street_id = p.street_id AND m.id = p.community_id
           JOIN volunteer v ON v.street_id = p.street_id AND v.id = p.volunteer_id
           JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
           WHERE "# + $filter + r#"
           ORDER BY p.ended_on IS NOT NULL, m.name, v.name, c.name"#,
            $($arg,)*
        )
        .fetch_all($conn)
        .await
    };
}

/// Pairings in scope: of a community, of a volunteer, or all of the street; active ones only
/// when `active_only`. Not for a transaction that reuses plans (`db::begin_keyed`): see
/// [`active_of_volunteer`].
pub async fn list(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    volunteer: Option<VolunteerId>,
    active_only: bool,
) -> Result<Vec<PairingRow>, sqlx::Error> {
    pairings_where!(
        conn,
        "p.street_id = $1 AND ($2::uuid IS NULL OR p.community_id = $2)
         AND ($3::uuid IS NULL OR p.volunteer_id = $3) AND (NOT $4 OR p.ended_on IS NULL)",
        street.0,
        community,
        volunteer.map(|v| v.0),
        active_only
    )
}

/// A volunteer's active pairings, for the volunteer's home, which reuses its plans
/// (`db::begin_keyed`): under a reused plan [`list`]'s optional filters cannot use an index and
/// it read the street's pairings (450 in the large demo street).
pub async fn active_of_volunteer(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<Vec<PairingRow>, sqlx::Error> {
    pairings_where!(
        conn,
        "p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL",
        street.0,
        volunteer.0
    )
}

/// Pairings that ran during some part of a semester, in scope.
pub async fn during(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    semester: Semester,
) -> Result<Vec<PairingRow>, sqlx::Error> {
    let all = list(conn, street, community, None, false).await?;
    Ok(all
        .into_iter()
        .filter(|p| {
            p.started_on <= semester.end() && p.ended_on.is_none_or(|e| e >= semester.start())
        })
        .collect())
}

/// What fulfilled each pairing's duties in a semester: its visits of a duty kind, and activities
/// credited to a duty.
///
/// The visits are found by pairing, never by date (`visited_on + 0` keeps the date index out):
/// a volunteer's pages reuse a generic plan (`db::begin_keyed`), which cannot see how few
/// pairings are asked for and read every visit of the semester in the street by date to find
/// one volunteer's (35 ms instead of 0.4 ms in the large demo street). A street's report, which
/// asks for all its pairings, pays about 5 ms for it.
pub async fn fulfilments(
    conn: &mut PgConnection,
    street: StreetId,
    pairings: &[PairingId],
    semester: Semester,
) -> Result<HashMap<PairingId, Vec<Fulfilment>>, sqlx::Error> {
    let pairings: Vec<Uuid> = pairings.iter().map(|p| p.0).collect();
    let rows = sqlx::query!(
        r#"SELECT v.pairing_id AS "pairing_id!", v.kind::text AS "kind!", v.visited_on AS "on!", v.id AS "visit_id?",
                  NULL::uuid AS "activity_id?"
           FROM visit v
           WHERE v.street_id = $1 AND v.pairing_id = ANY($2) AND v.visited_on + 0 BETWEEN $3 AND $4
           UNION ALL
           SELECT d.pairing_id, d.duty::text, (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date, NULL::uuid, a.id
           FROM duty_credit d JOIN activity a ON a.street_id = d.street_id AND a.id = d.activity_id
           WHERE d.street_id = $1 AND d.pairing_id = ANY($2)"#,
        street.0,
        &pairings,
        semester.start(),
        semester.end(),
    )
    .fetch_all(conn)
    .await?;
    let mut map: HashMap<PairingId, Vec<Fulfilment>> = HashMap::new();
    for r in rows {
        if let Some(duty) = Duty::from_visit_kind(&r.kind) {
            map.entry(PairingId(r.pairing_id))
                .or_default()
                .push(Fulfilment {
                    duty,
                    on: r.on,
                    visit_id: r.visit_id,
                    activity_id: r.activity_id,
                });
        }
    }
    Ok(map)
}

/// An active child without an active pairing.
#[derive(Debug, Clone)]
pub struct UnpairedChild {
    pub id: ChildId,
    pub name: String,
    pub community: String,
}

/// Active children of a community without an active pairing.
pub async fn unpaired_children(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
) -> Result<Vec<UnpairedChild>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT c.id, c.name, m.name AS community FROM child c
         JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
         WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND c.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL)
         ORDER BY m.name, c.name",
        street.0,
        community,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UnpairedChild {
            id: ChildId(r.id),
            name: r.name,
            community: r.community,
        })
        .collect())
}

/// One row of the duty grid.
pub struct GridRow {
    pub pairing: PairingRow,
    pub duties: Vec<DutyStatus>,
    pub months_without_talk: Vec<String>,
}

/// Compute the duty rows of the pairings that ran during a semester.
pub async fn grid_rows(
    tx: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    semester: Semester,
    today: NaiveDate,
) -> Result<Vec<GridRow>, sqlx::Error> {
    let pairings = during(tx, street, community, semester).await?;
    let ids: Vec<PairingId> = pairings.iter().map(|p| p.id).collect();
    let mut fulfilments = fulfilments(tx, street, &ids, semester).await?;
    Ok(pairings
        .into_iter()
        .map(|p| {
            let done = fulfilments.remove(&p.id).unwrap_or_default();
            let talks: Vec<NaiveDate> = done
                .iter()
                .filter(|f| f.duty == crate::domain::duties::Duty::Talk)
                .map(|f| f.on)
                .collect();
            let months = months_without_talk(semester, p.started_on, p.ended_on, &talks, today)
                .into_iter()
                .map(|(y, m)| format!("{y}-{m:02}"))
                .collect();
            GridRow {
                duties: duty_statuses(semester, &done, today),
                months_without_talk: months,
                pairing: p,
            }
        })
        .collect())
}

/// How many active pairings a volunteer may have in the street.
pub async fn caseload_cap(conn: &mut PgConnection, street: StreetId) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!("SELECT caseload_cap FROM street WHERE id = $1", street.0)
        .fetch_one(conn)
        .await
}

/// The community of a child's file.
pub async fn community_of_child(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT community_id FROM child WHERE street_id = $1 AND id = $2",
        street.0,
        child.0
    )
    .fetch_one(conn)
    .await
}

/// A new pairing, as validated.
pub struct PairingFields {
    pub community_id: CommunityId,
    pub volunteer_id: VolunteerId,
    pub child_id: ChildId,
    pub started_on: NaiveDate,
    pub card_signed_on: Option<NaiveDate>,
    pub goals: String,
    /// Why a street admin paired a volunteer whose safeguarding checklist is incomplete; empty
    /// when it is complete.
    pub override_reason: String,
}

/// Hold a volunteer's row until the transaction ends: pairings of one volunteer are made one at
/// a time, so two staff members pairing at once cannot both count below the caseload cap.
pub async fn lock_volunteer(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1 FROM volunteer WHERE street_id = $1 AND id = $2 FOR UPDATE")
        .bind(street.0)
        .bind(volunteer.0)
        .fetch_optional(conn)
        .await?;
    Ok(())
}

pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    id: PairingId,
    f: &PairingFields,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on, card_signed_on, goals, override_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        street.0,
        id.0,
        f.community_id.0,
        f.volunteer_id.0,
        f.child_id.0,
        f.started_on,
        f.card_signed_on,
        f.goals,
        f.override_reason,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An open pairing: its community, child and start.
pub struct OpenPairing {
    pub community_id: CommunityId,
    pub child_id: ChildId,
    pub started_on: NaiveDate,
}

pub async fn find_open(
    conn: &mut PgConnection,
    street: StreetId,
    id: PairingId,
) -> Result<Option<OpenPairing>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT community_id, child_id, started_on FROM pairing WHERE street_id = $1 AND id = $2 AND ended_on IS NULL",
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| OpenPairing {
        community_id: CommunityId(r.community_id),
        child_id: ChildId(r.child_id),
        started_on: r.started_on,
    }))
}

pub async fn end(
    conn: &mut PgConnection,
    street: StreetId,
    id: PairingId,
    ended_on: NaiveDate,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE pairing SET ended_on = $3, end_reason = $4, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND ended_on IS NULL",
        street.0,
        id.0,
        ended_on,
        reason
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The street's settings.
pub struct Settings {
    pub caseload_cap: i32,
    pub report_deadline_days: i32,
    pub retention_years: i32,
    pub totp_required: bool,
}

/// The street's settings and the version they are stored at.
pub async fn settings(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<(Settings, i32), sqlx::Error> {
    let row = sqlx::query!(
        "SELECT caseload_cap, report_deadline_days, retention_years, totp_required, version FROM street WHERE id = $1",
        street.0
    )
    .fetch_one(conn)
    .await?;
    Ok((
        Settings {
            caseload_cap: row.caseload_cap,
            report_deadline_days: row.report_deadline_days,
            retention_years: row.retention_years,
            totp_required: row.totp_required,
        },
        row.version,
    ))
}

/// Save the settings if they are still at `version`: false when someone saved meanwhile.
pub async fn save_settings(
    conn: &mut PgConnection,
    street: StreetId,
    version: i32,
    s: &Settings,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE street SET caseload_cap = $2, report_deadline_days = $3, retention_years = $4, totp_required = $5,
             version = version + 1, updated_at = now() WHERE id = $1 AND version = $6",
        street.0,
        s.caseload_cap,
        s.report_deadline_days,
        s.retention_years,
        s.totp_required,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
