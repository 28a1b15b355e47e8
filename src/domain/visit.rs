//! Visits: their closed list of kinds, and the one rule for a visit's date that every path
//! (the phone, the staff page, the API with a session or a token) applies.

use chrono::{Duration, NaiveDate};

/// Visits' closed list (Postgres enum `visit_kind`), in report order; labels are
/// `visit.kind.<key>`.
pub const VISIT_KINDS: [&str; 8] = [
    "home_visit",
    "talk",
    "teacher_contact",
    "guardian_contact",
    "letter",
    "parent_call",
    "tutoring",
    "aid_delivery",
];

/// How late a visit may be written down: at most a year after it happened.
pub const OLDEST_DAYS: i64 = 365;

/// The days a pairing ran: from its start, to its end if it has ended.
#[derive(Debug, Clone, Copy)]
pub struct PairingSpan {
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// What is wrong with a visit's date, as a catalog key (`visit.error.<key>`): after today (in
/// China), more than a year ago, or outside the pairing it counts for.
pub fn date_problem(
    on: NaiveDate,
    today: NaiveDate,
    pairing: Option<PairingSpan>,
) -> Option<&'static str> {
    if on > today {
        Some("visit.error.date_future")
    } else if on < today - Duration::days(OLDEST_DAYS) {
        Some("visit.error.too_old")
    } else if let Some(p) = pairing {
        if on < p.started_on {
            Some("visit.error.before_pairing")
        } else if p.ended_on.is_some_and(|end| on > end) {
            Some("visit.error.after_pairing")
        } else {
            None
        }
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_date_is_within_the_last_year_and_the_pairing() {
        let today = day("2026-12-05");
        let span = PairingSpan {
            started_on: day("2026-09-01"),
            ended_on: Some(day("2026-11-30")),
        };
        assert_eq!(date_problem(today, today, None), None);
        assert_eq!(
            date_problem(day("2026-12-06"), today, None),
            Some("visit.error.date_future")
        );
        assert_eq!(date_problem(day("2025-12-05"), today, None), None);
        assert_eq!(
            date_problem(day("2025-12-04"), today, None),
            Some("visit.error.too_old")
        );
        assert_eq!(
            date_problem(day("0001-01-01"), today, None),
            Some("visit.error.too_old")
        );
        assert_eq!(
            date_problem(day("2026-08-31"), today, Some(span)),
            Some("visit.error.before_pairing")
        );
        assert_eq!(date_problem(day("2026-11-30"), today, Some(span)), None);
        assert_eq!(
            date_problem(day("2026-12-01"), today, Some(span)),
            Some("visit.error.after_pairing")
        );
    }
}
