//! The aid totals page.

use askama::Template;
use askama_web::WebTemplate;

use super::db::AidTotal;
use crate::domain::money::format_yuan;
use crate::web::context::PageCtx;

#[derive(Template, WebTemplate)]
#[template(path = "activities/aid.html")]
pub struct AidPage {
    pub ctx: PageCtx,
    pub year: i32,
    pub totals: Vec<AidTotal>,
    pub total_fen: i64,
    pub total_count: i64,
}

impl AidPage {
    /// A quarter of the page's year as people name it (2026年第三季度).
    fn quarter_label(&self, number: &i32) -> String {
        crate::domain::semester::Quarter {
            year: self.year,
            number: (*number).clamp(1, 4) as u32,
        }
        .label(self.ctx.lang)
    }
    fn yuan(&self, fen: &i64) -> String {
        format_yuan(*fen)
    }
}
