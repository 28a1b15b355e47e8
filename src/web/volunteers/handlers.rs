use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::db::{self as queries, VolunteerFields, VolunteerRow};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::extract::VolunteerUser;
use crate::auth::{Staff, password};
use crate::db::Tx;
use crate::domain::ids::{CommunityId, UserId, VolunteerId};
use crate::domain::login::is_mainland_mobile;
use crate::domain::volunteer::{VOLUNTEER_KINDS, VOLUNTEER_STATUSES as STATUSES};
use crate::error::Result;
use crate::web::communities::db::choices as communities;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, EditPage, Edited};
use crate::web::forms::{FieldErrors, optional_past_date, optional_text};
use crate::web::scope;
use crate::web::{PathId, required_text};

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/list.html")]
pub struct VolunteersPage {
    ctx: PageCtx,
    volunteers: Vec<VolunteerRow>,
    cap: i32,
}

async fn caseload_cap(tx: &mut Tx, street: crate::domain::ids::StreetId) -> Result<i32> {
    Ok(
        sqlx::query_scalar!("SELECT caseload_cap FROM street WHERE id = $1", street.0)
            .fetch_one(&mut **tx)
            .await?,
    )
}

pub async fn list_volunteers(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<VolunteersPage> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let volunteers = queries::list(&mut tx, user.street_id, staff.scope.filter(), None).await?;
    let cap = caseload_cap(&mut tx, user.street_id).await?;
    tx.commit().await?;
    Ok(VolunteersPage {
        ctx,
        volunteers,
        cap,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VolunteerForm {
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub team_name: String,
    #[serde(default)]
    pub skills: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub record_check_seen_on: String,
    #[serde(default)]
    pub training_done_on: String,
    #[serde(default)]
    pub version: String,
}

impl VolunteerForm {
    fn from_row(v: &VolunteerRow) -> VolunteerForm {
        VolunteerForm {
            community_id: v.community_id.to_string(),
            name: v.name.clone(),
            phone: v.phone.clone(),
            kind: v.kind.clone(),
            team_name: v.team.clone().unwrap_or_default(),
            skills: v.skills.clone(),
            status: v.status.clone(),
            record_check_seen_on: v
                .record_check_seen_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            training_done_on: v
                .training_done_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: v.version.to_string(),
        }
    }
}

fn validate(form: &VolunteerForm, community: Option<Uuid>) -> Result<VolunteerFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&form.name, 50)
        .map_err(|k| e.add("name", k))
        .ok();
    let phone: String = form
        .phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if phone.is_empty() {
        e.add("phone", "form.error.required");
    } else if !is_mainland_mobile(&phone) {
        e.add("phone", "user.error.login_invalid");
    }
    if community.is_none() {
        e.add("community_id", "form.error.required");
    }
    if !VOLUNTEER_KINDS.contains(&form.kind.as_str()) {
        e.add("kind", "form.error.required");
    }
    let status = if form.status.is_empty() {
        "active".to_string()
    } else {
        form.status.clone()
    };
    if !STATUSES.contains(&status.as_str()) {
        e.add("status", "form.error.required");
    }
    let team_name = optional_text(&mut e, "team_name", &form.team_name, 100);
    let skills = optional_text(&mut e, "skills", &form.skills, 200);
    let record_check_seen_on =
        optional_past_date(&mut e, "record_check_seen_on", &form.record_check_seen_on);
    let training_done_on = optional_past_date(&mut e, "training_done_on", &form.training_done_on);
    match (name, community) {
        (Some(name), Some(community_id)) if e.is_empty() => Ok(VolunteerFields {
            community_id,
            name,
            phone,
            kind: form.kind.clone(),
            team_name,
            skills,
            status,
            record_check_seen_on,
            training_done_on,
        }),
        _ => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/form.html")]
pub struct VolunteerPage {
    ctx: PageCtx,
    volunteer: Option<VolunteerRow>,
    form: VolunteerForm,
    errors: FieldErrors,
    communities: Vec<(Uuid, String)>,
    kinds: [&'static str; 7],
    statuses: [&'static str; 3],
    hours: Vec<(String, f64)>,
    pairings: Vec<crate::web::pairings::db::PairingRow>,
    conflict: bool,
}

impl EditPage for VolunteerPage {
    type Stored = i32;
    fn show_errors(&mut self, errors: FieldErrors) {
        self.errors = errors;
    }
    fn show_conflict(&mut self, stored_version: i32) {
        self.form.version = stored_version.to_string();
        self.conflict = true;
    }
}

impl VolunteerPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

async fn volunteer_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    volunteer: Option<VolunteerRow>,
    form: VolunteerForm,
    errors: FieldErrors,
) -> Result<VolunteerPage> {
    let street = staff.user.street_id;
    let communities = communities(tx, street, staff.scope.filter())
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect();
    let (hours, pairings) = match &volunteer {
        Some(v) => (
            queries::hours_by_month(tx, street, VolunteerId(v.id)).await?,
            crate::web::pairings::db::list(tx, street, None, Some(v.id), false).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(VolunteerPage {
        ctx,
        volunteer,
        form,
        errors,
        communities,
        kinds: VOLUNTEER_KINDS,
        statuses: STATUSES,
        hours,
        pairings,
        conflict: false,
    })
}

pub async fn new_volunteer_form(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
) -> Result<VolunteerPage> {
    let mut tx = tenant.begin().await?;
    let form = VolunteerForm {
        community_id: staff
            .scope
            .filter()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    let page = volunteer_page(&mut tx, &staff, ctx, None, form, FieldErrors::default()).await?;
    tx.commit().await?;
    Ok(page)
}

fn community_of(staff: &Staff, form: &VolunteerForm, page: &VolunteerPage) -> Option<Uuid> {
    form.community_id.parse::<Uuid>().ok().filter(|c| {
        staff.scope.allows(CommunityId(*c)) && page.communities.iter().any(|(id, _)| id == c)
    })
}

pub async fn create_volunteer(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    Form(form): Form<VolunteerForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let mut page = volunteer_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        None,
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    match validate(&form, community_of(&staff, &form, &page)) {
        Ok(fields) => {
            let id = VolunteerId::new();
            queries::insert(&mut tx, user.street_id, id, &fields).await?;
            audit::record(
                &mut tx,
                "volunteer_created",
                "volunteer",
                Some(id.0),
                &ip,
                json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("/volunteers/{id}")).into_response())
        }
        Err(errors) => {
            tx.commit().await?;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn show_volunteer(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    PathId(id): PathId<VolunteerId>,
) -> Result<VolunteerPage> {
    let mut tx = tenant.begin().await?;
    let row = scope::volunteer(&mut tx, &staff, id).await?;
    let form = VolunteerForm::from_row(&row);
    let page = volunteer_page(
        &mut tx,
        &staff,
        ctx,
        Some(row),
        form,
        FieldErrors::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn update_volunteer(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<VolunteerId>,
    Form(form): Form<VolunteerForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let row = scope::volunteer(&mut tx, &staff, id).await?;
    let sent = edit::sent_version(&form.version)?;
    let page = volunteer_page(
        &mut tx,
        &staff,
        PageCtx::from(rctx),
        Some(row.clone()),
        form.clone(),
        FieldErrors::default(),
    )
    .await?;
    let valid = validate(&form, Some(row.community_id));
    let street = user.street_id;
    let (mut tx, fields) = match edit::save(
        tx,
        page,
        sent,
        row.version,
        row.version,
        valid,
        |tx, version, fields| {
            Box::pin(async move { Ok(queries::update(tx, street, id, version, fields).await?) })
        },
    )
    .await?
    {
        Edited::Saved(tx, fields) => (tx, fields),
        Edited::Refused(page) => return Ok(page),
    };
    if fields.status != "active" && row.status == "active" {
        // A volunteer who pauses or leaves loses the phone pages at once: login off, sessions ended.
        let account = sqlx::query_scalar!(
            "UPDATE app_user SET disabled_at = coalesce(disabled_at, now()) WHERE street_id = $1 AND volunteer_id = $2 RETURNING id",
            user.street_id.0,
            id.0
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(account) = account {
            crate::auth::session::end_all(
                &mut tx,
                user.street_id,
                crate::domain::ids::UserId(account),
            )
            .await?;
        }
    }
    audit::record(
        &mut tx,
        "volunteer_updated",
        "volunteer",
        Some(id.0),
        &ip,
        json!({ "status": fields.status }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/volunteers/{id}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "users/password_shown.html")]
pub struct AccountCreatedPage {
    ctx: PageCtx,
    login: String,
    display_name: String,
    password: String,
    created: bool,
}

/// Give a volunteer a login (their mobile number), with a one-time password shown once.
pub async fn create_account(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<VolunteerId>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let row = scope::volunteer(&mut tx, &staff, id).await?;
    let taken: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM auth_user_by_login($1)) AS "e!""#,
        row.phone
    )
    .fetch_one(&mut *tx)
    .await?;
    if row.has_login || taken {
        let mut errors = FieldErrors::default();
        errors.add(
            "account",
            if row.has_login {
                "volunteer.error.has_login"
            } else {
                "user.error.login_taken"
            },
        );
        let form = VolunteerForm::from_row(&row);
        let page = volunteer_page(
            &mut tx,
            &staff,
            PageCtx::from(rctx),
            Some(row),
            form,
            errors,
        )
        .await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let one_time = password::generate_one_time();
    let hash = password::hash(one_time.clone()).await?;
    let account = UserId::new();
    sqlx::query!(
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, 'volunteer', $5, $6, $7, true)",
        user.street_id.0,
        account.0,
        row.phone,
        row.name,
        row.community_id,
        row.id,
        hash,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "user_created",
        "app_user",
        Some(account.0),
        &ip,
        json!({ "role": "volunteer", "volunteer": row.id }),
    )
    .await?;
    tx.commit().await?;
    Ok(AccountCreatedPage {
        ctx: PageCtx::from(rctx),
        login: row.phone,
        display_name: row.name,
        password: one_time,
        created: true,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/conduct.html")]
pub struct ConductPage {
    ctx: PageCtx,
    accepted: bool,
}

/// The code of conduct a volunteer accepts at first login (part of the safeguarding checklist).
pub async fn conduct_page(
    tenant: Tenant,
    ctx: PageCtx,
    volunteer: VolunteerUser,
) -> Result<ConductPage> {
    let _user = &volunteer.user;
    let mut tx = tenant.begin().await?;
    let accepted =
        queries::conduct_accepted(&mut tx, volunteer.user.street_id, volunteer.volunteer_id)
            .await?;
    tx.commit().await?;
    Ok(ConductPage { ctx, accepted })
}

pub async fn accept_conduct(
    tenant: Tenant,
    rctx: RequestContext,
    volunteer: VolunteerUser,
) -> Result<Redirect> {
    let user = &volunteer.user;
    let mut tx = tenant.begin().await?;
    sqlx::query!(
        "UPDATE volunteer SET conduct_accepted_at = coalesce(conduct_accepted_at, now()) WHERE street_id = $1 AND id = $2",
        user.street_id.0,
        volunteer.volunteer_id.0
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        "conduct_accepted",
        "volunteer",
        Some(volunteer.volunteer_id.0),
        &rctx.ip.to_string(),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to("/"))
}
