//! What the demo's builders share: the deterministic generator, Beijing-time moments, and who
//! is where (communities, children) as the small demo is made.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::domain::semester::china_offset;

/// A small deterministic generator (no randomness: the demo looks the same every time).
pub(super) struct Seq(pub(super) u64);

impl Seq {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub(super) fn chance(&mut self, percent: usize) -> bool {
        self.next(100) < percent
    }
}

/// A Beijing-time moment of a day, as stored.
pub(super) fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 0, 0)
        .and_then(|t| t.and_local_timezone(china_offset()).single())
        .expect("valid time")
        .with_timezone(&Utc)
}

pub(super) struct Kid {
    pub(super) id: Uuid,
    pub(super) community: usize,
    pub(super) created: NaiveDate,
    pub(super) closed: Option<NaiveDate>,
}

impl Kid {
    pub(super) fn active_on(&self, day: NaiveDate) -> bool {
        self.created <= day && self.closed.is_none_or(|c| c > day)
    }
}

pub(super) struct Community {
    pub(super) id: Uuid,
    pub(super) name: &'static str,
    pub(super) origin: NaiveDate,
    pub(super) staff: Uuid,
    pub(super) volunteers: Vec<Uuid>,
    /// The volunteer's login, where the volunteer has one: the author of their visits.
    pub(super) volunteer_login: Option<Uuid>,
}
