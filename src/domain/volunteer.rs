//! Volunteers' closed lists (Postgres enums `volunteer_kind`, `volunteer_status`); labels are
//! `volunteer.kind.<key>` and `volunteer.status.<key>`.

pub const VOLUNTEER_KINDS: [&str; 7] = [
    "caring_mother",
    "proxy_parent",
    "teacher",
    "party_member",
    "retired_cadre",
    "student",
    "youth_volunteer",
];

pub const VOLUNTEER_STATUSES: [&str; 3] = ["active", "paused", "left"];
