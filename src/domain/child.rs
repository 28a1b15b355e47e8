//! The closed lists of a child file, mirroring the Postgres enums. Labels live in the catalog
//! under `<prefix>.<key>`.

use serde::{Deserialize, Serialize};

/// Defines an enum mapped to a Postgres enum, with its keys listed for forms and filters.
macro_rules! closed_list {
    ($(#[$meta:meta])* $name:ident, $pg:literal, $prefix:literal, { $($variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
        #[sqlx(type_name = $pg, rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Catalog prefix of the labels.
            pub const PREFIX: &'static str = $prefix;

            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }

            pub fn from_key(key: &str) -> Option<$name> {
                match key { $($key => Some($name::$variant),)+ _ => None }
            }

            /// The catalog key of the label, e.g. `child.gender.male`.
            pub fn label_key(self) -> String {
                format!("{}.{}", $prefix, self.key())
            }

            pub fn keys() -> Vec<&'static str> {
                Self::ALL.iter().map(|v| v.key()).collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

closed_list!(Gender, "gender", "child.gender", { Male => "male", Female => "female" });
closed_list!(LeftBehind, "left_behind_kind", "child.left_behind", {
    BothParentsAway => "both_parents_away", FatherAway => "father_away", MotherAway => "mother_away",
});
closed_list!(CareSituation, "care_situation", "child.care", {
    Grandparents => "grandparents", Relatives => "relatives", SelfCare => "self_care", NoGuardian => "no_guardian",
});
closed_list!(RiskLevel, "risk_level", "child.risk", { Low => "low", Medium => "medium", High => "high" });
closed_list!(ChildStatus, "child_status", "child.status", {
    Active => "active", ParentsReturned => "parents_returned", AgedOut => "aged_out", MovedAway => "moved_away", Other => "other",
});
closed_list!(Relation, "guardian_relation", "guardian.relation", {
    Father => "father", Mother => "mother", PaternalGrandfather => "paternal_grandfather",
    PaternalGrandmother => "paternal_grandmother", MaternalGrandfather => "maternal_grandfather",
    MaternalGrandmother => "maternal_grandmother", Uncle => "uncle", Aunt => "aunt", Sibling => "sibling",
    OtherRelative => "other_relative", Other => "other",
});
closed_list!(ConsentScope, "consent_scope", "consent.scope", {
    File => "file", Health => "health", Disability => "disability", Psychological => "psychological",
});
closed_list!(ConsentMethod, "consent_method", "consent.method", {
    Written => "written", Electronic => "electronic", VerbalWitnessed => "verbal_witnessed",
});

/// The things a complete file has (catalog `child.missing.<key>`), as `child_missing()` in SQL
/// reports them.
pub const MISSING_KEYS: [&str; 8] = [
    "id_number",
    "address",
    "school",
    "grade",
    "parents_work_place",
    "guardian",
    "parent_contact",
    "consent",
];

/// Age bands for the list filter: key, youngest and oldest age in years.
pub const AGE_BANDS: [(&str, i32, i32); 4] = [
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-15", 12, 15),
    ("16+", 16, 200),
];

/// Whole years between a birth date and a day.
pub fn age_on(birth: chrono::NaiveDate, day: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The 16th birthday (29 Feb births turn 16 on 1 Mar in non-leap years).
pub fn sixteenth_birthday(birth: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    birth.with_year(birth.year() + 16).unwrap_or_else(|| {
        chrono::NaiveDate::from_ymd_opt(birth.year() + 16, 3, 1).expect("valid date")
    })
}

/// Flag for the aged-out rule: already 16, or turning 16 within 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeFlag {
    None,
    TurningSixteenSoon,
    SixteenOrOlder,
}

pub fn age_flag(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> AgeFlag {
    let sixteen = sixteenth_birthday(birth);
    if sixteen <= today {
        AgeFlag::SixteenOrOlder
    } else if sixteen <= today + chrono::Duration::days(30) {
        AgeFlag::TurningSixteenSoon
    } else {
        AgeFlag::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn keys_round_trip() {
        for r in Relation::ALL {
            assert_eq!(Relation::from_key(r.key()), Some(*r));
        }
        assert_eq!(Gender::from_key("female"), Some(Gender::Female));
        assert_eq!(CareSituation::from_key("nobody"), None);
        assert_eq!(ChildStatus::Active.label_key(), "child.status.active");
    }

    #[test]
    fn ages_and_the_sixteen_rule() {
        assert_eq!(age_on(d(2010, 6, 15), d(2026, 6, 14)), 15);
        assert_eq!(age_on(d(2010, 6, 15), d(2026, 6, 15)), 16);
        assert_eq!(age_flag(d(2010, 6, 15), d(2026, 5, 15)), AgeFlag::None);
        assert_eq!(
            age_flag(d(2010, 6, 15), d(2026, 5, 16)),
            AgeFlag::TurningSixteenSoon
        );
        assert_eq!(
            age_flag(d(2010, 6, 15), d(2026, 6, 15)),
            AgeFlag::SixteenOrOlder
        );
        assert_eq!(sixteenth_birthday(d(2008, 2, 29)), d(2024, 2, 29));
        assert_eq!(sixteenth_birthday(d(2012, 2, 29)), d(2028, 2, 29));
        assert_eq!(sixteenth_birthday(d(2004, 2, 29)), d(2020, 2, 29));
        assert_eq!(sixteenth_birthday(d(2005, 2, 28)), d(2021, 2, 28));
    }
}
