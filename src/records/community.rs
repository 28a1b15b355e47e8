//! A community's name.

use sqlx::PgConnection;

use crate::domain::ids::{CommunityId, StreetId};

pub async fn name_of(
    conn: &mut PgConnection,
    street: StreetId,
    id: CommunityId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT name FROM community WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await
}
