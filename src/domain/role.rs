//! The three roles of a user account.

use serde::{Deserialize, Serialize};

/// Who a user is in a street office. Mirrors the Postgres enum `user_role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[sqlx(type_name = "user_role", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 街道管理员: the whole street office.
    StreetAdmin,
    /// 社区工作人员: one community.
    CommunityStaff,
    /// 志愿者: only the children of their own pairings.
    Volunteer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::StreetAdmin, Role::CommunityStaff, Role::Volunteer];

    /// The stable key used in forms and in the message catalog (`role.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Role::StreetAdmin => "street_admin",
            Role::CommunityStaff => "community_staff",
            Role::Volunteer => "volunteer",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
        assert_eq!(Role::from_key("operator"), None);
    }
}
