//! What the child page shows beside the file, each query inside the request's tenant
//! transaction: guardians and parents, consents, the status history and the timeline of changes.
//! Every query filters on street_id explicitly (RLS is the backstop, and Citus routes on it).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::child::{ChildStatus, ConsentMethod, ConsentScope, Relation};
use crate::domain::ids::{ActivityId, ChildId, ConsentId, GuardianId, StreetId, UserId};

/// A guardian at home or a parent away, as the child page lists them.
#[derive(Debug, Clone)]
pub struct GuardianRow {
    pub id: GuardianId,
    pub name: String,
    pub relation: Relation,
    pub phone: String,
    pub address: String,
    pub is_parent_away: bool,
    pub work_place: String,
    pub family_phone: String,
    pub return_frequency: String,
    pub is_entrusted: bool,
    pub agreement_signed_on: Option<NaiveDate>,
    pub version: i32,
}

pub async fn guardians(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<GuardianRow>, sqlx::Error> {
    sqlx::query_as!(
        GuardianRow,
        r#"SELECT id, name, relation AS "relation: Relation", phone, address, is_parent_away, work_place, family_phone,
                  return_frequency, is_entrusted, agreement_signed_on, version
           FROM guardian WHERE street_id = $1 AND child_id = $2
           ORDER BY is_parent_away, is_entrusted DESC, created_at"#,
        street.0,
        child.0,
    )
    .fetch_all(conn)
    .await
}

/// The fields a guardian form writes, already validated.
pub struct GuardianFields {
    pub name: String,
    pub relation: Relation,
    pub phone: String,
    pub address: String,
    pub is_parent_away: bool,
    pub work_place: String,
    pub family_phone: String,
    pub return_frequency: String,
    pub is_entrusted: bool,
    pub agreement_signed_on: Option<NaiveDate>,
}

pub async fn insert_guardian(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: GuardianId,
    f: &GuardianFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, address, is_parent_away, work_place,
             family_phone, return_frequency, is_entrusted, agreement_signed_on, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        street.0,
        id.0,
        child.0,
        f.name,
        f.relation as Relation,
        f.phone,
        f.address,
        f.is_parent_away,
        f.work_place,
        f.family_phone,
        f.return_frequency,
        f.is_entrusted,
        f.agreement_signed_on,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save an edit made on `version`; false when someone else saved first.
pub async fn update_guardian(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: GuardianId,
    version: i32,
    f: &GuardianFields,
    by: UserId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE guardian SET name = $5, relation = $6, phone = $7, address = $8, is_parent_away = $9, work_place = $10,
             family_phone = $11, return_frequency = $12, is_entrusted = $13, agreement_signed_on = $14, updated_by = $15,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2 AND id = $3 AND version = $4",
        street.0,
        child.0,
        id.0,
        version,
        f.name,
        f.relation as Relation,
        f.phone,
        f.address,
        f.is_parent_away,
        f.work_place,
        f.family_phone,
        f.return_frequency,
        f.is_entrusted,
        f.agreement_signed_on,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Remove a guardian of the child; false when there was none by that id.
pub async fn delete_guardian(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: GuardianId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM guardian WHERE street_id = $1 AND child_id = $2 AND id = $3",
        street.0,
        child.0,
        id.0
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A consent given for the child, withdrawn or in force.
#[derive(Debug, Clone)]
pub struct ConsentRow {
    pub id: ConsentId,
    pub scope: ConsentScope,
    pub given_by: String,
    pub relation: Relation,
    pub given_on: NaiveDate,
    pub method: ConsentMethod,
    pub notice_version: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawn_reason: String,
}

pub async fn consents(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<ConsentRow>, sqlx::Error> {
    sqlx::query_as!(
        ConsentRow,
        r#"SELECT id, scope AS "scope: ConsentScope", given_by, relation AS "relation: Relation", given_on,
                  method AS "method: ConsentMethod", notice_version, withdrawn_on, withdrawn_reason
           FROM consent WHERE street_id = $1 AND child_id = $2 ORDER BY given_on DESC, created_at DESC"#,
        street.0,
        child.0,
    )
    .fetch_all(conn)
    .await
}

/// A consent as recorded, already validated.
pub struct ConsentFields {
    pub scope: ConsentScope,
    pub given_by: String,
    pub relation: Relation,
    pub given_on: NaiveDate,
    pub method: ConsentMethod,
    pub notice_version: String,
}

pub async fn insert_consent(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: ConsentId,
    f: &ConsentFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        street.0,
        id.0,
        child.0,
        f.scope as ConsentScope,
        f.given_by,
        f.relation as Relation,
        f.given_on,
        f.method as ConsentMethod,
        f.notice_version,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Withdraw a consent still in force: its scope, or `None` when there is no such consent.
pub async fn withdraw_consent(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: ConsentId,
    on: NaiveDate,
    reason: &str,
) -> Result<Option<ConsentScope>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"UPDATE consent SET withdrawn_on = $4, withdrawn_reason = $5, version = version + 1, updated_at = now()
           WHERE street_id = $1 AND child_id = $2 AND id = $3 AND withdrawn_on IS NULL
           RETURNING scope AS "scope: ConsentScope""#,
        street.0,
        child.0,
        id.0,
        on,
        reason,
    )
    .fetch_optional(conn)
    .await
}

/// A change of the file's status or community, as its history shows it.
#[derive(Debug, Clone)]
pub struct StatusChangeRow {
    pub from_status: Option<ChildStatus>,
    pub to_status: ChildStatus,
    pub from_community: Option<String>,
    pub to_community: Option<String>,
    pub changed_on: NaiveDate,
    pub reason: String,
    pub by_name: Option<String>,
}

pub async fn status_history(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<StatusChangeRow>, sqlx::Error> {
    sqlx::query_as!(
        StatusChangeRow,
        r#"SELECT s.from_status AS "from_status: ChildStatus", s.to_status AS "to_status: ChildStatus",
                  fc.name AS "from_community?", tc.name AS "to_community?", s.changed_on, s.reason,
                  u.display_name AS "by_name?"
           FROM child_status_change s
           LEFT JOIN community fc ON fc.street_id = s.street_id AND fc.id = s.from_community_id
           LEFT JOIN community tc ON tc.street_id = s.street_id AND tc.id = s.to_community_id
           LEFT JOIN app_user u ON u.street_id = s.street_id AND u.id = s.changed_by
           WHERE s.street_id = $1 AND s.child_id = $2
           ORDER BY s.changed_on DESC, s.created_at DESC"#,
        street.0,
        child.0,
    )
    .fetch_all(conn)
    .await
}

/// The audit actions the timeline shows (catalog `timeline.<action>`).
pub const TIMELINE_ACTIONS: [&str; 10] = [
    "child_created",
    "child_updated",
    "guardian_added",
    "guardian_updated",
    "guardian_removed",
    "consent_recorded",
    "consent_withdrawn",
    "child_status_changed",
    "child_verified",
    "child_transferred",
];

/// One entry of the child's timeline.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// In China time.
    pub at: DateTime<chrono::FixedOffset>,
    pub action: String,
    pub actor: Option<String>,
    pub fields: Vec<String>,
}

/// Changes to the file, newest first, from the audit log (views are not changes).
pub async fn timeline(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.at, e.action, u.display_name AS "actor?", e.detail
           FROM audit_event e
           LEFT JOIN app_user u ON u.street_id = e.street_id AND u.id = e.user_id
           WHERE e.street_id = $1 AND e.entity_id = $2
             AND e.action NOT IN ('child_viewed', 'child_printed', 'id_number_revealed', 'access_denied')
           ORDER BY e.seq DESC
           LIMIT 200"#,
        street.0,
        child.0,
    )
    .fetch_all(conn)
    .await?;
    let china = crate::domain::semester::china_offset();
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            at: r.at.with_timezone(&china),
            action: r.action,
            actor: r.actor,
            fields: r
                .detail
                .get("fields")
                .and_then(|f| f.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect())
}

/// An activity the child took part in.
pub struct Attended {
    pub id: ActivityId,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
}

pub async fn attended(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<Attended>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.title, a.kind::text AS "kind!", a.starts_at FROM attendance t
               JOIN activity a ON a.street_id = t.street_id AND a.id = t.activity_id
               WHERE t.street_id = $1 AND t.child_id = $2"#,
        street.0,
        child.0
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| Attended {
            id: ActivityId(a.id),
            title: a.title,
            kind: a.kind,
            starts_at: a.starts_at,
        })
        .collect())
}

/// Aid the child received.
pub struct Received {
    pub kind: String,
    pub amount_fen: i64,
    pub donor: String,
    pub given_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

pub async fn aid_received(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<Received>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT kind::text AS "kind!", amount_fen, donor, given_on, created_at FROM aid WHERE street_id = $1 AND child_id = $2"#,
        street.0,
        child.0
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|a| Received {
            kind: a.kind,
            amount_fen: a.amount_fen,
            donor: a.donor,
            given_on: a.given_on,
            created_at: a.created_at,
        })
        .collect())
}
