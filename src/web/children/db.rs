//! Child file queries, each inside the request's tenant transaction. Every query filters on
//! street_id explicitly (RLS is the backstop, and Citus routes on it).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::domain::child::{
    CareSituation, ChildStatus, ConsentMethod, ConsentScope, Gender, LeftBehind, Relation,
    RiskLevel,
};
use crate::domain::ids::{ChildId, CommunityId, StreetId, UserId};

/// One child file as the pages show it.
#[derive(Debug, Clone)]
pub struct ChildRecord {
    pub id: Uuid,
    pub community_id: Uuid,
    pub community_name: String,
    pub grid_id: Option<Uuid>,
    pub grid_name: Option<String>,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub id_number_enc: Option<Vec<u8>>,
    pub id_number_masked: String,
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
    pub status: ChildStatus,
    pub status_changed_on: Option<NaiveDate>,
    pub status_reason: String,
    pub verified_on: Option<NaiveDate>,
    pub version: i32,
    pub missing: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

pub async fn find(
    conn: &mut PgConnection,
    street: StreetId,
    id: ChildId,
) -> Result<Option<ChildRecord>, sqlx::Error> {
    sqlx::query_as!(
        ChildRecord,
        r#"SELECT c.id, c.community_id, m.name AS community_name, c.grid_id, g.name AS "grid_name?",
                  c.name, c.gender AS "gender: Gender", c.birth_date, c.id_number_enc, c.id_number_masked,
                  c.address, c.school, c.grade, c.class_name, c.class_teacher, c.class_teacher_phone,
                  c.left_behind AS "left_behind: LeftBehind", c.parents_work_place, c.parents_return_frequency,
                  c.care_situation AS "care_situation: CareSituation", c.disability, c.subsistence_allowance,
                  c.poverty, c.health_condition, c.psychological_concern, c.disability_note, c.psychological_note,
                  c.risk_level AS "risk_level: RiskLevel", c.status AS "status: ChildStatus", c.status_changed_on,
                  c.status_reason, c.verified_on, c.version, child_missing(c) AS "missing!", c.updated_at
           FROM child c
           JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           LEFT JOIN grid g ON g.street_id = c.street_id AND g.id = c.grid_id
           WHERE c.street_id = $1 AND c.id = $2"#,
        street.0,
        id.0,
    )
    .fetch_optional(conn)
    .await
}

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
    pub id: Uuid,
    pub community_id: Uuid,
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

/// Filters of the children list; `None` means no filter.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub community: Option<Uuid>,
    pub grid: Option<Uuid>,
    pub text: Option<String>,
    pub initials: Option<String>,
    /// Latin letters searched in the full pinyin of the name.
    pub full_pinyin: Option<String>,
    pub status: Option<ChildStatus>,
    pub risk: Option<RiskLevel>,
    pub care: Option<CareSituation>,
    pub disability: bool,
    pub subsistence: bool,
    pub poverty: bool,
    pub health: bool,
    pub psychological: bool,
    pub girl: bool,
    /// Born after this date (exclusive) ...
    pub born_after: Option<NaiveDate>,
    /// ... and on or before this one.
    pub born_by: Option<NaiveDate>,
    pub unpaired: bool,
    pub incomplete: bool,
    /// Not re-verified since this date (the semester's start).
    pub unverified_since: Option<NaiveDate>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListRow {
    pub id: Uuid,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub community_name: String,
    pub grid_id: Option<Uuid>,
    pub school: String,
    pub grade: String,
    pub status: ChildStatus,
    pub risk_level: RiskLevel,
    /// What the file lacks and whether the child is paired, for the page's children only.
    pub missing: Vec<String>,
    pub paired: bool,
    pub verified_on: Option<NaiveDate>,
    /// How many children match the filter in all (the same on every row of a page).
    pub total: i64,
}

impl ListFilter {
    /// The status asked for, when nothing narrows the list but it and the community: the list
    /// as it opens, a page at a time (a spreadsheet of the whole list goes the general way).
    fn opening_view(&self) -> Option<ChildStatus> {
        let ListFilter {
            community: _,
            grid,
            text,
            initials,
            full_pinyin: _,
            status,
            risk,
            care,
            disability,
            subsistence,
            poverty,
            health,
            psychological,
            girl,
            born_after,
            born_by,
            unpaired,
            incomplete,
            unverified_since,
            limit,
            offset: _,
        } = self;
        let narrowed = grid.is_some()
            || text.is_some()
            || initials.is_some()
            || risk.is_some()
            || care.is_some()
            || *disability
            || *subsistence
            || *poverty
            || *health
            || *psychological
            || *girl
            || born_after.is_some()
            || born_by.is_some()
            || *unpaired
            || *incomplete
            || unverified_since.is_some();
        status.filter(|_| !narrowed && *limit <= 200)
    }
}

/// Appends `FROM child c` (joined to its community `m` for a page, which is sorted by it) and
/// the conditions of the filters in use, and only those: each combination of filters is a
/// statement of its own, planned for what it asks. (Written as `$n IS NULL OR …` for all
/// nineteen, one statement served every combination and carried them all into every plan.)
fn push_filtered(q: &mut QueryBuilder<Postgres>, street: StreetId, f: &ListFilter, page: bool) {
    q.push(" FROM child c");
    if page {
        q.push(" JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id");
    }
    if f.incomplete {
        // Inlined, the file's facts are looked up set-based over the street (15 ms for 5,000
        // children), where `child_missing(c)` per child took 125 ms.
        q.push(" CROSS JOIN LATERAL child_file_facts(c.street_id, c.id) f");
    }
    q.push(" WHERE c.street_id = ").push_bind(street.0);
    if let Some(community) = f.community {
        q.push(" AND c.community_id = ").push_bind(community);
    }
    if let Some(grid) = f.grid {
        q.push(" AND c.grid_id = ").push_bind(grid);
    }
    if let Some(text) = &f.text {
        q.push(" AND (strpos(c.name, ").push_bind(text.clone());
        q.push(") > 0 OR strpos(c.school, ").push_bind(text.clone());
        q.push(") > 0");
        if let Some(initials) = &f.initials {
            q.push(" OR starts_with(c.name_initials, ")
                .push_bind(initials.clone());
            q.push(")");
        }
        if let Some(full) = &f.full_pinyin {
            q.push(" OR strpos(split_part(c.name_initials, '|', 2), ")
                .push_bind(full.clone());
            q.push(") > 0");
        }
        q.push(")");
    }
    if let Some(status) = f.status {
        q.push(" AND c.status = ").push_bind(status);
    }
    if let Some(risk) = f.risk {
        q.push(" AND c.risk_level = ").push_bind(risk);
    }
    if let Some(care) = f.care {
        q.push(" AND c.care_situation = ").push_bind(care);
    }
    for (on, condition) in [
        (f.disability, " AND c.disability"),
        (f.subsistence, " AND c.subsistence_allowance"),
        (f.poverty, " AND c.poverty"),
        (f.health, " AND c.health_condition <> ''"),
        (f.psychological, " AND c.psychological_concern"),
        (f.girl, " AND c.gender = 'female'"),
        (
            f.unpaired,
            " AND NOT EXISTS (SELECT 1 FROM pairing p WHERE p.street_id = c.street_id \
             AND p.child_id = c.id AND p.ended_on IS NULL)",
        ),
        (
            f.incomplete,
            " AND cardinality(child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)) > 0",
        ),
    ] {
        if on {
            q.push(condition);
        }
    }
    if let Some(after) = f.born_after {
        q.push(" AND c.birth_date > ").push_bind(after);
    }
    if let Some(by) = f.born_by {
        q.push(" AND c.birth_date <= ").push_bind(by);
    }
    if let Some(since) = f.unverified_since {
        q.push(" AND (c.verified_on IS NULL OR c.verified_on < ")
            .push_bind(since);
        q.push(")");
    }
}

/// One page of the children matching the filter, by community and name, and how many match
/// in all (the limit and offset aside). The grid's name comes from [`grids`], which the page
/// loads for its filter anyway: one join less to plan on every list.
///
/// One statement: the page (a `count(*) OVER ()` in it made the database build and sort every
/// matching row, 5,000 in a large street, to return fifty), the count as a sub-query run once,
/// and what each file lacks and whether the child is paired from `child_list_facts()` for the
/// page's children only (see `docs/schema.sql`; written into the page's query, those sub-queries
/// were planned on every request and worked out for every row an offset skips: the last of
/// 100 pages took 56 ms of SQL, now 7 ms for the whole page). As three statements they cost two
/// round trips more on every list, each a wake-up of the app and of its database backend.
pub async fn list(
    conn: &mut PgConnection,
    street: StreetId,
    f: &ListFilter,
) -> Result<(Vec<ListRow>, i64), sqlx::Error> {
    if let Some(status) = f.opening_view() {
        // The list as it opens: `child_list_page()` (see `docs/schema.sql`), with kept plans.
        let rows: Vec<ListRow> =
            sqlx::query_as("SELECT * FROM child_list_page($1, $2, $3, $4, $5)")
                .bind(street.0)
                .bind(f.community)
                .bind(status)
                .bind(f.limit)
                .bind(f.offset)
                .fetch_all(&mut *conn)
                .await?;
        return with_total(conn, street, f, rows).await;
    }
    let mut q = QueryBuilder::new(
        "WITH page AS (SELECT c.id, c.name, c.gender, c.birth_date, m.name AS community_name, \
         c.grid_id, c.school, c.grade, c.status, c.risk_level, c.verified_on",
    );
    push_filtered(&mut q, street, f, true);
    q.push(" ORDER BY m.name, c.name, c.id LIMIT ")
        .push_bind(f.limit);
    q.push(" OFFSET ").push_bind(f.offset);
    q.push(") SELECT page.*, coalesce(lf.missing, '{}') AS missing, coalesce(lf.paired, false) AS paired, (SELECT count(*)");
    push_filtered(&mut q, street, f, false);
    q.push(") AS total FROM page LEFT JOIN child_list_facts(")
        .push_bind(street.0);
    q.push(
        ", ARRAY(SELECT id FROM page)) lf ON lf.id = page.id \
         ORDER BY page.community_name, page.name, page.id",
    );
    let rows: Vec<ListRow> = q.build_query_as().fetch_all(&mut *conn).await?;
    with_total(conn, street, f, rows).await
}

async fn with_total(
    conn: &mut PgConnection,
    street: StreetId,
    f: &ListFilter,
    rows: Vec<ListRow>,
) -> Result<(Vec<ListRow>, i64), sqlx::Error> {
    let total = match rows.first() {
        Some(row) => row.total,
        // No row to carry the count: past the last page, or nothing matches.
        None => count(conn, street, f).await?,
    };
    Ok((rows, total))
}

/// How many children match the filter (its limit and offset aside).
async fn count(
    conn: &mut PgConnection,
    street: StreetId,
    f: &ListFilter,
) -> Result<i64, sqlx::Error> {
    let mut q = QueryBuilder::new("SELECT count(*)");
    push_filtered(&mut q, street, f, false);
    q.build_query_scalar().fetch_one(conn).await
}

#[derive(Debug, Clone)]
pub struct GuardianRow {
    pub id: Uuid,
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

#[derive(Debug, Clone)]
pub struct ConsentRow {
    pub id: Uuid,
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

/// One entry of the child's timeline.
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    /// In China time.
    pub at: DateTime<chrono::FixedOffset>,
    pub action: String,
    pub actor: Option<String>,
    pub fields: Vec<String>,
}

/// Changes to the file, newest first, from the audit log (views are not changes). Later issues
/// add visits, activities and aid.
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
