//! Visits' closed list (Postgres enum `visit_kind`), in report order; labels are
//! `visit.kind.<key>`.

pub const VISIT_KINDS: [&str; 8] = [
    "home_visit",
    "talk",
    "teacher_contact",
    "guardian_contact",
    "letter",
    "parent_call",
    "tutoring",
    "aid_delivery",
];
