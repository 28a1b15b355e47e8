//! The home page of each role: the street admin's overview with a new street's first steps,
//! a community's page for its staff, and a volunteer's children with their duties.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, Duration, NaiveDate};
use uuid::Uuid;

use super::db as queries;
use crate::auth::SessionUser;
use crate::auth::extract::VolunteerUser;
use crate::cache::TtlCache;
use crate::db::Tx;
use crate::domain::duties::{DutyState, DutyStatus, INACTIVE_DAYS, duty_statuses};
use crate::domain::ids::{ChildId, CommunityId, PairingId, StreetId};
use crate::domain::semester::{Semester, day_start};
use crate::error::{AppError, Result};
use crate::links;
use crate::web::activities::db::{self as activities, ActivityRow};
use crate::web::charts::{self, BarChart};
use crate::web::communities::db::{CommunitySummary, summaries};
use crate::web::context::PageCtx;
use crate::web::pairings::db::{
    PairingRow, active_of_volunteer, fulfilments, grid_rows, list as pairings,
};
use crate::web::visits::db::{FollowUpRow, follow_ups, open_follow_ups_assigned};
use crate::web::volunteers::db::hours_by_month;

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
pub struct AdminHome {
    ctx: PageCtx,
    /// A new street's first steps, each ticked once done; empty when all are.
    first_steps: Vec<FirstStep>,
    communities: Vec<CommunitySummary>,
    total_children: i64,
    total_volunteers: i64,
    total_pairings: i64,
    follow_ups: Vec<FollowUpRow>,
    today: NaiveDate,
    charts: Vec<BarChart>,
}

/// The street admin's home: every community, the open follow-ups, the charts (cached a
/// minute) and, in a new street, the first steps.
pub async fn admin_home(
    tx: &mut Tx,
    cache: &TtlCache,
    ctx: PageCtx,
    street: StreetId,
    today: NaiveDate,
) -> Result<AdminHome> {
    let communities = cache
        .get_or_try_insert(
            street,
            "summaries:None".to_string(),
            summaries(tx, street, None),
        )
        .await?;
    let follow_ups = overdue_first(follow_ups(tx, street, None, None, None, true).await?, today);
    let charts = cache
        .get_or_try_insert(
            street,
            format!("dashboard:all:{today}"),
            dashboard(tx, street, None, today),
        )
        .await?;
    let first_steps = first_steps(tx, street).await?;
    Ok(AdminHome {
        first_steps,
        charts,
        total_children: communities.iter().map(|c| c.children).sum(),
        total_volunteers: communities.iter().map(|c| c.volunteers).sum(),
        total_pairings: communities.iter().map(|c| c.pairings).sum(),
        communities,
        follow_ups,
        today,
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "home/staff.html")]
pub struct StaffHome {
    ctx: PageCtx,
    community: CommunitySummary,
    follow_ups: Vec<FollowUpRow>,
    inactive: Vec<PairingRow>,
    today: NaiveDate,
    charts: Vec<BarChart>,
}

/// Community staff's home: their community, its open follow-ups, its inactive pairings and
/// its charts.
pub async fn staff_home(
    tx: &mut Tx,
    cache: &TtlCache,
    ctx: PageCtx,
    street: StreetId,
    community: CommunityId,
    today: NaiveDate,
) -> Result<StaffHome> {
    let summary = cache
        .get_or_try_insert(
            street,
            format!("summaries:{:?}", Some(community.0)),
            summaries(tx, street, Some(community.0)),
        )
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    let follow_ups = overdue_first(
        follow_ups(tx, street, Some(community.0), None, None, true).await?,
        today,
    );
    let inactive_before = today - Duration::days(INACTIVE_DAYS);
    let inactive = pairings(tx, street, Some(community.0), None, true)
        .await?
        .into_iter()
        .filter(|p| p.last_visit.unwrap_or(p.started_on) < inactive_before)
        .collect();
    let charts = cache
        .get_or_try_insert(
            street,
            format!("dashboard:{}:{today}", community.0),
            dashboard(tx, street, Some(community.0), today),
        )
        .await?;
    Ok(StaffHome {
        ctx,
        community: summary,
        follow_ups,
        inactive,
        today,
        charts,
    })
}

/// The dashboard charts of a scope: visits per month, five-duty completion per community this
/// semester, activities and person-times per month.
async fn dashboard(
    tx: &mut Tx,
    street: StreetId,
    community: Option<Uuid>,
    today: NaiveDate,
) -> Result<Vec<BarChart>> {
    let visits = charts::visits_per_month(tx, street, community, today).await?;
    let rows = grid_rows(tx, street, community, Semester::containing(today), today).await?;
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for r in &rows {
        let e = per.entry(r.pairing.community_name.clone()).or_default();
        e.0 += r
            .duties
            .iter()
            .filter(|d| d.state == DutyState::Done)
            .count();
        e.1 += r.duties.len();
    }
    let duties = BarChart::new(
        "chart-duties",
        "chart.duties_per_community",
        per.into_iter()
            .map(|(name, (done, owed))| {
                (
                    name,
                    if owed == 0 {
                        0.0
                    } else {
                        done as f64 * 100.0 / owed as f64
                    },
                )
            })
            .collect(),
        true,
    );
    let (activities, people) = charts::activities_per_month(tx, street, community, today).await?;
    Ok(vec![visits, duties, activities, people])
}

/// One step of a new street's first hour: what to do, where, and whether it is done.
pub struct FirstStep {
    pub key: &'static str,
    pub href: &'static str,
    pub done: bool,
}

/// The first steps of a new street office (communities and grids, staff accounts, the roster,
/// volunteers, the report deadline), each ticked by what the records show. All done: none shown.
async fn first_steps(tx: &mut Tx, street: StreetId) -> Result<Vec<FirstStep>> {
    let done = queries::first_steps_done(tx, street).await?;
    let steps = vec![
        FirstStep {
            key: "communities",
            href: links::communities::COMMUNITIES,
            done: done.grids,
        },
        FirstStep {
            key: "staff",
            href: links::users::NEW_USER,
            done: done.staff,
        },
        FirstStep {
            key: "roster",
            href: "/children/import",
            done: done.children,
        },
        FirstStep {
            key: "volunteers",
            href: links::volunteers::NEW_VOLUNTEER,
            done: done.volunteers,
        },
        FirstStep {
            key: "deadline",
            href: links::pairings::SETTINGS,
            done: done.settings,
        },
    ];
    Ok(if steps.iter().all(|s| s.done) {
        Vec::new()
    } else {
        steps
    })
}

/// Open follow-ups with the overdue ones first (the query already sorts by due date).
fn overdue_first(rows: Vec<FollowUpRow>, today: NaiveDate) -> Vec<FollowUpRow> {
    let (mut overdue, rest): (Vec<_>, Vec<_>) = rows.into_iter().partition(|f| f.due_on < today);
    overdue.extend(rest);
    overdue
}

/// A paired child on the volunteer's home page with this semester's duties, most urgent first.
pub struct MyChild {
    pub id: ChildId,
    pub name: String,
    pub grade: String,
    pub open: Vec<DutyStatus>,
    pub done: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/volunteer.html")]
pub struct VolunteerHome {
    ctx: PageCtx,
    children: Vec<MyChild>,
    follow_ups: Vec<FollowUpRow>,
    hours_this_month: f64,
    today: NaiveDate,
    coming: Vec<ActivityRow>,
}

pub async fn volunteer_home(
    tx: &mut Tx,
    ctx: PageCtx,
    user: &SessionUser,
    me: &VolunteerUser,
    today: NaiveDate,
) -> Result<VolunteerHome> {
    let mine = active_of_volunteer(tx, user.street_id, me.volunteer_id).await?;
    // One query each for the grades and the semester's duties of every paired child, not one
    // per child: this page is the volunteer's most opened.
    let child_ids: Vec<ChildId> = mine.iter().map(|p| p.child_id).collect();
    let mut grades = queries::active_grades(tx, user.street_id, &child_ids).await?;
    let semester = Semester::containing(today);
    let pairing_ids: Vec<PairingId> = mine.iter().map(|p| p.id).collect();
    let mut fulfilled = fulfilments(tx, user.street_id, &pairing_ids, semester).await?;
    let mut children = Vec::new();
    for p in mine {
        let Some(grade) = grades.remove(&p.child_id) else {
            continue;
        };
        let duties = duty_statuses(
            semester,
            &fulfilled.remove(&p.id).unwrap_or_default(),
            today,
        );
        let done = duties.iter().filter(|d| d.state == DutyState::Done).count();
        let mut open: Vec<DutyStatus> = duties
            .into_iter()
            .filter(|d| d.state != DutyState::Done)
            .collect();
        open.sort_by_key(|d| d.state);
        children.push(MyChild {
            id: p.child_id,
            name: p.child_name,
            grade,
            open,
            done,
        });
    }
    // Most urgent first: a child with a missed or due-soon duty before one with only open ones.
    children.sort_by_key(|c| {
        (
            c.open.first().map(|d| d.state).unwrap_or(DutyState::Done),
            std::cmp::Reverse(c.open.len()),
        )
    });
    // Only follow-ups about children still paired with this volunteer.
    let follow_ups = open_follow_ups_assigned(tx, user.street_id, user.user_id)
        .await?
        .into_iter()
        .filter(|f| children.iter().any(|c| c.id == f.child_id))
        .collect();
    let month = format!("{}-{:02}", today.year(), today.month());
    let hours_this_month = hours_by_month(tx, user.street_id, me.volunteer_id)
        .await?
        .into_iter()
        .find(|(m, _)| *m == month)
        .map(|(_, h)| h)
        .unwrap_or(0.0);
    // Coming activities of the volunteer's community and of the whole street (next 60 days).
    let from = day_start(today);
    let to = day_start(today + Duration::days(60));
    let coming = match user.community_id {
        Some(c) => activities::list(tx, user.street_id, Some(c.0), None, from, to, None)
            .await?
            .into_iter()
            .filter(|a| a.status != "cancelled")
            .take(5)
            .collect(),
        None => Vec::new(),
    };
    Ok(VolunteerHome {
        ctx,
        children,
        follow_ups,
        hours_this_month,
        today,
        coming,
    })
}
