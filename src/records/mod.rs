//! The records that pages of several resources and the scope checks load, as stored: their rows
//! and how one is found. Each resource's own queries stay in its `db.rs`, which re-exports these.

pub mod activity;
pub mod child;
pub mod community;
pub mod volunteer;
