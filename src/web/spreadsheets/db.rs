//! Spreadsheet queries, each inside the request's tenant transaction: kept uploads and the
//! fields chosen for their columns, what a roster is compared with (the street's children,
//! grids and volunteers) and what the children's export reads. Writing an import's rows is in
//! `import_db`. Every query filters on street_id explicitly (RLS is the backstop).

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{ChildId, CommunityId, GridId, ImportId, StreetId, UserId};

/// Keep an upload, unapplied, for its preview.
pub async fn insert_batch(
    conn: &mut PgConnection,
    street: StreetId,
    id: ImportId,
    community: CommunityId,
    kind: &str,
    file_name: &str,
    content: &[u8],
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO import_batch (street_id, id, community_id, kind, file_name, content, created_by) VALUES ($1, $2, $3, $7, $4, $5, $6)",
        street.0,
        id.0,
        community.0,
        file_name,
        content,
        by.0,
        kind,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A kept upload.
#[derive(sqlx::FromRow)]
pub struct BatchRow {
    pub community_id: CommunityId,
    pub file_name: String,
    pub content: Vec<u8>,
    pub kind: String,
    /// The fields chosen for this upload's columns, by header label.
    pub mapping: serde_json::Value,
}

/// An upload of this kind, only when `by` made it.
pub async fn batch(
    conn: &mut PgConnection,
    street: StreetId,
    id: ImportId,
    by: UserId,
    kind: &str,
) -> Result<Option<BatchRow>, sqlx::Error> {
    sqlx::query_as::<_, BatchRow>(
        "SELECT community_id, file_name, content, kind, mapping FROM import_batch
         WHERE street_id = $1 AND id = $2 AND created_by = $3 AND kind = $4",
    )
    .bind(street.0)
    .bind(id.0)
    .bind(by.0)
    .bind(kind)
    .fetch_optional(conn)
    .await
}

/// An upload applied: it is not kept.
pub async fn delete_batch(
    conn: &mut PgConnection,
    street: StreetId,
    id: ImportId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM import_batch WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The fields the street chose for headers of this kind of roster: (header, field).
pub async fn remembered_mapping(
    conn: &mut PgConnection,
    street: StreetId,
    kind: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT header, field FROM import_mapping WHERE street_id = $1 AND kind = $2")
        .bind(street.0)
        .bind(kind)
        .fetch_all(conn)
        .await
}

/// Remember the field of a header for the street's next roster of this kind.
pub async fn remember_mapping(
    conn: &mut PgConnection,
    street: StreetId,
    kind: &str,
    header: &str,
    field: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO import_mapping (street_id, kind, header, field, updated_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (street_id, kind, header) DO UPDATE SET field = EXCLUDED.field,
                 updated_by = EXCLUDED.updated_by, updated_at = now()",
    )
    .bind(street.0)
    .bind(kind)
    .bind(header)
    .bind(field)
    .bind(by.0)
    .execute(conn)
    .await?;
    Ok(())
}

/// Keep the fields chosen for an upload's columns with it.
pub async fn set_batch_mapping(
    conn: &mut PgConnection,
    street: StreetId,
    id: ImportId,
    mapping: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE import_batch SET mapping = $3 WHERE street_id = $1 AND id = $2")
        .bind(street.0)
        .bind(id.0)
        .bind(mapping)
        .execute(conn)
        .await?;
    Ok(())
}

/// A child of the street as the import compares it: the closed lists as their keys, and the
/// phones of the child's guardians.
#[derive(sqlx::FromRow)]
pub struct StreetChild {
    pub id: ChildId,
    pub id_number_hash: Option<Vec<u8>>,
    pub id_number_masked: String,
    pub name: String,
    pub birth_date: NaiveDate,
    pub gender: String,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub class_name: String,
    pub class_teacher: String,
    pub class_teacher_phone: String,
    pub left_behind: String,
    pub parents_work_place: String,
    pub parents_return_frequency: String,
    pub care_situation: String,
    pub risk_level: String,
    pub phones: Vec<String>,
}

/// Every child of the street, to tell a row that is already there from a new one.
pub async fn street_children(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<StreetChild>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.id_number_hash, coalesce(c.id_number_masked, '') AS id_number_masked, c.name, c.birth_date, c.gender::text AS gender, c.address, c.school,
                c.grade, c.class_name, c.class_teacher, c.class_teacher_phone, c.left_behind::text AS left_behind,
                c.parents_work_place, c.parents_return_frequency, c.care_situation::text AS care_situation,
                c.risk_level::text AS risk_level,
                coalesce((SELECT array_agg(p) FROM guardian g, unnest(ARRAY[g.phone, g.family_phone]) AS p
                           WHERE g.street_id = c.street_id AND g.child_id = c.id AND p <> ''), '{}') AS phones
         FROM child c WHERE c.street_id = $1",
    )
    .bind(street.0)
    .fetch_all(conn)
    .await
}

/// The grids of a community: (name, id).
pub async fn grids_by_name(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
) -> Result<Vec<(String, GridId)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, name FROM grid WHERE street_id = $1 AND community_id = $2",
        street.0,
        community.0
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|g| (g.name, GridId(g.id)))
    .collect())
}

/// The street's volunteers: (name, phone).
pub async fn volunteer_names_and_phones(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT name, phone FROM volunteer WHERE street_id = $1",
        street.0
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.name, r.phone))
    .collect())
}

/// What the children's export shows of a file beside the list's columns.
pub struct ExportDetails {
    pub id: ChildId,
    pub id_number_enc: Option<Vec<u8>>,
    pub id_number_masked: String,
    pub address: String,
    pub class_name: String,
    pub class_teacher: String,
    pub class_teacher_phone: String,
    pub left_behind: String,
    pub parents_work_place: String,
    pub parents_return_frequency: String,
    pub care: String,
    pub grid: Option<String>,
}

pub async fn export_details(
    conn: &mut PgConnection,
    street: StreetId,
    children: &[ChildId],
) -> Result<Vec<ExportDetails>, sqlx::Error> {
    let children: Vec<Uuid> = children.iter().map(|c| c.0).collect();
    sqlx::query_as!(
        ExportDetails,
        r#"SELECT c.id, c.id_number_enc, c.id_number_masked, c.address, c.class_name, c.class_teacher, c.class_teacher_phone,
                  c.left_behind::text AS "left_behind!", c.parents_work_place, c.parents_return_frequency,
                  c.care_situation::text AS "care!", g.name AS "grid?"
           FROM child c LEFT JOIN grid g ON g.street_id = c.street_id AND g.id = c.grid_id
           WHERE c.street_id = $1 AND c.id = ANY($2)"#,
        street.0,
        &children,
    )
    .fetch_all(conn)
    .await
}

/// A guardian or parent as the children's export shows them.
pub struct ExportGuardian {
    pub child_id: ChildId,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub family_phone: String,
    pub is_parent_away: bool,
}

pub async fn export_guardians(
    conn: &mut PgConnection,
    street: StreetId,
    children: &[ChildId],
) -> Result<Vec<ExportGuardian>, sqlx::Error> {
    let children: Vec<Uuid> = children.iter().map(|c| c.0).collect();
    sqlx::query_as!(
        ExportGuardian,
        r#"SELECT child_id, name, relation::text AS "relation!", phone, family_phone, is_parent_away FROM guardian
           WHERE street_id = $1 AND child_id = ANY($2) ORDER BY created_at"#,
        street.0,
        &children,
    )
    .fetch_all(conn)
    .await
}

/// The day each child's file consent was given (the newest not withdrawn).
pub async fn file_consent_days(
    conn: &mut PgConnection,
    street: StreetId,
    children: &[ChildId],
) -> Result<Vec<(ChildId, NaiveDate)>, sqlx::Error> {
    let children: Vec<Uuid> = children.iter().map(|c| c.0).collect();
    sqlx::query_as(
        "SELECT DISTINCT ON (child_id) child_id, given_on FROM consent
         WHERE street_id = $1 AND child_id = ANY($2) AND scope = 'file' AND withdrawn_on IS NULL
         ORDER BY child_id, given_on DESC",
    )
    .bind(street.0)
    .bind(children)
    .fetch_all(conn)
    .await
}
