//! The five duties (五个一) a pairing owes its child each semester, and the monthly talk.
//!
//! A duty is fulfilled by a visit of its kind dated inside the semester (or, from the activities
//! issue on, by an activity credited to it). Its state on a given day: done, open, due soon (the
//! last 30 days of the semester) or missed (the semester is over).

/// A pairing with no visit for this many days is flagged as inactive.
pub const INACTIVE_DAYS: i64 = 30;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::semester::Semester;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type,
)]
#[sqlx(type_name = "duty", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    HomeVisit,
    Talk,
    TeacherContact,
    GuardianContact,
    Letter,
}

impl Duty {
    pub const ALL: [Duty; 5] = [
        Duty::HomeVisit,
        Duty::Talk,
        Duty::TeacherContact,
        Duty::GuardianContact,
        Duty::Letter,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Duty::HomeVisit => "home_visit",
            Duty::Talk => "talk",
            Duty::TeacherContact => "teacher_contact",
            Duty::GuardianContact => "guardian_contact",
            Duty::Letter => "letter",
        }
    }

    /// The duty a visit of this kind fulfils (visit kinds share the duty keys).
    pub fn from_visit_kind(kind: &str) -> Option<Duty> {
        Duty::ALL.into_iter().find(|d| d.key() == kind)
    }

    pub fn label_key(self) -> String {
        format!("duty.{}", self.key())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DutyState {
    /// Most urgent first when sorted.
    Missed,
    DueSoon,
    Open,
    Done,
}

impl DutyState {
    pub fn key(self) -> &'static str {
        match self {
            DutyState::Done => "done",
            DutyState::Open => "open",
            DutyState::DueSoon => "due_soon",
            DutyState::Missed => "missed",
        }
    }
}

/// Something that fulfilled a duty: a visit, or a credited activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fulfilment {
    pub duty: Duty,
    pub on: NaiveDate,
    pub visit_id: Option<Uuid>,
    pub activity_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyStatus {
    pub duty: Duty,
    pub state: DutyState,
    /// The earliest fulfilment in the semester, when done.
    pub by: Option<Fulfilment>,
}

/// Days before the semester's end when an open duty becomes "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

/// The state of each of the five duties of a pairing in `semester`, seen on `today`.
pub fn duty_statuses(
    semester: Semester,
    fulfilments: &[Fulfilment],
    today: NaiveDate,
) -> Vec<DutyStatus> {
    Duty::ALL
        .into_iter()
        .map(|duty| {
            let by = fulfilments
                .iter()
                .filter(|f| f.duty == duty && semester.contains(f.on))
                .min_by_key(|f| f.on)
                .cloned();
            let state = if by.is_some() {
                DutyState::Done
            } else if today > semester.end() {
                DutyState::Missed
            } else if today > semester.end() - Duration::days(DUE_SOON_DAYS) {
                DutyState::DueSoon
            } else {
                DutyState::Open
            };
            DutyStatus { duty, state, by }
        })
        .collect()
}

/// The months of the semester, up to `today` and within the pairing, that had no talk.
/// The current month counts only once it is over.
pub fn months_without_talk(
    semester: Semester,
    pairing_start: NaiveDate,
    pairing_end: Option<NaiveDate>,
    talks: &[NaiveDate],
    today: NaiveDate,
) -> Vec<(i32, u32)> {
    let mut months = Vec::new();
    let mut month = NaiveDate::from_ymd_opt(semester.start().year(), semester.start().month(), 1)
        .expect("valid date");
    while month <= semester.end() {
        let next = if month.month() == 12 {
            NaiveDate::from_ymd_opt(month.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(month.year(), month.month() + 1, 1)
        }
        .expect("valid date");
        let last_day = next - Duration::days(1);
        let over = last_day < today;
        let paired_all_month =
            pairing_start <= month && pairing_end.is_none_or(|end| end >= last_day);
        if over && paired_all_month && !talks.iter().any(|t| *t >= month && *t <= last_day) {
            months.push((month.year(), month.month()));
        }
        month = next;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::semester::Term;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn visit(duty: Duty, on: NaiveDate) -> Fulfilment {
        Fulfilment {
            duty,
            on,
            visit_id: Some(Uuid::now_v7()),
            activity_id: None,
        }
    }

    fn state(statuses: &[DutyStatus], duty: Duty) -> DutyState {
        statuses.iter().find(|s| s.duty == duty).unwrap().state
    }

    #[test]
    fn a_visit_on_31_january_counts_for_autumn_not_spring() {
        let autumn = Semester {
            year: 2025,
            term: Term::Autumn,
        };
        let spring = Semester {
            year: 2026,
            term: Term::Spring,
        };
        let visits = [
            visit(Duty::HomeVisit, d(2026, 1, 31)),
            visit(Duty::Talk, d(2026, 2, 1)),
        ];
        let a = duty_statuses(autumn, &visits, d(2026, 2, 10));
        assert_eq!(state(&a, Duty::HomeVisit), DutyState::Done);
        assert_eq!(
            state(&a, Duty::Talk),
            DutyState::Missed,
            "1 Feb belongs to spring"
        );
        let s = duty_statuses(spring, &visits, d(2026, 2, 10));
        assert_eq!(state(&s, Duty::HomeVisit), DutyState::Open);
        assert_eq!(state(&s, Duty::Talk), DutyState::Done);
    }

    #[test]
    fn a_visit_on_31_july_counts_for_spring_and_1_august_for_autumn() {
        let spring = Semester {
            year: 2026,
            term: Term::Spring,
        };
        let autumn = Semester {
            year: 2026,
            term: Term::Autumn,
        };
        let visits = [
            visit(Duty::Letter, d(2026, 7, 31)),
            visit(Duty::TeacherContact, d(2026, 8, 1)),
        ];
        let s = duty_statuses(spring, &visits, d(2026, 7, 31));
        assert_eq!(state(&s, Duty::Letter), DutyState::Done);
        assert_eq!(state(&s, Duty::TeacherContact), DutyState::DueSoon);
        let a = duty_statuses(autumn, &visits, d(2026, 8, 1));
        assert_eq!(state(&a, Duty::Letter), DutyState::Open);
        assert_eq!(state(&a, Duty::TeacherContact), DutyState::Done);
    }

    #[test]
    fn open_then_due_soon_then_missed() {
        let spring = Semester {
            year: 2026,
            term: Term::Spring,
        };
        assert_eq!(
            state(&duty_statuses(spring, &[], d(2026, 7, 1)), Duty::Talk),
            DutyState::Open
        );
        assert_eq!(
            state(&duty_statuses(spring, &[], d(2026, 7, 2)), Duty::Talk),
            DutyState::DueSoon
        );
        assert_eq!(
            state(&duty_statuses(spring, &[], d(2026, 7, 31)), Duty::Talk),
            DutyState::DueSoon
        );
        assert_eq!(
            state(&duty_statuses(spring, &[], d(2026, 8, 1)), Duty::Talk),
            DutyState::Missed
        );
    }

    #[test]
    fn the_earliest_fulfilment_is_shown() {
        let spring = Semester {
            year: 2026,
            term: Term::Spring,
        };
        let first = visit(Duty::HomeVisit, d(2026, 3, 1));
        let statuses = duty_statuses(
            spring,
            &[visit(Duty::HomeVisit, d(2026, 5, 1)), first.clone()],
            d(2026, 6, 1),
        );
        assert_eq!(statuses[0].by.as_ref(), Some(&first));
        assert!(
            DutyState::Missed < DutyState::DueSoon && DutyState::DueSoon < DutyState::Open,
            "urgent first"
        );
    }

    #[test]
    fn months_without_a_talk() {
        let autumn = Semester {
            year: 2026,
            term: Term::Autumn,
        };
        let talks = [d(2026, 8, 20), d(2026, 10, 1)];
        // Seen on 15 Nov: Aug and Oct had talks, Sep did not, Nov is not over.
        assert_eq!(
            months_without_talk(autumn, d(2026, 8, 1), None, &talks, d(2026, 11, 15)),
            vec![(2026, 9)]
        );
        // Paired from mid-September: September is not owed.
        assert!(
            months_without_talk(autumn, d(2026, 9, 15), None, &talks, d(2026, 11, 15)).is_empty()
        );
        // Across the year end, after the semester.
        let missing = months_without_talk(autumn, d(2026, 8, 1), None, &talks, d(2027, 3, 1));
        assert_eq!(missing, vec![(2026, 9), (2026, 11), (2026, 12), (2027, 1)]);
        // Ended in November: November and later are not owed.
        assert_eq!(
            months_without_talk(
                autumn,
                d(2026, 8, 1),
                Some(d(2026, 11, 10)),
                &talks,
                d(2027, 3, 1)
            ),
            vec![(2026, 9)]
        );
    }
}
