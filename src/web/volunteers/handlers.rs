//! Volunteers: the list, registering and editing one, giving them a login, and the code of
//! conduct they accept.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db as queries;
use super::forms::{VolunteerForm, validate};
use super::view::{ConductPage, VolunteerPage, VolunteersPage, volunteer_page, volunteers_page};
use crate::audit;
use crate::auth::extract::VolunteerUser;
use crate::auth::{Staff, Tenant, password};
use crate::domain::ids::{UserId, VolunteerId};
use crate::error::Result;
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::edit::{self, EditPage, Edited};
use crate::web::forms::FieldErrors;
use crate::web::users::db::login_taken;
use crate::web::users::view::OneTimePasswordPage;
use crate::web::{PathId, scope};

pub async fn list_volunteers(tenant: Tenant, ctx: PageCtx, staff: Staff) -> Result<VolunteersPage> {
    let mut tx = tenant.begin().await?;
    let page = volunteers_page(&mut tx, &staff, ctx).await?;
    tx.commit().await?;
    Ok(page)
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
    match validate(&form, form.community(&staff, &page.communities)) {
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
            Ok(Redirect::to(&links::volunteers::volunteer(id)).into_response())
        }
        Err(errors) => {
            tx.commit().await?;
            page.show_errors(errors);
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
    let valid = validate(&form, Some(row.community_id.into()));
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
        if let Some(account) = queries::disable_login(&mut tx, street, id).await? {
            crate::auth::session::end_all(&mut tx, street, account).await?;
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
    Ok(Redirect::to(&links::volunteers::volunteer(id)).into_response())
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
    let taken = login_taken(&mut tx, &row.phone).await?;
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
    queries::insert_login(&mut tx, user.street_id, account, &row, &hash).await?;
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
    Ok(OneTimePasswordPage {
        ctx: PageCtx::from(rctx),
        login: row.phone,
        display_name: row.name,
        password: one_time,
        created: true,
    }
    .into_response())
}

/// The code of conduct a volunteer accepts at first login (part of the safeguarding checklist).
pub async fn conduct_page(
    tenant: Tenant,
    ctx: PageCtx,
    volunteer: VolunteerUser,
) -> Result<ConductPage> {
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
    queries::accept_conduct(&mut tx, user.street_id, volunteer.volunteer_id).await?;
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
    Ok(Redirect::to(links::HOME))
}
