//! Accounts: the list, creating staff and volunteer logins, disabling and enabling them, and
//! resetting a password.

use axum::Form;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::db::{self as queries, NewUser};
use super::forms::{UserErrors, UserForm};
use super::view::{NewUserPage, OneTimePasswordPage, UsersPage, new_user_page};
use crate::audit;
use crate::auth::{SessionUser, StreetAdmin, Tenant, password, session};
use crate::domain::ids::{CommunityId, UserId, VolunteerId};
use crate::domain::login::{Login, LoginError};
use crate::domain::role::Role;
use crate::domain::volunteer::VOLUNTEER_KINDS;
use crate::error::{AppError, Result};
use crate::links;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::{PathId, required_text};

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

pub async fn new_user_form(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
) -> Result<NewUserPage> {
    let mut tx = tenant.begin().await?;
    let page = new_user_page(
        &mut tx,
        admin.street_id,
        ctx,
        UserForm::default(),
        UserErrors::default(),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

pub async fn create_user(
    tenant: Tenant,
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
        let page = new_user_page(&mut tx, street, ctx, form, errors).await?;
        tx.commit().await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if errors.any() {
        let page = new_user_page(&mut tx, street, ctx, form, errors).await?;
        tx.commit().await?;
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
    rctx: RequestContext,
    admin: &SessionUser,
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
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, rctx, &admin, id, Action::Disable).await
}

pub async fn enable_user(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, rctx, &admin, id, Action::Enable).await
}

pub async fn reset_password(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    PathId(id): PathId<UserId>,
) -> Result<Response> {
    account_action(&tenant, rctx, &admin, id, Action::ResetPassword).await
}
