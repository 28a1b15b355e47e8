//! The sign-in, password, code and security pages.

use askama::Template;
use askama_web::WebTemplate;

use crate::web::context::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "account/login.html")]
pub struct LoginPage {
    pub ctx: PageCtx,
    pub login: String,
    pub next: String,
    pub error: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    pub ctx: PageCtx,
    pub forced: bool,
    pub errors: PasswordErrors,
}

#[derive(Debug, Default)]
pub struct PasswordErrors {
    pub current: Option<&'static str>,
    pub new: Option<&'static str>,
    pub confirm: Option<&'static str>,
}

/// The authenticator code after the password.
#[derive(Template, WebTemplate)]
#[template(path = "account/totp_login.html")]
pub struct CodePage {
    pub ctx: PageCtx,
    pub next: String,
    pub error: Option<&'static str>,
}

/// The account's sign-in security: enrol an authenticator, new recovery codes, remove it.
#[derive(Template, WebTemplate)]
#[template(path = "account/totp.html")]
pub struct SecurityPage {
    pub ctx: PageCtx,
    pub enabled: bool,
    pub required: bool,
    pub recovery_left: i64,
    /// While enrolling: the QR code (inline SVG) and the secret for typing in by hand.
    pub qr_svg: String,
    pub secret_text: String,
    /// Shown once, right after enrolment or regeneration.
    pub recovery_codes: Vec<String>,
    pub error: Option<&'static str>,
    pub notice: Option<&'static str>,
}

impl SecurityPage {
    /// The secret in groups of four, easier to type.
    pub fn secret_groups(&self) -> String {
        self.secret_text
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
