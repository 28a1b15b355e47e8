//! The account pages: the list, the new-account form, and a one-time password shown once.

use askama::Template;
use askama_web::WebTemplate;

use super::db::{self as queries, Choice, UserRow, VolunteerGroup};
use super::forms::{UserErrors, UserForm};
use crate::db::Tx;
use crate::domain::ids::{StreetId, UserId};
use crate::domain::role::Role;
use crate::domain::volunteer::VOLUNTEER_KINDS;
use crate::error::Result;
use crate::web::context::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
pub struct UsersPage {
    pub ctx: PageCtx,
    pub users: Vec<UserRow>,
}

impl UsersPage {
    /// The admin's own row has no disable or reset buttons.
    fn is_me(&self, id: &UserId) -> bool {
        self.ctx.user.as_ref().is_some_and(|me| me.user_id == *id)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users/new.html")]
pub struct NewUserPage {
    ctx: PageCtx,
    form: UserForm,
    errors: UserErrors,
    communities: Vec<Choice>,
    volunteers: Vec<VolunteerGroup>,
    roles: [&'static str; 3],
    kinds: [&'static str; 7],
}

pub async fn new_user_page(
    tx: &mut Tx,
    street: StreetId,
    ctx: PageCtx,
    form: UserForm,
    errors: UserErrors,
) -> Result<NewUserPage> {
    Ok(NewUserPage {
        ctx,
        form,
        errors,
        communities: queries::community_choices(tx, street).await?,
        volunteers: queries::volunteer_choices(tx, street).await?,
        roles: [
            Role::CommunityStaff.key(),
            Role::Volunteer.key(),
            Role::StreetAdmin.key(),
        ],
        kinds: VOLUNTEER_KINDS,
    })
}

/// A new login, or a reset password, shown this once.
#[derive(Template, WebTemplate)]
#[template(path = "users/password_shown.html")]
pub struct OneTimePasswordPage {
    pub ctx: PageCtx,
    pub login: String,
    pub display_name: String,
    pub password: String,
    /// A new account (or else a reset).
    pub created: bool,
}
