//! Bar charts drawn as SVG on the server (no script, no chart library): this module computes
//! the geometry; `macros.html` draws it, so every label goes through askama's escaping.

use chrono::{Datelike, NaiveDate};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::StreetId;

#[derive(Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone)]
pub struct BarChart {
    pub id: &'static str,
    pub title_key: &'static str,
    pub bars: Vec<Bar>,
    pub width: f64,
    pub height: f64,
    /// Where the bars stand (the label line below).
    pub base: f64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 40.0;

impl BarChart {
    /// Lay out bars for `(label, value)` pairs; `percent` shows values as percentages.
    pub fn new(
        id: &'static str,
        title_key: &'static str,
        data: Vec<(String, f64)>,
        percent: bool,
    ) -> BarChart {
        let max = if percent {
            100.0
        } else {
            data.iter().map(|(_, v)| *v).fold(0.0, f64::max).max(1.0)
        };
        let n = data.len().max(1) as f64;
        let slot = WIDTH / n;
        let width = (slot * 0.7).min(60.0);
        let plot = HEIGHT - TOP - BOTTOM;
        let bars = data
            .into_iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let height = if max > 0.0 { value / max * plot } else { 0.0 };
                Bar {
                    shown: if percent {
                        format!("{value:.0}%")
                    } else {
                        format!("{value:.0}")
                    },
                    label,
                    value,
                    x: i as f64 * slot + (slot - width) / 2.0,
                    y: TOP + plot - height,
                    width,
                    height,
                }
            })
            .collect();
        BarChart {
            id,
            title_key,
            bars,
            width: WIDTH,
            height: HEIGHT,
            base: HEIGHT - BOTTOM,
        }
    }
}

/// The first days of the last twelve months, oldest first.
pub fn last_twelve_months(today: NaiveDate) -> Vec<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid date");
    (0..12)
        .rev()
        .map(|i| {
            this.checked_sub_months(chrono::Months::new(i))
                .expect("valid date")
        })
        .collect()
}

/// Visits per month over the last 12 months, in scope.
pub async fn visits_per_month(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    today: NaiveDate,
) -> Result<BarChart, sqlx::Error> {
    let months = last_twelve_months(today);
    let rows = sqlx::query!(
        r#"SELECT date_trunc('month', v.visited_on)::date AS "month!", count(*) AS "n!"
           FROM visit v
           WHERE v.street_id = $1 AND v.visited_on >= $3
             AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM child c WHERE c.street_id = v.street_id
                                              AND c.id = v.child_id AND c.community_id = $2))
           GROUP BY 1"#,
        street.0,
        community,
        months[0],
    )
    .fetch_all(conn)
    .await?;
    let data = months
        .iter()
        .map(|m| {
            (
                m.format("%m").to_string(),
                rows.iter()
                    .find(|r| r.month == *m)
                    .map(|r| r.n as f64)
                    .unwrap_or(0.0),
            )
        })
        .collect();
    Ok(BarChart::new(
        "chart-visits",
        "chart.visits_per_month",
        data,
        false,
    ))
}

/// Activities held and person-times per month over the last 12 months, in scope.
pub async fn activities_per_month(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    today: NaiveDate,
) -> Result<(BarChart, BarChart), sqlx::Error> {
    let months = last_twelve_months(today);
    let rows = sqlx::query!(
        r#"SELECT date_trunc('month', (a.starts_at AT TIME ZONE 'Asia/Shanghai'))::date AS "month!", count(*) AS "n!",
                  sum((SELECT count(*) FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id))::bigint AS "people!"
           FROM activity a
           WHERE a.street_id = $1 AND ($2::uuid IS NULL OR a.community_id = $2 OR a.community_id IS NULL)
             AND a.status <> 'cancelled' AND (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date >= $3
             AND a.starts_at <= now()
           GROUP BY 1"#,
        street.0,
        community,
        months[0],
    )
    .fetch_all(conn)
    .await?;
    let series = |f: &dyn Fn(i64, i64) -> i64| -> Vec<(String, f64)> {
        months
            .iter()
            .map(|m| {
                (
                    m.format("%m").to_string(),
                    rows.iter()
                        .find(|r| r.month == *m)
                        .map(|r| f(r.n, r.people) as f64)
                        .unwrap_or(0.0),
                )
            })
            .collect()
    };
    Ok((
        BarChart::new(
            "chart-activities",
            "chart.activities_per_month",
            series(&|n, _| n),
            false,
        ),
        BarChart::new(
            "chart-person-times",
            "chart.person_times_per_month",
            series(&|_, p| p),
            false,
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let chart = BarChart::new(
            "c",
            "t",
            vec![("a".into(), 10.0), ("b".into(), 5.0), ("c".into(), 0.0)],
            false,
        );
        assert_eq!(chart.bars.len(), 3);
        assert!((chart.bars[0].height - 2.0 * chart.bars[1].height).abs() < 1e-9);
        assert_eq!(chart.bars[2].height, 0.0);
        assert!(
            chart.bars[0].y < chart.bars[1].y,
            "taller bars start higher"
        );
        let pct = BarChart::new("c", "t", vec![("x".into(), 50.0)], true);
        assert_eq!(pct.bars[0].shown, "50%");
    }

    #[test]
    fn twelve_months_back() {
        let months = last_twelve_months(NaiveDate::from_ymd_opt(2026, 2, 15).unwrap());
        assert_eq!(
            months.first().unwrap(),
            &NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
        );
        assert_eq!(
            months.last().unwrap(),
            &NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
        );
    }
}
