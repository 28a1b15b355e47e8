//! Visit, comment and follow-up queries, and what the volunteer's phone pages read of a child.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::VisitInput;
use crate::audit;
use crate::domain::child::age_on;
use crate::domain::ids::{
    ChildId, CommentId, FollowUpId, PairingId, StreetId, UserId, VisitId, VolunteerId,
};
use crate::domain::semester::today_in_china;

/// Insert one visit; false when a visit with this id is already saved (a resent form).
#[allow(clippy::too_many_arguments)]
pub async fn insert_visit(
    conn: &mut PgConnection,
    street: StreetId,
    id: VisitId,
    child: ChildId,
    pairing: Option<PairingId>,
    author: UserId,
    batch: Option<VisitId>,
    v: &VisitInput,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, batch_id, kind, visited_on, duration_minutes,
             study_score, life_score, health_score, mood_score, notes, needs)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::visit_kind, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (street_id, id) DO NOTHING",
        street.0,
        id.0,
        child.0,
        pairing.map(|p| p.0),
        author.0,
        batch.map(|b| b.0),
        v.kind,
        v.visited_on,
        v.duration_minutes,
        v.scores[0],
        v.scores[1],
        v.scores[2],
        v.scores[3],
        v.notes,
        v.needs,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_follow_up(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    visit: Option<VisitId>,
    description: &str,
    due_on: NaiveDate,
    assignee: UserId,
    by: UserId,
) -> Result<FollowUpId, sqlx::Error> {
    let id = FollowUpId::new();
    sqlx::query!(
        "INSERT INTO follow_up (street_id, id, child_id, visit_id, description, due_on, assignee_id, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        street.0,
        id.0,
        child.0,
        visit.map(|v| v.0),
        description,
        due_on,
        assignee.0,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct VisitRow {
    pub id: VisitId,
    pub kind: String,
    pub visited_on: NaiveDate,
    pub duration_minutes: i32,
    pub scores: Vec<Option<i16>>,
    pub notes: String,
    pub needs: String,
    pub author: String,
    pub author_id: UserId,
    pub created_at: DateTime<Utc>,
}

/// Visits of a child, newest first; `author` limits them to one user's own.
pub async fn visits_of_child(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    author: Option<UserId>,
) -> Result<Vec<VisitRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.kind::text AS "kind!", v.visited_on, v.duration_minutes, v.study_score, v.life_score,
                  v.health_score, v.mood_score, v.notes, v.needs, u.display_name AS author, v.author_id, v.created_at
           FROM visit v JOIN app_user u ON u.street_id = v.street_id AND u.id = v.author_id
           WHERE v.street_id = $1 AND v.child_id = $2 AND ($3::uuid IS NULL OR v.author_id = $3)
           ORDER BY v.visited_on DESC, v.created_at DESC LIMIT 200"#,
        street.0,
        child.0,
        author.map(|a| a.0),
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| VisitRow {
            id: VisitId(r.id),
            kind: r.kind,
            visited_on: r.visited_on,
            duration_minutes: r.duration_minutes,
            scores: vec![r.study_score, r.life_score, r.health_score, r.mood_score],
            notes: r.notes,
            needs: r.needs,
            author: r.author,
            author_id: UserId(r.author_id),
            created_at: r.created_at,
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub visit_id: VisitId,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn comments_of_child(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<CommentRow>, sqlx::Error> {
    sqlx::query_as!(
        CommentRow,
        r#"SELECT c.visit_id, u.display_name AS author, c.body, c.created_at
           FROM visit_comment c
           JOIN visit v ON v.street_id = c.street_id AND v.id = c.visit_id
           JOIN app_user u ON u.street_id = c.street_id AND u.id = c.author_id
           WHERE c.street_id = $1 AND v.child_id = $2 ORDER BY c.created_at"#,
        street.0,
        child.0,
    )
    .fetch_all(conn)
    .await
}

#[derive(Debug, Clone)]
pub struct FollowUpRow {
    pub id: FollowUpId,
    pub child_id: ChildId,
    pub child_name: String,
    pub community_id: Uuid,
    pub description: String,
    pub due_on: NaiveDate,
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub assignee: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closing_note: String,
    pub created_at: DateTime<Utc>,
}

/// Follow-ups with their child's and assignee's names, overdue first, then by due date:
/// `$filter` is the `WHERE` clause over follow-up `f` and child `c`, `$1` the street.
macro_rules! follow_ups_where {
    ($conn:expr, $filter:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            FollowUpRow,
            r#"SELECT f.id, f.child_id, c.name AS child_name, c.community_id, f.description, f.due_on,
                  f.status::text AS "status!", f.assignee_id, u.display_name AS "assignee?", f.closed_at, f.closing_note,
                  f.created_at
           FROM follow_up f
           JOIN child c ON c.street_id = f.street_id AND c.id = f.child_id
           LEFT JOIN app_user u ON u.street_id = f.street_id AND u.id = f.assignee_id
           WHERE "# + $filter + r#"
           ORDER BY f.status, f.due_on, f.created_at"#,
            $($arg,)*
        )
        .fetch_all($conn)
        .await
    };
}

/// Follow-ups in scope: of a community, of a child, assigned to someone; open ones only when
/// `open_only`. Not for a transaction that reuses plans (`db::begin_keyed`): a generic plan
/// cannot use the optional filters and reads the street's follow-ups; those pages use
/// [`follow_ups_of_child`] and [`open_follow_ups_assigned`].
pub async fn follow_ups(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    child: Option<ChildId>,
    assignee: Option<UserId>,
    open_only: bool,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    follow_ups_where!(
        conn,
        "f.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND ($3::uuid IS NULL OR f.child_id = $3)
             AND ($4::uuid IS NULL OR f.assignee_id = $4) AND (NOT $5 OR f.status = 'open')",
        street.0,
        community,
        child.map(|c| c.0),
        assignee.map(|a| a.0),
        open_only
    )
}

/// Every follow-up of one child (the child's file).
pub async fn follow_ups_of_child(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    follow_ups_where!(
        conn,
        "f.street_id = $1 AND f.child_id = $2",
        street.0,
        child.0
    )
}

/// The open follow-ups assigned to one user (a volunteer's home).
pub async fn open_follow_ups_assigned(
    conn: &mut PgConnection,
    street: StreetId,
    assignee: UserId,
) -> Result<Vec<FollowUpRow>, sqlx::Error> {
    follow_ups_where!(
        conn,
        "f.street_id = $1 AND f.assignee_id = $2 AND f.status = 'open'",
        street.0,
        assignee.0
    )
}

/// Writes one visit for each covered child (with its pairing, if any). The first child's visit
/// takes the visit's id; the others derive theirs from it, so a resent visit maps onto the same
/// rows and is written once. Follow-ups and audit events only for new rows. Returns whether the
/// first child's visit is new.
pub async fn write_visit(
    tx: &mut PgConnection,
    street: StreetId,
    author: UserId,
    ip: &str,
    input: &VisitInput,
    covered: &[(ChildId, Option<PairingId>)],
    via_api: bool,
) -> Result<bool, sqlx::Error> {
    let batch = (covered.len() > 1).then_some(input.id);
    let mut first_is_new = false;
    for (i, (c, pairing)) in covered.iter().enumerate() {
        let id = if i == 0 {
            input.id
        } else {
            VisitId(Uuid::new_v5(&input.id.0, c.0.as_bytes()))
        };
        let fresh = insert_visit(tx, street, id, *c, *pairing, author, batch, input).await?;
        if i == 0 {
            first_is_new = fresh;
        }
        if !fresh {
            continue;
        }
        if let Some((text, due)) = &input.follow_up {
            insert_follow_up(tx, street, *c, Some(id), text, *due, author, author).await?;
        }
        let mut details = json!({ "visit": id, "kind": input.kind });
        if via_api {
            details["api"] = json!(true);
        }
        audit::record(tx, "visit_logged", "child", Some(c.0), ip, details).await?;
    }
    Ok(first_is_new)
}

/// The visit a comment is about: its child, its author and the child's community.
pub struct CommentTarget {
    pub child_id: ChildId,
    pub author_id: UserId,
    pub community_id: Uuid,
}

pub async fn comment_target(
    conn: &mut PgConnection,
    street: StreetId,
    visit: VisitId,
) -> Result<Option<CommentTarget>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT v.child_id, v.author_id, c.community_id FROM visit v JOIN child c ON c.street_id = v.street_id AND c.id = v.child_id
         WHERE v.street_id = $1 AND v.id = $2",
        street.0,
        visit.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| CommentTarget {
        child_id: ChildId(r.child_id),
        author_id: UserId(r.author_id),
        community_id: r.community_id,
    }))
}

pub async fn insert_comment(
    conn: &mut PgConnection,
    street: StreetId,
    visit: VisitId,
    author: UserId,
    body: &str,
) -> Result<CommentId, sqlx::Error> {
    let id = CommentId::new();
    sqlx::query!(
        "INSERT INTO visit_comment (street_id, id, visit_id, author_id, body) VALUES ($1, $2, $3, $4, $5)",
        street.0,
        id.0,
        visit.0,
        author.0,
        body
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// An open follow-up: its child, assignee and the child's community.
pub struct OpenFollowUp {
    pub child_id: ChildId,
    pub assignee_id: Option<UserId>,
    pub community_id: Uuid,
}

pub async fn open_follow_up(
    conn: &mut PgConnection,
    street: StreetId,
    id: FollowUpId,
) -> Result<Option<OpenFollowUp>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT f.child_id, f.assignee_id, c.community_id FROM follow_up f JOIN child c ON c.street_id = f.street_id AND c.id = f.child_id
         WHERE f.street_id = $1 AND f.id = $2 AND f.status = 'open'",
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| OpenFollowUp {
        child_id: ChildId(r.child_id),
        assignee_id: r.assignee_id.map(UserId),
        community_id: r.community_id,
    }))
}

/// Whether the volunteer is (still) paired with the child.
pub async fn paired(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    volunteer: Option<VolunteerId>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pairing WHERE street_id = $1 AND child_id = $2 AND volunteer_id = $3
                                      AND ended_on IS NULL) AS "paired!""#,
        street.0,
        child.0,
        volunteer.map(|v| v.0),
    )
    .fetch_one(conn)
    .await
}

pub async fn close_follow_up(
    conn: &mut PgConnection,
    street: StreetId,
    id: FollowUpId,
    by: UserId,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE follow_up SET status = 'done', closed_at = now(), closed_by = $3, closing_note = $4, version = version + 1,
             updated_at = now()
         WHERE street_id = $1 AND id = $2 AND status = 'open'",
        street.0,
        id.0,
        by.0,
        note
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a volunteer sees of a paired child, while the pairing is active. Least privilege: the
/// entrusted guardian's number (to arrange visits and talk with the guardian) and no other
/// number: not the parents', the other guardians' or the class teacher's.
pub struct ChildCard {
    pub id: ChildId,
    pub name: String,
    pub age: i32,
    pub school: String,
    pub grade: String,
    pub class_name: String,
    pub class_teacher: String,
    pub address: String,
    /// Name, relation and phone of each guardian, the one at home first; the phone is empty
    /// but for the entrusted guardian.
    pub guardians: Vec<(String, String, String)>,
}

pub async fn child_card(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<ChildCard, sqlx::Error> {
    let c = sqlx::query!(
        "SELECT id, name, birth_date, school, grade, class_name, class_teacher, address
         FROM child WHERE street_id = $1 AND id = $2",
        street.0,
        child.0
    )
    .fetch_one(&mut *conn)
    .await?;
    let guardians = sqlx::query!(
        r#"SELECT name, relation::text AS "relation!",
                  CASE WHEN NOT is_entrusted THEN '' WHEN phone <> '' THEN phone ELSE family_phone END AS "phone!"
           FROM guardian WHERE street_id = $1 AND child_id = $2 ORDER BY is_parent_away, created_at"#,
        street.0,
        child.0
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|g| (g.name, g.relation, g.phone))
    .collect();
    Ok(ChildCard {
        id: ChildId(c.id),
        name: c.name,
        age: age_on(c.birth_date, today_in_china()),
        school: c.school,
        grade: c.grade,
        class_name: c.class_name,
        class_teacher: c.class_teacher,
        address: c.address,
        guardians,
    })
}

/// The volunteer's other active paired children (besides `child`), by name.
pub async fn other_children(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
    child: ChildId,
) -> Result<Vec<(ChildId, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT c.id, c.name FROM pairing p JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
         WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL AND c.status = 'active' AND c.id <> $3
         ORDER BY c.name",
        street.0,
        volunteer.0,
        child.0
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (ChildId(r.id), r.name)).collect())
}

pub async fn child_name(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT name FROM child WHERE street_id = $1 AND id = $2",
        street.0,
        child.0
    )
    .fetch_one(conn)
    .await
}
