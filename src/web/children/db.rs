//! The child file itself, each query inside the request's tenant transaction: the record, its
//! creation and edits, duplicates, status changes, transfers and re-verification. Every query
//! filters on street_id explicitly (RLS is the backstop, and Citus routes on it).

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::child::{CareSituation, ChildStatus, Gender, LeftBehind, RiskLevel};
use crate::domain::ids::{ChildId, CommunityId, StreetId, UserId};
pub use crate::records::child::{ChildRecord, find};

/// The fields a form writes, already validated.
#[derive(Debug, Clone)]
pub struct ChildFields {
    pub community_id: CommunityId,
    pub grid_id: Option<Uuid>,
    pub name: String,
    pub name_initials: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub address: String,
    pub school: String,
    pub grade: String,
    pub class_name: String,
    pub class_teacher: String,
    pub class_teacher_phone: String,
    pub left_behind: LeftBehind,
    pub parents_work_place: String,
    pub parents_return_frequency: String,
    pub care_situation: CareSituation,
    pub disability: bool,
    pub subsistence_allowance: bool,
    pub poverty: bool,
    pub health_condition: String,
    pub psychological_concern: bool,
    pub disability_note: String,
    pub psychological_note: String,
    pub risk_level: RiskLevel,
}

/// An ID number ready for storage: ciphertext, keyed hash, masked form.
#[derive(Debug, Clone)]
pub struct StoredIdNumber {
    pub encrypted: Vec<u8>,
    pub hash: Vec<u8>,
    pub masked: String,
}

pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    id: ChildId,
    f: &ChildFields,
    id_number: Option<&StoredIdNumber>,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO child (street_id, id, community_id, grid_id, name, name_initials, gender, birth_date,
             id_number_enc, id_number_hash, id_number_masked, address, school, grade, class_name, class_teacher,
             class_teacher_phone, left_behind, parents_work_place, parents_return_frequency, care_situation,
             disability, subsistence_allowance, poverty, health_condition, psychological_concern, disability_note,
             psychological_note, risk_level, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                 $22, $23, $24, $25, $26, $27, $28, $29, $30, $30)",
        street.0,
        id.0,
        f.community_id.0,
        f.grid_id,
        f.name,
        f.name_initials,
        f.gender as Gender,
        f.birth_date,
        id_number.map(|n| n.encrypted.clone()),
        id_number.map(|n| n.hash.clone()),
        id_number.map(|n| n.masked.clone()).unwrap_or_default(),
        f.address,
        f.school,
        f.grade,
        f.class_name,
        f.class_teacher,
        f.class_teacher_phone,
        f.left_behind as LeftBehind,
        f.parents_work_place,
        f.parents_return_frequency,
        f.care_situation as CareSituation,
        f.disability,
        f.subsistence_allowance,
        f.poverty,
        f.health_condition,
        f.psychological_concern,
        f.disability_note,
        f.psychological_note,
        f.risk_level as RiskLevel,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save an edit made on `version`. `None` when someone else saved first (nothing written).
/// The community is not changed here: moving a child is a transfer.
pub async fn update(
    conn: &mut PgConnection,
    street: StreetId,
    id: ChildId,
    version: i32,
    f: &ChildFields,
    id_number: Option<&StoredIdNumber>,
    by: UserId,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE child SET grid_id = $4, name = $5, name_initials = $6, gender = $7, birth_date = $8,
             id_number_enc = CASE WHEN $9::bytea IS NULL THEN id_number_enc ELSE $9 END,
             id_number_hash = CASE WHEN $9::bytea IS NULL THEN id_number_hash ELSE $10 END,
             id_number_masked = CASE WHEN $9::bytea IS NULL THEN id_number_masked ELSE $11 END,
             address = $12, school = $13, grade = $14, class_name = $15, class_teacher = $16,
             class_teacher_phone = $17, left_behind = $18, parents_work_place = $19, parents_return_frequency = $20,
             care_situation = $21, disability = $22, subsistence_allowance = $23, poverty = $24,
             health_condition = $25, psychological_concern = $26, disability_note = $27, psychological_note = $28,
             risk_level = $29, updated_by = $30, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $3
         RETURNING version",
        street.0,
        id.0,
        version,
        f.grid_id,
        f.name,
        f.name_initials,
        f.gender as Gender,
        f.birth_date,
        id_number.map(|n| n.encrypted.clone()),
        id_number.map(|n| n.hash.clone()),
        id_number.map(|n| n.masked.clone()),
        f.address,
        f.school,
        f.grade,
        f.class_name,
        f.class_teacher,
        f.class_teacher_phone,
        f.left_behind as LeftBehind,
        f.parents_work_place,
        f.parents_return_frequency,
        f.care_situation as CareSituation,
        f.disability,
        f.subsistence_allowance,
        f.poverty,
        f.health_condition,
        f.psychological_concern,
        f.disability_note,
        f.psychological_note,
        f.risk_level as RiskLevel,
        by.0,
    )
    .fetch_optional(conn)
    .await
}

/// A possible duplicate of a new file.
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub id: ChildId,
    pub community_id: CommunityId,
    pub name: String,
    pub community_name: String,
    pub same_id_number: bool,
}

/// Files anywhere in the street with the same ID number (by keyed hash: nothing is decrypted)
/// or the same name and birth date.
pub async fn duplicates(
    conn: &mut PgConnection,
    street: StreetId,
    hash: Option<&[u8]>,
    name: &str,
    birth: NaiveDate,
    except: Option<ChildId>,
) -> Result<Vec<Duplicate>, sqlx::Error> {
    sqlx::query_as!(
        Duplicate,
        r#"SELECT c.id, c.community_id, c.name, m.name AS community_name,
                  coalesce(c.id_number_hash = $2, false) AS "same_id_number!"
           FROM child c JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           WHERE c.street_id = $1 AND ($5::uuid IS NULL OR c.id <> $5)
             AND (c.id_number_hash = $2 OR (c.name = $3 AND c.birth_date = $4))
           ORDER BY c.created_at"#,
        street.0,
        hash,
        name,
        birth,
        except.map(|c| c.0),
    )
    .fetch_all(conn)
    .await
}

/// Field names an edit records (catalog `child.changed.<field>`).
pub const CHANGED_FIELDS: [&str; 18] = [
    "name",
    "grid",
    "gender",
    "birth_date",
    "id_number",
    "address",
    "school",
    "grade",
    "class_name",
    "class_teacher",
    "left_behind",
    "parents_work_place",
    "care_situation",
    "special",
    "health_condition",
    "disability_note",
    "psychological_note",
    "risk_level",
];

/// Names of the fields that differ between two saved states (for the audit log and timeline;
/// names only, never values).
pub fn changed_fields(
    before: &ChildRecord,
    after: &ChildFields,
    id_changed: bool,
) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let mut check = |name: &'static str, differs: bool| {
        if differs {
            changed.push(name);
        }
    };
    check("name", before.name != after.name);
    check("grid", before.grid_id != after.grid_id);
    check("gender", before.gender != after.gender);
    check("birth_date", before.birth_date != after.birth_date);
    check("id_number", id_changed);
    check("address", before.address != after.address);
    check("school", before.school != after.school);
    check("grade", before.grade != after.grade);
    check("class_name", before.class_name != after.class_name);
    check(
        "class_teacher",
        before.class_teacher != after.class_teacher
            || before.class_teacher_phone != after.class_teacher_phone,
    );
    check("left_behind", before.left_behind != after.left_behind);
    check(
        "parents_work_place",
        before.parents_work_place != after.parents_work_place
            || before.parents_return_frequency != after.parents_return_frequency,
    );
    check(
        "care_situation",
        before.care_situation != after.care_situation,
    );
    check(
        "special",
        before.disability != after.disability
            || before.subsistence_allowance != after.subsistence_allowance
            || before.poverty != after.poverty
            || before.psychological_concern != after.psychological_concern,
    );
    check(
        "health_condition",
        before.health_condition != after.health_condition,
    );
    check(
        "disability_note",
        before.disability_note != after.disability_note,
    );
    check(
        "psychological_note",
        before.psychological_note != after.psychological_note,
    );
    check("risk_level", before.risk_level != after.risk_level);
    changed
}

/// Change the file's status on a day, for a reason, kept as history.
pub async fn set_status(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    to: ChildStatus,
    on: NaiveDate,
    reason: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    let from = sqlx::query_scalar!(
        r#"SELECT status AS "status: ChildStatus" FROM child WHERE street_id = $1 AND id = $2 FOR UPDATE"#,
        street.0,
        child.0
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE child SET status = $3, status_changed_on = $4, status_reason = $5, updated_by = $6,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        child.0,
        to as ChildStatus,
        on,
        reason,
        by.0,
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO child_status_change (street_id, id, child_id, from_status, to_status, changed_on, reason, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        street.0,
        Uuid::now_v7(),
        child.0,
        from as ChildStatus,
        to as ChildStatus,
        on,
        reason,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Move a child to another community of the street, keeping the history.
pub async fn transfer(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    from: CommunityId,
    to: CommunityId,
    on: NaiveDate,
    reason: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    // A pairing belongs to one community: it ends when the child moves.
    sqlx::query!(
        "UPDATE pairing SET ended_on = greatest($3, started_on), end_reason = $4, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2 AND ended_on IS NULL",
        street.0,
        child.0,
        on,
        reason,
    )
    .execute(&mut *conn)
    .await?;
    let status = sqlx::query_scalar!(
        r#"UPDATE child SET community_id = $3, grid_id = NULL, updated_by = $4, version = version + 1, updated_at = now()
           WHERE street_id = $1 AND id = $2 RETURNING status AS "status: ChildStatus""#,
        street.0,
        child.0,
        to.0,
        by.0,
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO child_status_change (street_id, id, child_id, from_status, to_status, from_community_id,
             to_community_id, changed_on, reason, changed_by)
         VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9)",
        street.0,
        Uuid::now_v7(),
        child.0,
        status as ChildStatus,
        from.0,
        to.0,
        on,
        reason,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Record the re-verification (复核) of the child's situation on a day.
pub async fn mark_verified(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    on: NaiveDate,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE child SET verified_on = $3, updated_by = $4, updated_at = now() WHERE street_id = $1 AND id = $2",
        street.0,
        child.0,
        on,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}
