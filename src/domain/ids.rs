//! Typed ids, so a visit id can never be passed where a child id is expected.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        // Templates hand fields over by reference, and a pattern binding in a template by
        // reference to a reference.
        impl From<&Uuid> for $name {
            fn from(id: &Uuid) -> Self {
                Self(*id)
            }
        }

        impl From<&&Uuid> for $name {
            fn from(id: &&Uuid) -> Self {
                Self(**id)
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                *id
            }
        }

        impl From<&&$name> for $name {
            fn from(id: &&$name) -> Self {
                **id
            }
        }
    )*};
}

typed_id!(
    StreetId,
    CommunityId,
    GridId,
    UserId,
    SessionId,
    TokenId,
    VolunteerId,
    TeamId,
    ChildId,
    GuardianId,
    ConsentId,
    PairingId,
    VisitId,
    CommentId,
    FollowUpId,
    ActivityId,
    PhotoId,
    AidId,
    ReportId,
    ImportId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_version_7_and_ordered() {
        let a = ChildId::new();
        let b = ChildId::new();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b, "v7 ids sort by creation time");
    }

    #[test]
    fn parses_and_prints_round_trip() {
        let id = StreetId::new();
        let back: StreetId = id.to_string().parse().unwrap();
        assert_eq!(id, back);
        assert!("not-a-uuid".parse::<StreetId>().is_err());
    }
}
