//! Communities and their grids.

use crate::domain::ids::CommunityId;

pub const COMMUNITIES: &str = "/communities";

pub fn community(id: impl Into<CommunityId>) -> String {
    format!("/communities/{}", id.into())
}

pub fn grids(id: impl Into<CommunityId>) -> String {
    format!("/communities/{}/grids", id.into())
}
