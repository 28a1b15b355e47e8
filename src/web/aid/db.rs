//! Aid rows: writing one, who an activity's aid goes to, and the totals per community and
//! quarter.

use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::AidInput;
use crate::domain::ids::{ActivityId, AidId, ChildId, StreetId, UserId};

/// Insert one aid record; its id.
pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    activity: Option<ActivityId>,
    a: &AidInput,
    by: UserId,
) -> Result<AidId, sqlx::Error> {
    let id = AidId::new();
    sqlx::query!(
        "INSERT INTO aid (street_id, id, child_id, activity_id, kind, given_on, amount_fen, donor, note, recorded_by)
         VALUES ($1, $2, $3, $4, $5::text::aid_kind, $6, $7, $8, $9, $10)",
        street.0,
        id.0,
        child.0,
        activity.map(|a| a.0),
        a.kind,
        a.given_on,
        a.fen,
        a.donor,
        a.note,
        by.0
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// The children recorded as attending an activity.
pub async fn attending_children(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
) -> Result<Vec<ChildId>, sqlx::Error> {
    let children = sqlx::query_scalar!(
        r#"SELECT child_id AS "child_id!" FROM attendance WHERE street_id = $1 AND activity_id = $2 AND child_id IS NOT NULL"#,
        street.0,
        activity.0
    )
    .fetch_all(conn)
    .await?;
    Ok(children.into_iter().map(ChildId).collect())
}

/// Aid per community and quarter of a year.
pub struct AidTotal {
    pub community: String,
    pub quarter: i32,
    pub count: i64,
    pub fen: i64,
}

/// A year's aid per community and quarter, within `community` if given.
pub async fn totals(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    year: i32,
) -> Result<Vec<AidTotal>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.name AS community, extract(quarter FROM a.given_on)::int AS "quarter!", count(*) AS "count!",
                  sum(a.amount_fen)::bigint AS "fen!"
           FROM aid a
           JOIN child c ON c.street_id = a.street_id AND c.id = a.child_id
           JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           WHERE a.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2)
             AND a.given_on >= make_date($3, 1, 1) AND a.given_on < make_date($3 + 1, 1, 1)
           GROUP BY m.name, 2 ORDER BY m.name, 2"#,
        street.0,
        community,
        year,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AidTotal {
            community: r.community,
            quarter: r.quarter,
            count: r.count,
            fen: r.fen,
        })
        .collect())
}
