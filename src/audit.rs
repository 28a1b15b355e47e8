//! The audit log: one function writes every event (append-only, hash-chained per street).
//!
//! Events never carry ID numbers or phone numbers; `detail` holds field names and reasons.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

/// Free text typed by a user (a reason) for the audit log: runs of 7 or more digits (or an ID
/// number ending in X) are masked, so an ID or phone number typed into a reason never lands
/// in the append-only log.
pub fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit() || ((chars[j] == 'X' || chars[j] == 'x') && j > i))
            {
                j += 1;
            }
            if j - i >= 7 {
                out.extend(std::iter::repeat_n('*', j - i));
            } else {
                out.extend(&chars[i..j]);
            }
            i = j;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Append one event in the current tenant transaction (user taken from `app.user_id`).
pub async fn record(
    conn: &mut PgConnection,
    action: &str,
    entity: &str,
    entity_id: Option<Uuid>,
    ip: &str,
    detail: Value,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar::<_, Uuid>("SELECT audit_append($1, $2, $3, $4, $5)")
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(ip)
        .bind(detail)
        .fetch_one(conn)
        .await
}

/// A read of a child's file (a page, a form that names the child, an API answer).
pub async fn child_viewed(
    conn: &mut PgConnection,
    child: crate::domain::ids::ChildId,
    ip: &str,
    detail: Value,
) -> Result<Uuid, sqlx::Error> {
    record(conn, "child_viewed", "child", Some(child.0), ip, detail).await
}

use chrono::{DateTime, Utc};

use crate::db::{self, Tx};
use crate::domain::ids::StreetId;
use crate::domain::semester::china_offset;

/// The first link of the street's chain that does not verify.
pub struct BrokenLink {
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub action: String,
    pub reason: String,
}

impl BrokenLink {
    pub fn when(&self) -> String {
        self.at
            .with_timezone(&china_offset())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }
}

/// Checks the hash chain of the transaction's street: `None` when intact.
pub async fn first_broken_link(tx: &mut Tx) -> Result<Option<BrokenLink>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT seq AS "seq!", id AS "id!", at AS "at!", action AS "action!", reason AS "reason!"
           FROM audit_first_broken()"#
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| BrokenLink {
        seq: r.seq,
        id: r.id,
        at: r.at,
        action: r.action,
        reason: r.reason,
    }))
}

/// One street's chain: how many events, and the first broken link if any.
pub struct ChainCheck {
    pub street: StreetId,
    pub street_name: String,
    pub events: i64,
    pub broken: Option<BrokenLink>,
}

/// Checks the chain of every street (`shouhu audit verify`).
pub async fn verify_all(pool: &sqlx::PgPool) -> Result<Vec<ChainCheck>, sqlx::Error> {
    let mut checks = Vec::new();
    for (street, street_name) in db::streets(pool).await? {
        let mut tx = db::begin(pool, street, None).await?;
        let broken = first_broken_link(&mut tx).await?;
        let events = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM audit_event WHERE street_id = $1"#,
            street.0
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        checks.push(ChainCheck {
            street,
            street_name,
            events,
            broken,
        });
    }
    Ok(checks)
}

#[cfg(test)]
mod tests {
    use super::scrub;

    #[test]
    fn numbers_that_could_identify_someone_are_masked() {
        assert_eq!(
            scrub("办理低保 11010519491231002X"),
            "办理低保 ******************"
        );
        assert_eq!(scrub("回电 13812345678 后"), "回电 *********** 后");
        assert_eq!(scrub("第3季度 2026 年"), "第3季度 2026 年");
    }
}
