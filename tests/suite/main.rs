//! The integration tests, as modules of one test crate: one binary to link instead of one per
//! file. `cargo test --test suite <module>::` runs one module.

mod common;

mod abuse;
mod accounts;
mod activities;
mod api;
mod api_contract;
mod audit;
mod auth;
mod browser;
mod catalog;
mod children;
mod cli;
mod compliance;
mod conformance;
mod demo;
mod isolation;
mod observability;
mod pairings;
mod reports;
mod rosters;
mod schema;
mod scope_matrix;
mod spreadsheets;
