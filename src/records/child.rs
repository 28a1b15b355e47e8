//! One child file as stored, and finding it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::child::{CareSituation, ChildStatus, Gender, LeftBehind, RiskLevel};
use crate::domain::ids::{ChildId, CommunityId, StreetId};

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

impl ChildRecord {
    /// The file's id, typed.
    pub fn child_id(&self) -> ChildId {
        ChildId(self.id)
    }

    /// The child's community, typed.
    pub fn community(&self) -> CommunityId {
        CommunityId(self.community_id)
    }
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
