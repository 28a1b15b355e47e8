//! The year a compliance page or export is about.

use chrono::Datelike;
use serde::Deserialize;

use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The year asked for, between 2000 and this year (default: last year, the one being audited).
pub fn year_of(q: &YearQuery) -> Result<i32> {
    let this_year = today_in_china().year();
    match q.year {
        None => Ok(this_year - 1),
        Some(y) if (2000..=this_year).contains(&y) => Ok(y),
        Some(_) => Err(AppError::NotFound),
    }
}
