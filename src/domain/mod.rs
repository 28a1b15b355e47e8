//! Domain values: typed ids, roles, logins, ID numbers, encryption at rest,
//! pinyin initials. Pure code with unit tests; no database access.

pub mod child;
pub mod crypto;
pub mod duties;
pub mod id_number;
pub mod ids;
pub mod login;
pub mod money;
pub mod pinyin;
pub mod role;
pub mod semester;
pub mod visit;
pub mod volunteer;
