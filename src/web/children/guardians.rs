//! Guardians and parents on the child's page: add, edit, remove.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::db::GuardianRow;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::child::Relation;
use crate::domain::ids::{ChildId, StreetId, UserId};
use crate::error::{AppError, Result};
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, optional_past_date, optional_phone, optional_text, ticked};
use crate::web::scope;
use crate::web::{PathId, PathIds, required_text};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GuardianForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    pub is_parent_away: Option<String>,
    #[serde(default)]
    pub work_place: String,
    #[serde(default)]
    pub family_phone: String,
    #[serde(default)]
    pub return_frequency: String,
    pub is_entrusted: Option<String>,
    #[serde(default)]
    pub agreement_signed_on: String,
    #[serde(default)]
    pub version: String,
}

impl GuardianForm {
    fn from_row(g: &GuardianRow) -> GuardianForm {
        GuardianForm {
            name: g.name.clone(),
            relation: g.relation.key().to_string(),
            phone: g.phone.clone(),
            address: g.address.clone(),
            is_parent_away: g.is_parent_away.then(|| "on".to_string()),
            work_place: g.work_place.clone(),
            family_phone: g.family_phone.clone(),
            return_frequency: g.return_frequency.clone(),
            is_entrusted: g.is_entrusted.then(|| "on".to_string()),
            agreement_signed_on: g
                .agreement_signed_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            version: g.version.to_string(),
        }
    }

    pub fn parent_away(&self) -> bool {
        ticked(&self.is_parent_away)
    }

    pub fn entrusted(&self) -> bool {
        ticked(&self.is_entrusted)
    }
}

struct GuardianFields {
    name: String,
    relation: Relation,
    phone: String,
    address: String,
    is_parent_away: bool,
    work_place: String,
    family_phone: String,
    return_frequency: String,
    is_entrusted: bool,
    agreement_signed_on: Option<NaiveDate>,
}

fn validate(form: &GuardianForm) -> Result<GuardianFields, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&form.name, 50)
        .map_err(|k| e.add("name", k))
        .ok();
    let relation = Relation::from_key(&form.relation);
    if relation.is_none() {
        e.add("relation", "form.error.required");
    }
    let phone = optional_phone(&mut e, "phone", &form.phone);
    let family_phone = optional_phone(&mut e, "family_phone", &form.family_phone);
    let address = optional_text(&mut e, "address", &form.address, 200);
    let work_place = optional_text(&mut e, "work_place", &form.work_place, 100);
    let return_frequency = optional_text(&mut e, "return_frequency", &form.return_frequency, 50);
    let agreement_signed_on =
        optional_past_date(&mut e, "agreement_signed_on", &form.agreement_signed_on);
    if form.parent_away() && work_place.is_empty() {
        e.add("work_place", "guardian.error.work_place_required");
    }
    match (name, relation) {
        (Some(name), Some(relation)) if e.is_empty() => Ok(GuardianFields {
            name,
            relation,
            phone,
            address,
            is_parent_away: form.parent_away(),
            work_place,
            family_phone,
            return_frequency,
            is_entrusted: form.entrusted(),
            agreement_signed_on,
        }),
        _ => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "children/guardian_form.html")]
pub struct GuardianPage {
    ctx: PageCtx,
    child_id: Uuid,
    child_name: String,
    guardian_id: Option<Uuid>,
    form: GuardianForm,
    errors: FieldErrors,
    relations: Vec<&'static str>,
    conflict: bool,
}

impl GuardianPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

pub async fn new_guardian_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
) -> Result<GuardianPage> {
    let _user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    // The form names the child: a read of the file, like the edit form.
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({ "form": "guardian" }),
    )
    .await?;
    tx.commit().await?;
    Ok(GuardianPage {
        ctx: PageCtx::from(rctx),
        child_id: child.id,
        child_name: child.name,
        guardian_id: None,
        form: GuardianForm::default(),
        errors: FieldErrors::default(),
        relations: Relation::keys(),
        conflict: false,
    })
}

pub async fn create_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<GuardianForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let fields = match validate(&form) {
        Ok(f) => f,
        Err(errors) => {
            tx.commit().await?;
            let page = GuardianPage {
                ctx: PageCtx::from(rctx),
                child_id: child.id,
                child_name: child.name,
                guardian_id: None,
                form,
                errors,
                relations: Relation::keys(),
                conflict: false,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let guardian = Uuid::now_v7();
    insert(&mut tx, user.street_id, id, guardian, &fields, user.user_id).await?;
    audit::record(
        &mut tx,
        "guardian_added",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian, "relation": fields.relation }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#guardians")).into_response())
}

pub async fn edit_guardian_form(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, Uuid>,
) -> Result<GuardianPage> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let rows = super::db::guardians(&mut tx, user.street_id, id).await?;
    let row = rows
        .iter()
        .find(|g| g.id == guardian)
        .ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        "child_viewed",
        "child",
        Some(id.0),
        &rctx.ip.to_string(),
        json!({ "form": "guardian" }),
    )
    .await?;
    tx.commit().await?;
    Ok(GuardianPage {
        ctx: PageCtx::from(rctx),
        child_id: child.id,
        child_name: child.name,
        guardian_id: Some(guardian),
        form: GuardianForm::from_row(row),
        errors: FieldErrors::default(),
        relations: Relation::keys(),
        conflict: false,
    })
}

pub async fn update_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, Uuid>,
    Form(form): Form<GuardianForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = scope::staff_child(&mut tx, &staff, id).await?;
    let rows = super::db::guardians(&mut tx, user.street_id, id).await?;
    let current = rows
        .iter()
        .find(|g| g.id == guardian)
        .ok_or(AppError::NotFound)?;
    let version: i32 = form
        .version
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let page = |form: GuardianForm, errors: FieldErrors, conflict: bool| GuardianPage {
        ctx: PageCtx::from(rctx.clone()),
        child_id: child.id,
        child_name: child.name.clone(),
        guardian_id: Some(guardian),
        form,
        errors,
        relations: Relation::keys(),
        conflict,
    };
    let fields = match validate(&form) {
        Ok(f) => f,
        Err(errors) => {
            tx.commit().await?;
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, page(form, errors, false)).into_response(),
            );
        }
    };
    if version != current.version
        || !update(
            &mut tx,
            user.street_id,
            id,
            guardian,
            version,
            &fields,
            user.user_id,
        )
        .await?
    {
        // Stale: keep the typed values, take the newer version, say so.
        tx.commit().await?;
        let mut form = form;
        form.version = current.version.to_string();
        return Ok((
            StatusCode::CONFLICT,
            page(form, FieldErrors::default(), true),
        )
            .into_response());
    }
    audit::record(
        &mut tx,
        "guardian_updated",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#guardians")).into_response())
}

pub async fn delete_guardian(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(id, guardian): PathIds<ChildId, Uuid>,
) -> Result<Redirect> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    scope::staff_child(&mut tx, &staff, id).await?;
    let done = sqlx::query!(
        "DELETE FROM guardian WHERE street_id = $1 AND child_id = $2 AND id = $3",
        user.street_id.0,
        id.0,
        guardian
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        "guardian_removed",
        "child",
        Some(id.0),
        &ip,
        json!({ "guardian": guardian }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#guardians")))
}

async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: Uuid,
    f: &GuardianFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, address, is_parent_away, work_place,
             family_phone, return_frequency, is_entrusted, agreement_signed_on, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        street.0,
        id,
        child.0,
        f.name,
        f.relation as Relation,
        f.phone,
        f.address,
        f.is_parent_away,
        f.work_place,
        f.family_phone,
        f.return_frequency,
        f.is_entrusted,
        f.agreement_signed_on,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save an edit made on `version`; false when someone else saved first.
async fn update(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    id: Uuid,
    version: i32,
    f: &GuardianFields,
    by: UserId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE guardian SET name = $5, relation = $6, phone = $7, address = $8, is_parent_away = $9, work_place = $10,
             family_phone = $11, return_frequency = $12, is_entrusted = $13, agreement_signed_on = $14, updated_by = $15,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2 AND id = $3 AND version = $4",
        street.0,
        child.0,
        id,
        version,
        f.name,
        f.relation as Relation,
        f.phone,
        f.address,
        f.is_parent_away,
        f.work_place,
        f.family_phone,
        f.return_frequency,
        f.is_entrusted,
        f.agreement_signed_on,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
