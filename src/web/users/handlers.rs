use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::db::{self as queries, Choice, NewUser, UserRow};
use crate::audit;
use crate::auth::Tenant;
use crate::auth::{StreetAdmin, password, session};
use crate::domain::ids::{CommunityId, UserId, VolunteerId};
use crate::domain::login::{Login, LoginError};
use crate::domain::role::Role;
use crate::error::{AppError, Result};
use crate::links;
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::{PathId, required_text};

use crate::domain::volunteer::VOLUNTEER_KINDS;

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
pub struct UsersPage {
    ctx: PageCtx,
    users: Vec<UserRow>,
}

impl UsersPage {
    /// The admin's own row has no disable or reset buttons.
    fn is_me(&self, id: &UserId) -> bool {
        self.ctx.user.as_ref().is_some_and(|me| me.user_id == *id)
    }
}

pub async fn list_users(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<UsersPage> {
    let mut tx = tenant.begin().await?;
    let users = queries::list(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    Ok(UsersPage { ctx, users })
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    community_id: String,
    #[serde(default)]
    volunteer_id: String,
    #[serde(default)]
    volunteer_kind: String,
}

#[derive(Debug, Default)]
pub struct UserErrors {
    login: Option<&'static str>,
    display_name: Option<&'static str>,
    role: Option<&'static str>,
    community_id: Option<&'static str>,
    volunteer_kind: Option<&'static str>,
}

impl UserErrors {
    fn any(&self) -> bool {
        self.login.is_some()
            || self.display_name.is_some()
            || self.role.is_some()
            || self.community_id.is_some()
            || self.volunteer_kind.is_some()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users/new.html")]
pub struct NewUserPage {
    ctx: PageCtx,
    form: UserForm,
    errors: UserErrors,
    communities: Vec<Choice>,
    volunteers: Vec<queries::VolunteerGroup>,
    roles: [&'static str; 3],
    kinds: [&'static str; 7],
}

async fn new_user_page(
    tenant: &Tenant,
    _state: &AppState,
    ctx: PageCtx,
    admin: &crate::auth::SessionUser,
    form: UserForm,
    errors: UserErrors,
) -> Result<NewUserPage> {
    let mut tx = tenant.begin().await?;
    let communities = queries::community_choices(&mut tx, admin.street_id).await?;
    let volunteers = queries::volunteer_choices(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    Ok(NewUserPage {
        ctx,
        form,
        errors,
        communities,
        volunteers,
        roles: [
            Role::CommunityStaff.key(),
            Role::Volunteer.key(),
            Role::StreetAdmin.key(),
        ],
        kinds: VOLUNTEER_KINDS,
    })
}

pub async fn new_user_form(
    tenant: Tenant,
    State(state): State<AppState>,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<NewUserPage> {
    new_user_page(
        &tenant,
        &state,
        ctx,
        &admin,
        UserForm::default(),
        UserErrors::default(),
    )
    .await
}

#[derive(Template, WebTemplate)]
#[template(path = "users/password_shown.html")]
pub struct OneTimePasswordPage {
    ctx: PageCtx,
    login: String,
    display_name: String,
    password: String,
    created: bool,
}

pub async fn create_user(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Form(form): Form<UserForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let ctx = PageCtx::from(rctx);
    let street = admin.street_id;
    let mut errors = UserErrors::default();
    let mut tx = tenant.begin().await?;

    let login = match Login::parse(&form.login) {
        Ok(login) => {
            if queries::login_taken(&mut tx, login.as_str()).await? {
                errors.login = Some("user.error.login_taken");
            }
            Some(login)
        }
        Err(LoginError::Empty) => {
            errors.login = Some("form.error.required");
            None
        }
        Err(LoginError::Invalid) => {
            errors.login = Some("user.error.login_invalid");
            None
        }
    };
    let display_name = required_text(&form.display_name, 50)
        .map_err(|e| errors.display_name = Some(e))
        .ok();
    let role = Role::from_key(&form.role);
    if role.is_none() {
        errors.role = Some("form.error.required");
    }
    let community = match form.community_id.parse::<CommunityId>() {
        Ok(id) if queries::community_exists(&mut tx, street, id).await? => Some(id),
        _ => None,
    };
    let mut volunteer = None;
    match role {
        Some(Role::CommunityStaff) if community.is_none() => {
            errors.community_id = Some("user.error.community_required")
        }
        Some(Role::Volunteer) => {
            if let Ok(id) = form.volunteer_id.parse::<VolunteerId>() {
                match queries::free_volunteer_community(&mut tx, street, id).await? {
                    // A volunteer of another community than the one chosen is refused, not
                    // moved over silently.
                    Some(c) if community.is_some_and(|chosen| chosen != c) => {
                        errors.community_id = Some("user.error.volunteer_other_community")
                    }
                    Some(c) => volunteer = Some((id, c)),
                    None => errors.community_id = Some("user.error.volunteer_taken"),
                }
            } else {
                if community.is_none() {
                    errors.community_id = Some("user.error.community_required");
                }
                if !VOLUNTEER_KINDS.contains(&form.volunteer_kind.as_str()) {
                    errors.volunteer_kind = Some("form.error.required");
                }
            }
        }
        _ => {}
    }

    let (Some(login), Some(display_name), Some(role)) = (login, display_name, role) else {
        tx.commit().await?;
        let page = new_user_page(&tenant, &state, ctx, &admin, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if errors.any() {
        tx.commit().await?;
        let page = new_user_page(&tenant, &state, ctx, &admin, form, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }

    let (community, volunteer) = match role {
        Role::StreetAdmin => (None, None),
        Role::CommunityStaff => (community, None),
        Role::Volunteer => match volunteer {
            Some((id, c)) => (Some(c), Some(id)),
            None => {
                let c = community.ok_or(AppError::BadRequest)?;
                let phone = if login.is_phone() { login.as_str() } else { "" };
                let id = queries::insert_volunteer(
                    &mut tx,
                    street,
                    c,
                    &display_name,
                    phone,
                    &form.volunteer_kind,
                )
                .await?;
                (Some(c), Some(id))
            }
        },
    };
    let one_time = password::generate_one_time();
    let hash = password::hash(one_time.clone()).await?;
    let id = UserId::new();
    let new_user = NewUser {
        id,
        login: login.as_str(),
        display_name: &display_name,
        role,
        community,
        volunteer,
        password_hash: &hash,
    };
    queries::insert(&mut tx, street, &new_user).await?;
    audit::record(
        &mut tx,
        "user_created",
        "app_user",
        Some(id.0),
        &ip,
        json!({ "role": role.key() }),
    )
    .await?;
    tx.commit().await?;
    Ok(OneTimePasswordPage {
        ctx,
        login: login.to_string(),
        display_name,
        password: one_time,
        created: true,
    }
    .into_response())
}

async fn account_action(
    tenant: &Tenant,
    _state: &AppState,
    rctx: RequestContext,
    admin: &crate::auth::SessionUser,
    id: UserId,
    action: Action,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let street = admin.street_id;
    let mut tx = tenant.begin().await?;
    let (login, display_name) = queries::find(&mut tx, street, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if id == admin.user_id && action != Action::Enable {
        // An admin cannot lock themselves out or reset their own password from here.
        return Err(AppError::BadRequest);
    }
    let response = match action {
        Action::Disable => {
            queries::set_disabled(&mut tx, street, id, true).await?;
            session::end_all(&mut tx, street, id).await?;
            audit::record(
                &mut tx,
                "user_disabled",
                "app_user",
                Some(id.0),
                &ip,
                json!({}),
            )
            .await?;
            Redirect::to(links::users::USERS).into_response()
        }
        Action::Enable => {
            queries::set_disabled(&mut tx, street, id, false).await?;
            audit::record(
                &mut tx,
                "user_enabled",
                "app_user",
                Some(id.0),
                &ip,
                json!({}),
            )
            .await?;
            Redirect::to(links::users::USERS).into_response()
        }
        Action::ResetPassword => {
            let one_time = password::generate_one_time();
            let hash = password::hash(one_time.clone()).await?;
            queries::set_one_time_password(&mut tx, street, id, &hash).await?;
            session::end_all(&mut tx, street, id).await?;
            audit::record(
                &mut tx,
                "password_reset",
                "app_user",
                Some(id.0),
                &ip,
                json!({}),
            )
            .await?;
            OneTimePasswordPage {
                ctx: PageCtx::from(rctx),
                login,
                display_name,
                password: one_time,
                created: false,
            }
            .into_response()
        }
    };
    tx.commit().await?;
    Ok(response)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Disable,
    Enable,
    ResetPassword,
}

pub async fn disable_user(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, &state, rctx, &admin, id, Action::Disable).await
}

pub async fn enable_user(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, &state, rctx, &admin, id, Action::Enable).await
}

pub async fn reset_password(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, &state, rctx, &admin, id, Action::ResetPassword).await
}
