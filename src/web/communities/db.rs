//! Community and grid queries; each runs inside the request's tenant transaction.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{CommunityId, GridId, StreetId};
pub use crate::records::community::name_of;

/// A community with the counts the home pages show.
#[derive(Debug, Clone)]
pub struct CommunitySummary {
    pub id: CommunityId,
    pub name: String,
    pub address: String,
    pub children: i64,
    pub volunteers: i64,
    pub pairings: i64,
    pub staff: i64,
    pub grids: i64,
    /// Active children whose file is complete.
    pub complete: i64,
}

impl CommunitySummary {
    /// 建档率: complete files among active children, as a percentage ("—" with no children).
    pub fn rate_percent(&self) -> String {
        if self.children == 0 {
            "—".to_string()
        } else {
            format!(
                "{:.0}%",
                self.complete as f64 * 100.0 / self.children as f64
            )
        }
    }
}

/// Communities in scope (`only = None`: all of the street), with their counts.
pub async fn summaries(
    conn: &mut PgConnection,
    street: StreetId,
    only: Option<Uuid>,
) -> Result<Vec<CommunitySummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH done AS (SELECT x.community_id, count(*) AS n FROM child x
                         LEFT JOIN child_file_fact f ON f.street_id = x.street_id AND f.child_id = x.id
                         WHERE x.street_id = $1 AND x.status = 'active'
                           AND cardinality(child_gaps(x, f.has_carer, f.has_parent_contact, f.has_consent)) = 0
                         GROUP BY x.community_id)
           SELECT c.id, c.name, c.address,
             (SELECT count(*) FROM child x WHERE x.street_id = c.street_id AND x.community_id = c.id
                 AND x.status = 'active') AS "children!",
             (SELECT count(*) FROM volunteer x WHERE x.street_id = c.street_id AND x.community_id = c.id
                 AND x.status = 'active') AS "volunteers!",
             (SELECT count(*) FROM pairing x WHERE x.street_id = c.street_id AND x.community_id = c.id
                 AND x.ended_on IS NULL) AS "pairings!",
             (SELECT count(*) FROM app_user x WHERE x.street_id = c.street_id AND x.community_id = c.id
                 AND x.role = 'community_staff' AND x.disabled_at IS NULL) AS "staff!",
             (SELECT count(*) FROM grid x WHERE x.street_id = c.street_id AND x.community_id = c.id) AS "grids!",
             coalesce((SELECT n FROM done WHERE done.community_id = c.id), 0) AS "complete!"
           FROM community c
           WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.id = $2)
           ORDER BY c.name"#,
        street.0,
        only,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CommunitySummary {
            id: CommunityId(r.id),
            name: r.name,
            address: r.address,
            children: r.children,
            volunteers: r.volunteers,
            pairings: r.pairings,
            staff: r.staff,
            grids: r.grids,
            complete: r.complete,
        })
        .collect())
}

/// Insert a community; `Ok(false)` when the street already has one of that name.
pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    name: &str,
    address: &str,
) -> Result<Option<CommunityId>, sqlx::Error> {
    let id = CommunityId::new();
    let done = sqlx::query!(
        "INSERT INTO community (street_id, id, name, address) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT community_name_key DO NOTHING",
        street.0,
        id.0,
        name,
        address,
    )
    .execute(conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

#[derive(Debug, Clone)]
pub struct GridRow {
    pub name: String,
    pub children: i64,
}

pub async fn grids(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
) -> Result<Vec<GridRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT g.name,
             (SELECT count(*) FROM child x WHERE x.street_id = g.street_id AND x.grid_id = g.id
                 AND x.status = 'active') AS "children!"
           FROM grid g WHERE g.street_id = $1 AND g.community_id = $2 ORDER BY g.name"#,
        street.0,
        community.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GridRow {
            name: r.name,
            children: r.children,
        })
        .collect())
}

pub async fn insert_grid(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
    name: &str,
) -> Result<Option<GridId>, sqlx::Error> {
    let id = GridId::new();
    let done = sqlx::query!(
        "INSERT INTO grid (street_id, id, community_id, name) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT grid_name_key DO NOTHING",
        street.0,
        id.0,
        community.0,
        name,
    )
    .execute(conn)
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub display_name: String,
    pub disabled: bool,
}

pub async fn staff(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
) -> Result<Vec<StaffRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT display_name, disabled_at IS NOT NULL AS "disabled!" FROM app_user
           WHERE street_id = $1 AND community_id = $2 AND role = 'community_staff' ORDER BY display_name"#,
        street.0,
        community.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffRow {
            display_name: r.display_name,
            disabled: r.disabled,
        })
        .collect())
}

/// A community to choose from.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: Uuid,
    pub name: String,
}

pub async fn choices(
    conn: &mut PgConnection,
    street: StreetId,
    only: Option<Uuid>,
) -> Result<Vec<Choice>, sqlx::Error> {
    sqlx::query_as!(
        Choice,
        "SELECT id, name FROM community WHERE street_id = $1 AND ($2::uuid IS NULL OR id = $2) ORDER BY name",
        street.0,
        only
    )
    .fetch_all(conn)
    .await
}

/// Grids with their community's name (`names`, which every caller has loaded already: one
/// join less to plan), ordered by community and grid, for the grid choices.
pub async fn grid_choices<'a>(
    conn: &mut PgConnection,
    street: StreetId,
    only: Option<Uuid>,
    names: impl Fn(Uuid) -> Option<&'a str>,
) -> Result<Vec<(Uuid, Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, community_id, name FROM grid WHERE street_id = $1 AND ($2::uuid IS NULL OR community_id = $2)",
        street.0,
        only
    )
    .fetch_all(conn)
    .await?;
    let mut labelled: Vec<(&str, String, Uuid, Uuid)> = rows
        .into_iter()
        .map(|r| {
            (
                names(r.community_id).unwrap_or(""),
                r.name,
                r.id,
                r.community_id,
            )
        })
        .collect();
    labelled.sort();
    Ok(labelled
        .into_iter()
        .map(|(community, grid, id, c)| {
            let label = if community.is_empty() {
                grid
            } else {
                format!("{community} · {grid}")
            };
            (id, c, label)
        })
        .collect())
}
