//! The children list: one page of the files matching the list's filters, and how many match.
//! Every query filters on street_id explicitly (RLS is the backstop, and Citus routes on it).

use chrono::NaiveDate;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use uuid::Uuid;

use crate::domain::child::{CareSituation, ChildStatus, Gender, RiskLevel};
use crate::domain::ids::{ChildId, GridId, StreetId};

/// Filters of the children list; `None` means no filter.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub community: Option<Uuid>,
    pub grid: Option<GridId>,
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
    pub id: ChildId,
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
/// in all (the limit and offset aside). The grid's name comes from the grid choices, which the
/// page loads for its filter anyway: one join less to plan on every list.
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
