//! Data retention: a child file whose status ended at least N full years ago (a street setting,
//! default 2) is anonymised. Names, the ID number (cipher, hash and mask), addresses, phones and
//! free-text notes are cleared or replaced by a code; the rows stay, so counts and dates (and
//! every report computed from them) are kept, and approved report snapshots are never touched.
//! Roster uploads older than a week are deleted (they hold whole rosters and are only needed
//! between upload and confirmation).
//!
//! Run by `shouhu retention run [--dry-run]` and once a day inside `serve`.

use chrono::{Months, NaiveDate};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::audit;
use crate::db::{self, Tx};
use crate::domain::ids::StreetId;

/// Days an uploaded roster file is kept.
pub const UPLOAD_DAYS: i32 = 7;

/// A file due for anonymisation, and what would be cleared in it.
#[derive(Debug, Clone)]
pub struct Due {
    pub child: Uuid,
    pub code: String,
    pub status: String,
    pub ended_on: NaiveDate,
    pub guardians: i64,
    pub consents: i64,
    pub visits: i64,
    pub follow_ups: i64,
    pub aid: i64,
}

/// What one street's run found (and, unless a dry run, did).
#[derive(Debug, Clone)]
pub struct StreetRun {
    pub street: StreetId,
    pub street_name: String,
    pub years: i32,
    /// Files whose status ended on or before this day are due.
    pub cutoff: NaiveDate,
    pub due: Vec<Due>,
    pub uploads: i64,
    /// False when another run held the street (two app instances).
    pub ran: bool,
}

/// The code that replaces a name: stable for the file, says nothing about the child (not even
/// when the file was made, which the start of a v7 id would).
pub fn code_for(child: Uuid) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(child.as_bytes());
    let hex: String = digest[..5].iter().map(|b| format!("{b:02X}")).collect();
    format!("ANON-{hex}")
}

/// The last day a status may have ended for its file to be due on `today`: N full years before.
pub fn cutoff(today: NaiveDate, years: i32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12 * years.max(0) as u32))
        .unwrap_or(today)
}

async fn due(tx: &mut Tx, street: StreetId, cutoff: NaiveDate) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.status::text AS "status!", coalesce(c.status_changed_on, c.updated_at::date) AS "ended_on!",
                  (SELECT count(*) FROM guardian g WHERE g.street_id = c.street_id AND g.child_id = c.id) AS "guardians!",
                  (SELECT count(*) FROM consent k WHERE k.street_id = c.street_id AND k.child_id = c.id) AS "consents!",
                  (SELECT count(*) FROM visit v WHERE v.street_id = c.street_id AND v.child_id = c.id) AS "visits!",
                  (SELECT count(*) FROM follow_up f WHERE f.street_id = c.street_id AND f.child_id = c.id) AS "follow_ups!",
                  (SELECT count(*) FROM aid a WHERE a.street_id = c.street_id AND a.child_id = c.id) AS "aid!"
           FROM child c
           WHERE c.street_id = $1 AND c.status <> 'active' AND c.anonymised_at IS NULL
             AND coalesce(c.status_changed_on, c.updated_at::date) <= $2
           ORDER BY 3, c.id"#,
        street.0,
        cutoff
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Due {
            child: r.id,
            code: code_for(r.id),
            status: r.status,
            ended_on: r.ended_on,
            guardians: r.guardians,
            consents: r.consents,
            visits: r.visits,
            follow_ups: r.follow_ups,
            aid: r.aid,
        })
        .collect())
}

/// Clears every personal field of one file and what hangs off it, in the tenant transaction.
pub async fn anonymise(tx: &mut Tx, street: StreetId, child: Uuid) -> Result<(), sqlx::Error> {
    let code = code_for(child);
    let s = street.0;
    sqlx::query!(
        "UPDATE child SET name = $3, name_initials = '', id_number_enc = NULL, id_number_hash = NULL, id_number_masked = '',
             address = '', class_name = '', class_teacher = '', class_teacher_phone = '', parents_work_place = '',
             parents_return_frequency = '', health_condition = '', disability_note = '', psychological_note = '',
             status_reason = '', anonymised_at = now(), version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        s,
        child,
        code
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE guardian SET name = $3, phone = '', address = '', work_place = '', family_phone = '', return_frequency = '',
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2",
        s,
        child,
        format!("{code}-G")
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE consent SET given_by = $3, withdrawn_reason = '', version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2",
        s,
        child,
        format!("{code}-G")
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE child_status_change SET reason = '' WHERE street_id = $1 AND child_id = $2",
        s,
        child
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE visit_comment SET body = '-' WHERE street_id = $1
           AND visit_id IN (SELECT id FROM visit WHERE street_id = $1 AND child_id = $2)",
        s,
        child
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE visit SET notes = '', needs = '', version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2",
        s,
        child
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE follow_up SET description = '-', closing_note = '', version = version + 1, updated_at = now()
         WHERE street_id = $1 AND child_id = $2",
        s,
        child
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "UPDATE aid SET note = '', version = version + 1, updated_at = now() WHERE street_id = $1 AND child_id = $2",
        s,
        child
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One street's run: lists what is due and, unless `dry_run`, anonymises it and deletes old
/// uploads, each anonymisation audited, all in one transaction.
pub async fn run_street(
    pool: &PgPool,
    street: StreetId,
    street_name: &str,
    today: NaiveDate,
    dry_run: bool,
) -> Result<StreetRun, sqlx::Error> {
    let mut tx = db::begin(pool, street, None).await?;
    // One run per street at a time, whichever instance starts it.
    let got: bool = sqlx::query_scalar(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('retention:' || $1, 0))",
    )
    .bind(street.0.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let years = sqlx::query_scalar!("SELECT retention_years FROM street WHERE id = $1", street.0)
        .fetch_one(&mut *tx)
        .await?;
    let cutoff = cutoff(today, years);
    let mut run = StreetRun {
        street,
        street_name: street_name.to_string(),
        years,
        cutoff,
        due: Vec::new(),
        uploads: 0,
        ran: got,
    };
    if !got {
        return Ok(run);
    }
    run.due = due(&mut tx, street, cutoff).await?;
    run.uploads = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM import_batch WHERE street_id = $1 AND created_at < now() - make_interval(days => $2)"#,
        street.0,
        UPLOAD_DAYS
    )
    .fetch_one(&mut *tx)
    .await?;
    if dry_run {
        return Ok(run);
    }
    for d in &run.due {
        anonymise(&mut tx, street, d.child).await?;
        audit::record(
            &mut tx,
            "child_anonymised",
            "child",
            Some(d.child),
            "",
            json!({ "retention_years": years, "ended_on": d.ended_on, "status": d.status,
                    "guardians": d.guardians, "visits": d.visits }),
        )
        .await?;
    }
    sqlx::query!(
        "DELETE FROM import_batch WHERE street_id = $1 AND created_at < now() - make_interval(days => $2)",
        street.0,
        UPLOAD_DAYS
    )
    .execute(&mut *tx)
    .await?;
    if !run.due.is_empty() || run.uploads > 0 {
        audit::record(
            &mut tx,
            "retention_run",
            "street",
            Some(street.0),
            "",
            json!({ "anonymised": run.due.len(), "uploads_deleted": run.uploads, "cutoff": cutoff }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(run)
}

/// Every street.
pub async fn run_all(
    pool: &PgPool,
    today: NaiveDate,
    dry_run: bool,
) -> Result<Vec<StreetRun>, sqlx::Error> {
    let mut runs = Vec::new();
    for (street, name) in db::streets(pool).await? {
        runs.push(run_street(pool, street, &name, today, dry_run).await?);
    }
    Ok(runs)
}

/// The daily job inside `serve`: first a minute after start, then every 24 hours.
pub fn spawn_daily(pool: PgPool) {
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
        loop {
            every.tick().await;
            let today = crate::domain::semester::today_in_china();
            match run_all(&pool, today, false).await {
                Ok(runs) => {
                    let anonymised: usize = runs.iter().map(|r| r.due.len()).sum();
                    let uploads: i64 = runs.iter().map(|r| r.uploads).sum();
                    tracing::info!(streets = runs.len(), anonymised, uploads, "retention run");
                }
                Err(e) => tracing::error!(error = %e, "retention run failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_years_count_back_from_today() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(cutoff(d("2026-11-28"), 2), d("2024-11-28"));
        assert_eq!(cutoff(d("2028-02-29"), 1), d("2027-02-28"));
    }

    #[test]
    fn codes_say_nothing_but_are_stable() {
        let id = Uuid::parse_str("0192f0c4-7a1b-7c3d-8e9f-001122334455").unwrap();
        assert!(code_for(id).starts_with("ANON-") && code_for(id).len() == 15);
        assert_eq!(code_for(id), code_for(id));
        assert!(!code_for(id).contains("0192F0C4"));
    }
}
