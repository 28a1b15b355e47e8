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
