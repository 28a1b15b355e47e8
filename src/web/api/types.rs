//! What the API reads and answers, as JSON. Field order is the order of the answers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::ids::{ActivityId, ChildId, PairingId, VisitId};
use crate::web::activities::db::ActivityRow;
use crate::web::pairings::db::PairingRow;
use crate::web::reports::figures::Figures;
use crate::web::visits::db::VisitRow;

#[derive(Serialize)]
pub struct ChildSummary {
    pub id: ChildId,
    pub name: String,
    pub grade: String,
    pub school: String,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
}

#[derive(Serialize, Clone, PartialEq, Debug)]
pub struct VisitOut {
    pub id: VisitId,
    pub child_id: ChildId,
    pub kind: String,
    pub visited_on: NaiveDate,
    pub duration_minutes: i32,
    pub study: Option<i16>,
    pub life: Option<i16>,
    pub health: Option<i16>,
    pub mood: Option<i16>,
    pub notes: String,
    pub needs: String,
}

impl VisitOut {
    /// A visit of the child's, as its list answers it.
    pub fn of_child(child: ChildId, v: VisitRow) -> VisitOut {
        VisitOut {
            id: v.id,
            child_id: child,
            kind: v.kind,
            visited_on: v.visited_on,
            duration_minutes: v.duration_minutes,
            study: v.scores[0],
            life: v.scores[1],
            health: v.scores[2],
            mood: v.scores[3],
            notes: v.notes,
            needs: v.needs,
        }
    }
}

#[derive(Deserialize)]
pub struct VisitsQuery {
    pub child_id: ChildId,
}

/// How many other children one visit may also cover.
pub const MAX_ALSO_FOR: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitIn {
    /// Made by the client (a UUID): the same visit sent again is the same visit.
    pub id: VisitId,
    pub child_id: ChildId,
    pub kind: String,
    pub visited_on: String,
    #[serde(default)]
    pub duration_minutes: Option<i32>,
    pub study: Option<i16>,
    pub life: Option<i16>,
    pub health: Option<i16>,
    pub mood: Option<i16>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub needs: String,
    /// Something to follow up, and by when (both or neither).
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub follow_up_due: String,
    /// Other children of the same caller the same visit covered (siblings visited together).
    #[serde(default)]
    pub also_for: Vec<ChildId>,
}

#[derive(Serialize)]
pub struct PairingOut {
    pub id: PairingId,
    pub child_id: ChildId,
    pub child_name: String,
    pub volunteer_name: String,
    pub community: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl From<PairingRow> for PairingOut {
    fn from(p: PairingRow) -> PairingOut {
        PairingOut {
            id: p.id,
            child_id: p.child_id,
            child_name: p.child_name,
            volunteer_name: p.volunteer_name,
            community: p.community_name,
            started_on: p.started_on,
            ended_on: p.ended_on,
        }
    }
}

#[derive(Serialize)]
pub struct ActivityOut {
    pub id: ActivityId,
    pub title: String,
    pub kind: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    pub community: Option<String>,
    pub status: String,
    pub person_times: i64,
}

impl From<ActivityRow> for ActivityOut {
    fn from(a: ActivityRow) -> ActivityOut {
        ActivityOut {
            person_times: a.person_times(),
            id: a.id,
            title: a.title,
            kind: a.kind,
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            place: a.place,
            community: a.community_name,
            status: a.status,
        }
    }
}

#[derive(Deserialize)]
pub struct RangeQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

#[derive(Serialize)]
pub struct ReportOut {
    pub community_id: Uuid,
    pub community: String,
    pub period: String,
    pub status: String,
    pub figures: Figures,
}
