//! The visit form, shared by the volunteer's phone page and the staff page (and the API's
//! visits), the comment and follow-up forms.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::domain::ids::{ChildId, VisitId};
use crate::domain::semester::today_in_china;
pub use crate::domain::visit::VISIT_KINDS;
use crate::domain::visit::{PairingSpan, date_problem};
use crate::web::forms::{FieldErrors, optional_date, optional_text, required_date};

/// The four things a visit observes, each on a five-step scale (`visit.score.<key>`).
pub const SCORES: [&str; 4] = ["study", "life", "health", "mood"];

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitForm {
    /// Made when the form was drawn (or on the phone): the visit is accepted once under it.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub child_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub visited_on: String,
    #[serde(default)]
    pub duration_minutes: String,
    #[serde(default)]
    pub study: String,
    #[serde(default)]
    pub life: String,
    #[serde(default)]
    pub health: String,
    #[serde(default)]
    pub mood: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub needs: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub follow_up_due: String,
    /// `sibling_<child id>=on`: the same visit also covers these children.
    #[serde(flatten)]
    pub rest: HashMap<String, String>,
}

impl VisitForm {
    pub fn blank(child: ChildId, today: NaiveDate) -> VisitForm {
        VisitForm {
            id: VisitId::new().to_string(),
            child_id: child.to_string(),
            visited_on: today.to_string(),
            duration_minutes: "30".to_string(),
            ..VisitForm::default()
        }
    }

    pub fn score(&self, name: &str) -> &str {
        match name {
            "study" => &self.study,
            "life" => &self.life,
            "health" => &self.health,
            "mood" => &self.mood,
            _ => "",
        }
    }

    /// The child the visit is for, if the form names one.
    pub fn child(&self) -> Option<ChildId> {
        self.child_id.parse().ok()
    }

    pub fn siblings(&self) -> Vec<ChildId> {
        self.rest
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("sibling_")
                    .filter(|_| !v.is_empty())
                    .and_then(|id| id.parse().ok())
            })
            .collect()
    }

    pub fn has_sibling(&self, id: &ChildId) -> bool {
        self.siblings().contains(id)
    }
}

/// A validated visit.
#[derive(Debug, Clone)]
pub struct VisitInput {
    pub id: VisitId,
    pub kind: String,
    pub visited_on: NaiveDate,
    pub duration_minutes: i32,
    pub scores: [Option<i16>; 4],
    pub notes: String,
    pub needs: String,
    pub follow_up: Option<(String, NaiveDate)>,
}

pub fn validate(form: &VisitForm) -> Result<VisitInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let id = form.id.parse::<VisitId>();
    if id.is_err() {
        e.add("kind", "form.error.expired");
    }
    if !VISIT_KINDS.contains(&form.kind.as_str()) {
        e.add("kind", "form.error.required");
    }
    let visited_on = required_date(&mut e, "visited_on", &form.visited_on).filter(|on| {
        match date_problem(*on, today_in_china(), None) {
            Some(key) => {
                e.add("visited_on", key);
                false
            }
            None => true,
        }
    });
    let duration = form.duration_minutes.trim();
    let duration_minutes = if duration.is_empty() {
        Some(0)
    } else {
        duration
            .parse::<i32>()
            .ok()
            .filter(|m| (0..=1440).contains(m))
    };
    if duration_minutes.is_none() {
        e.add("duration_minutes", "visit.error.duration");
    }
    let mut scores = [None; 4];
    for (i, name) in SCORES.iter().enumerate() {
        let raw = form.score(name).trim();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i16>().ok().filter(|s| (1..=5).contains(s)) {
            Some(s) => scores[i] = Some(s),
            None => e.add(name, "visit.error.score"),
        }
    }
    let notes = optional_text(&mut e, "notes", &form.notes, 2000);
    let needs = optional_text(&mut e, "needs", &form.needs, 1000);
    let follow_up_text = optional_text(&mut e, "follow_up", &form.follow_up, 1000);
    let follow_up_due = optional_date(&mut e, "follow_up_due", &form.follow_up_due);
    let follow_up = match (follow_up_text.is_empty(), follow_up_due) {
        (true, _) => None,
        (false, None) => {
            e.add("follow_up_due", "visit.error.follow_up_due");
            None
        }
        (false, Some(due)) => {
            if due < today_in_china() {
                e.add("follow_up_due", "visit.error.follow_up_past");
            }
            Some((follow_up_text, due))
        }
    };
    match (id, visited_on, duration_minutes) {
        (Ok(id), Some(visited_on), Some(duration_minutes)) if e.is_empty() => Ok(VisitInput {
            id,
            kind: form.kind.clone(),
            visited_on,
            duration_minutes,
            scores,
            notes,
            needs,
            follow_up,
        }),
        _ => Err(e),
    }
}

/// A validated visit checked against the pairings it counts for: its date must lie within
/// each of them (the volunteer's paths; staff visits count for no pairing).
pub fn within_pairings(
    input: Result<VisitInput, FieldErrors>,
    spans: impl IntoIterator<Item = PairingSpan>,
) -> Result<VisitInput, FieldErrors> {
    let input = input?;
    let today = today_in_china();
    match spans
        .into_iter()
        .find_map(|span| date_problem(input.visited_on, today, Some(span)))
    {
        Some(key) => {
            let mut e = FieldErrors::default();
            e.add("visited_on", key);
            Err(e)
        }
        None => Ok(input),
    }
}

/// A staff comment on a visit, optionally asking its author for a follow-up.
#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub follow_up: String,
    #[serde(default)]
    pub follow_up_due: String,
}

/// Closing a follow-up: a note, and the page to go back to.
#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub back: String,
}

/// A volunteer crediting an activity that they and the child both attended to one of the
/// pairing's duties.
#[derive(Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pub activity_id: String,
    #[serde(default)]
    pub duty: String,
}

/// Whether the card is shown after a visit was saved.
#[derive(Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_everything_at_once() {
        let mut form = VisitForm::blank(ChildId::new(), today_in_china());
        form.kind = "picnic".into();
        form.duration_minutes = "2000".into();
        form.mood = "7".into();
        form.follow_up = "送书包".into();
        let errors = validate(&form).unwrap_err();
        assert_eq!(errors.get("kind"), Some("form.error.required"));
        assert_eq!(errors.get("duration_minutes"), Some("visit.error.duration"));
        assert_eq!(errors.get("mood"), Some("visit.error.score"));
        assert_eq!(
            errors.get("follow_up_due"),
            Some("visit.error.follow_up_due")
        );
    }

    #[test]
    fn a_plain_home_visit_is_fine_and_siblings_are_read() {
        let mut form = VisitForm::blank(ChildId::new(), today_in_china());
        form.kind = "home_visit".into();
        form.mood = "4".into();
        let sibling = ChildId::new();
        form.rest.insert(format!("sibling_{sibling}"), "on".into());
        let input = validate(&form).unwrap();
        assert_eq!(input.scores, [None, None, None, Some(4)]);
        assert_eq!(form.siblings(), vec![sibling]);
    }
}
