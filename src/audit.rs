//! The audit log: one function writes every event (append-only, hash-chained per street).
//!
//! Events never carry ID numbers or phone numbers; `detail` holds field names and reasons.

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

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
