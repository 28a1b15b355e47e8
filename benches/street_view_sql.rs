//! P2's denominator (not a test): the time of the street quarterly view's database work alone
//! — the same query functions the page calls, in one tenant transaction, without HTTP, session
//! or rendering. Prints the median of 30 runs after 3 warm-ups, in milliseconds.
//!
//! cargo bench --bench street_view_sql -- --db postgres://… --street UUID

mod common;

use common::arg;

use std::time::Instant;

use shouhu::db;
use shouhu::domain::ids::StreetId;
use shouhu::domain::semester::today_in_china;

#[tokio::main]
async fn main() {
    let pool = db::connect(&arg("--db"), 2).await.expect("database");
    let street = StreetId(arg("--street").parse().expect("--street"));
    let quarter = shouhu::domain::semester::Quarter::last_finished(today_in_china());
    let mut times = Vec::new();
    for i in 0..33 {
        let start = Instant::now();
        let mut tx = db::begin(&pool, street, None).await.expect("begin");
        let lines = shouhu::web::reports::db::lines(&mut tx, street, None, quarter)
            .await
            .expect("lines");
        tx.commit().await.expect("commit");
        assert!(!lines.is_empty());
        if i >= 3 {
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!("street_view_sql_median_ms {:.2}", times[times.len() / 2]);
}
