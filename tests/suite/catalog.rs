//! Every message key that a template or handler asks for exists in both catalogs.

use shouhu::i18n::{Lang, catalog};

fn files(dir: &str, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(path.to_str().unwrap(), ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Quoted strings that look like catalog keys (`area.name[.more]`).
fn keys_in(source: &str) -> Vec<String> {
    const AREAS: [&str; 36] = [
        "app",
        "nav",
        "error",
        "login",
        "password",
        "home",
        "figure",
        "community",
        "form",
        "user",
        "role",
        "volunteer",
        "child",
        "guardian",
        "consent",
        "timeline",
        "follow_up",
        "duty",
        "visit",
        "hours",
        "pairing",
        "conduct",
        "settings",
        "activity",
        "aid",
        "photo",
        "report",
        "quality",
        "chart",
        "import",
        "api",
        "offline",
        "audit",
        "compliance",
        "retention",
        "totp",
    ];
    source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.split_once('.').is_some_and(|(area, rest)| {
                AREAS.contains(&area)
                    && !rest.is_empty()
                    && !rest.ends_with('.')
                    && ![".html", ".css", ".js", ".png", ".xlsx"]
                        .iter()
                        .any(|ext| s.ends_with(ext))
                    && s.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                    })
            })
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_key_used_exists_in_both_languages() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut paths = Vec::new();
    files(&format!("{root}/templates"), "html", &mut paths);
    files(&format!("{root}/src"), "rs", &mut paths);
    let mut used = std::collections::BTreeSet::new();
    for path in &paths {
        used.extend(keys_in(&std::fs::read_to_string(path).unwrap()));
    }
    // Keys built at run time.
    for role in shouhu::domain::role::Role::ALL {
        used.insert(format!("role.{}", role.key()));
    }
    for kind in [
        "caring_mother",
        "proxy_parent",
        "teacher",
        "party_member",
        "retired_cadre",
        "student",
        "youth_volunteer",
    ] {
        used.insert(format!("volunteer.kind.{kind}"));
    }
    use shouhu::domain::child::*;
    let lists: Vec<Vec<String>> = vec![
        Gender::ALL.iter().map(|v| v.label_key()).collect(),
        LeftBehind::ALL.iter().map(|v| v.label_key()).collect(),
        CareSituation::ALL.iter().map(|v| v.label_key()).collect(),
        RiskLevel::ALL.iter().map(|v| v.label_key()).collect(),
        ChildStatus::ALL.iter().map(|v| v.label_key()).collect(),
        Relation::ALL.iter().map(|v| v.label_key()).collect(),
        ConsentScope::ALL.iter().map(|v| v.label_key()).collect(),
        ConsentMethod::ALL.iter().map(|v| v.label_key()).collect(),
        MISSING_KEYS
            .iter()
            .map(|k| format!("child.missing.{k}"))
            .collect(),
        shouhu::web::audit_log::forms::ACTIONS
            .iter()
            .map(|k| format!("audit.action.{k}"))
            .collect(),
        ["content", "previous_hash", "missing_before"]
            .iter()
            .map(|k| format!("audit.chain.reason.{k}"))
            .collect(),
        shouhu::web::children::details_db::TIMELINE_ACTIONS
            .iter()
            .map(|k| format!("timeline.{k}"))
            .collect(),
        shouhu::web::children::db::CHANGED_FIELDS
            .iter()
            .map(|k| format!("child.changed.{k}"))
            .collect(),
    ];
    used.extend(lists.into_iter().flatten());
    for duty in shouhu::domain::duties::Duty::ALL {
        used.insert(duty.label_key());
    }
    for state in ["done", "open", "due_soon", "missed"] {
        used.insert(format!("duty.state.{state}"));
    }
    for status in shouhu::domain::volunteer::VOLUNTEER_STATUSES {
        used.insert(format!("volunteer.status.{status}"));
    }
    for kind in shouhu::web::activities::db::ACTIVITY_KINDS {
        used.insert(format!("activity.kind.{kind}"));
    }
    for kind in shouhu::domain::money::AID_KINDS {
        used.insert(format!("aid.kind.{kind}"));
    }
    for a in ["read", "read_write"] {
        used.insert(format!("api.access.{a}"));
    }
    for s in ["draft", "submitted", "returned", "approved"] {
        used.insert(format!("report.status.{s}"));
    }
    for c in [
        "children",
        "completeness",
        "pairing_coverage",
        "visits",
        "duty_completion",
        "talk_coverage",
        "activities",
        "person_times",
        "aid",
        "overdue",
    ] {
        used.insert(format!("report.col.{c}"));
    }
    for m in [
        "completeness",
        "pairing_coverage",
        "duty_completion",
        "talk_coverage",
        "verification",
        "on_time",
    ] {
        used.insert(format!("report.metric.{m}"));
    }
    for s in ["planned", "held", "cancelled"] {
        used.insert(format!("activity.status.{s}"));
    }
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        used.insert(format!("activity.day.{d}"));
    }
    for kind in [
        "home_visit",
        "talk",
        "teacher_contact",
        "guardian_contact",
        "letter",
        "parent_call",
        "tutoring",
        "aid_delivery",
    ] {
        used.insert(format!("visit.kind.{kind}"));
    }
    for status in ["400", "403", "404", "429", "500"] {
        used.insert(format!("error.{status}.title"));
        used.insert(format!("error.{status}.message"));
    }
    assert!(used.len() > 60, "found only {} keys: {used:?}", used.len());
    // Prefixes of whole families of keys (`child.care` for `child.care.*`) are not keys.
    let all_zh: Vec<&str> = catalog(Lang::Zh).keys().collect();
    used.retain(|k| !all_zh.iter().any(|full| full.starts_with(&format!("{k}."))));
    let mut missing = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        for key in &used {
            if !catalog(lang).has(key) {
                missing.push(format!("{}: {key}", lang.code()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing catalog keys:\n{}",
        missing.join("\n")
    );
}

#[test]
fn templates_hold_no_hard_coded_chinese() {
    let mut paths = Vec::new();
    files(
        concat!(env!("CARGO_MANIFEST_DIR"), "/templates"),
        "html",
        &mut paths,
    );
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        // The only literal CJK allowed is the language switch's own name.
        let stripped = text.replace("中文", "");
        assert!(
            !stripped
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{} has user-facing Chinese outside the catalog",
            path.display()
        );
    }
}

/// A child file's timeline names each of its events through `timeline.<action>`: every action
/// the code records against a child (outside the views it leaves out) has that key in both
/// catalogs, so no page shows a raw key such as `timeline.visit_logged`.
#[test]
fn every_action_recorded_against_a_child_has_a_timeline_label() {
    let mut sources = Vec::new();
    files(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        "rs",
        &mut sources,
    );
    let mut actions = std::collections::BTreeSet::new();
    for path in sources {
        let source = std::fs::read_to_string(&path).unwrap();
        // `audit::record(tx, "action", "child", …)`, however rustfmt wraps it.
        for call in source.split("audit::record(").skip(1) {
            let quoted: Vec<&str> = call.split('"').skip(1).step_by(2).take(2).collect();
            if let [action, "child"] = quoted.as_slice() {
                actions.insert(action.to_string());
            }
        }
    }
    assert!(actions.len() >= 15, "{actions:?}");
    // Left out of the timeline (src/web/children/db.rs, `timeline`).
    for hidden in ["child_viewed", "child_printed", "id_number_revealed"] {
        actions.remove(hidden);
    }
    for lang in [Lang::Zh, Lang::En] {
        for action in &actions {
            assert!(
                catalog(lang).has(&format!("timeline.{action}")),
                "{lang:?}: timeline.{action} is missing"
            );
        }
    }
}

/// The audit page names what each event is about through `audit.entity_kind.<entity>`: every
/// entity the code records has that key in both catalogs (not `app_user` on the page).
#[test]
fn every_audited_entity_has_a_label() {
    let mut sources = Vec::new();
    files(
        concat!(env!("CARGO_MANIFEST_DIR"), "/src"),
        "rs",
        &mut sources,
    );
    let zh = catalog(Lang::Zh);
    let mut entities = std::collections::BTreeSet::new();
    for path in sources {
        let source = std::fs::read_to_string(&path).unwrap();
        for call in source.split("audit::record(").skip(1) {
            // The action and the entity come before the entity's id (`Some(…)` or `None`); the
            // action may be a variable: whichever quoted word is not an action is the entity.
            let head = call.split(");").next().unwrap_or("");
            let head = head.split("Some(").next().unwrap_or("");
            let head = head.split("None").next().unwrap_or("");
            for quoted in head.split('"').skip(1).step_by(2).take(2) {
                let is_word = !quoted.is_empty()
                    && quoted.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if is_word && !zh.has(&format!("audit.action.{quoted}")) {
                    entities.insert(quoted.to_string());
                }
            }
        }
    }
    assert!(
        entities.contains("app_user") && entities.contains("child"),
        "{entities:?}"
    );
    for lang in [Lang::Zh, Lang::En] {
        for entity in &entities {
            assert!(
                catalog(lang).has(&format!("audit.entity_kind.{entity}")),
                "{lang:?}: audit.entity_kind.{entity} is missing"
            );
        }
    }
}
