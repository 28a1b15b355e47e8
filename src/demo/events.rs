//! The demo's activities in their seasons, the aid handed out at them, and the quarterly reports
//! of the past six quarters with their history.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::world::{Community, Kid, Seq, at};
use crate::domain::ids::{StreetId, UserId};
use crate::domain::semester::Quarter;
use crate::error::CliResult;
use crate::web::reports::figures;

/// The year's activities of every community, in their seasons: (month, day, kind, title).
const SEASONS: [(u32, u32, &str, &str); 21] = [
    (1, 12, "legal_safety_lecture", "寒假安全教育讲座"),
    (1, 22, "tutoring_class", "寒假托管班"),
    (2, 2, "condolence_visit", "春节走访慰问"),
    (2, 8, "parent_child_event", "春节亲情电话·视频连线"),
    (3, 14, "tutoring_class", "四点半课堂"),
    (4, 11, "tutoring_class", "四点半课堂"),
    (4, 22, "counselling", "心理健康团体辅导"),
    (5, 10, "parent_child_event", "母亲节亲情电话"),
    (5, 23, "tutoring_class", "四点半课堂"),
    (6, 1, "festival_event", "六一儿童节关爱活动"),
    (6, 24, "legal_safety_lecture", "暑期防溺水安全教育"),
    (7, 8, "summer_training", "暑期托管班"),
    (8, 12, "summer_training", "暑期托管班结业汇报"),
    (9, 19, "tutoring_class", "四点半课堂"),
    (9, 28, "festival_event", "中秋节慰问"),
    (10, 17, "counselling", "心理健康团体辅导"),
    (10, 24, "tutoring_class", "四点半课堂"),
    (11, 14, "family_letter_day", "“两地书·亲子情”书信活动"),
    (11, 28, "tutoring_class", "四点半课堂"),
    (12, 5, "legal_safety_lecture", "冬季防火用电安全教育"),
    (12, 19, "tutoring_class", "四点半课堂"),
];

/// Aid handed out at an activity: (title, kind, donor, fen per child).
const AID_AT: [(&str, &str, &str, i64); 3] = [
    ("春节走访慰问", "goods", "县慈善总会", 20_000),
    (
        "六一儿童节关爱活动",
        "school_supplies",
        "县妇联“春蕾计划”",
        8_000,
    ),
    ("中秋节慰问", "goods", "中国石化城关加油站", 5_000),
];

/// The season's activities from the community's start to six weeks ahead: those past were held
/// (one now and then called off), with the children on the list that day and two volunteers;
/// those ahead are planned. Aid goes out at the festival visits, and school fees each September.
pub(super) async fn activities(
    conn: &mut PgConnection,
    s: Uuid,
    c: &Community,
    ci: usize,
    kids: &[Kid],
    today: NaiveDate,
    seq: &mut Seq,
) -> CliResult {
    let mine: Vec<&Kid> = kids.iter().filter(|k| k.community == ci).collect();
    let horizon = today + Duration::days(42);
    for year in c.origin.year()..=horizon.year() {
        for (month, day, kind, title) in SEASONS {
            let Some(on) = NaiveDate::from_ymd_opt(year, month, day) else {
                continue;
            };
            if on < c.origin + Duration::days(14) || on > horizon {
                continue;
            }
            let starts = at(on, if kind == "tutoring_class" { 16 } else { 9 });
            let past = on < today;
            let cancelled = past && kind == "tutoring_class" && seq.next(10) == 0;
            let (status, summary) = match (past, cancelled) {
                (_, true) => ("cancelled", "因暴雨预警取消，顺延至下周".to_string()),
                (true, false) => ("held", String::new()),
                (false, _) => ("planned", String::new()),
            };
            let activity = Uuid::now_v7();
            let attending: Vec<Uuid> = if status == "held" {
                mine.iter()
                    .filter(|k| k.active_on(on))
                    .filter(|_| seq.chance(65))
                    .map(|k| k.id)
                    .collect()
            } else {
                Vec::new()
            };
            let summary = if status == "held" {
                format!("活动顺利开展，{}名儿童和2名志愿者参加。", attending.len())
            } else {
                summary
            };
            sqlx::query(
                "INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity,
                                       created_by, status, summary, created_at)
                 VALUES ($1, $2, $3, $4::text::activity_kind, $5, $6, $7, $8, 40, $9, $10::text::activity_status, $11,
                         $12)",
            )
            .bind(s)
            .bind(activity)
            .bind(c.id)
            .bind(kind)
            .bind(title)
            .bind(starts)
            .bind(starts + Duration::hours(2))
            .bind(format!("{}活动室", c.name))
            .bind(c.staff)
            .bind(status)
            .bind(summary)
            .bind(starts - Duration::days(14))
            .execute(&mut *conn)
            .await?;
            if status != "held" {
                continue;
            }
            let first = seq.next(5);
            let helpers = [
                c.volunteers[first],
                c.volunteers[(first + 1 + seq.next(4)) % 5],
            ];
            sqlx::query(
                "INSERT INTO attendance (street_id, id, activity_id, child_id, volunteer_id, recorded_by, created_at)
                 SELECT $1, gen_random_uuid(), $2, k, NULL, $4, $5 FROM UNNEST($3::uuid[]) k
                 UNION ALL
                 SELECT $1, gen_random_uuid(), $2, NULL, v, $4, $5 FROM UNNEST($6::uuid[]) v",
            )
            .bind(s)
            .bind(activity)
            .bind(&attending)
            .bind(c.staff)
            .bind(starts + Duration::hours(2))
            .bind(helpers)
            .execute(&mut *conn)
            .await?;
            if let Some((_, aid, donor, fen)) = AID_AT.iter().find(|(t, ..)| *t == title) {
                sqlx::query(
                    "INSERT INTO aid (street_id, id, child_id, activity_id, kind, given_on, amount_fen, donor,
                                      recorded_by, created_at)
                     SELECT $1, gen_random_uuid(), k, $2, $3::text::aid_kind, $4, $5, $6, $7, $8 FROM UNNEST($9::uuid[]) k",
                )
                .bind(s)
                .bind(activity)
                .bind(aid)
                .bind(on)
                .bind(fen)
                .bind(donor)
                .bind(c.staff)
                .bind(starts + Duration::hours(3))
                .bind(&attending)
                .execute(&mut *conn)
                .await?;
            }
        }
        // School fees for three children each autumn term.
        let Some(fees_on) = NaiveDate::from_ymd_opt(year, 8, 28) else {
            continue;
        };
        if fees_on > c.origin && fees_on < today {
            let helped: Vec<Uuid> = mine
                .iter()
                .filter(|k| k.active_on(fees_on))
                .take(3)
                .map(|k| k.id)
                .collect();
            sqlx::query(
                "INSERT INTO aid (street_id, id, child_id, kind, given_on, amount_fen, donor, note, recorded_by, created_at)
                 SELECT $1, gen_random_uuid(), k, 'tuition', $2, 100000, '城关爱心企业协会', '秋季学期学费资助', $3, $4
                 FROM UNNEST($5::uuid[]) k",
            )
            .bind(s)
            .bind(fees_on)
            .bind(c.staff)
            .bind(at(fees_on, 11))
            .bind(&helped)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// One step of a report's history: (days after the quarter's end, from, to, comment, by admin).
type Step = (i64, &'static str, &'static str, &'static str, bool);

const SUBMIT: Step = (5, "draft", "submitted", "", false);
const APPROVE: Step = (9, "submitted", "approved", "", true);
const RETURN: Step = (
    8,
    "submitted",
    "returned",
    "谈心记录中有两个月缺失，请补充说明原因后重新上报。",
    true,
);

/// The history of each of the past six quarters' reports (oldest first), by community: mostly
/// approved on time; one submitted late; one returned and then approved; the last finished
/// quarter waiting for review, returned, or not yet submitted (overdue).
fn history(ci: usize, index: usize, first: bool) -> Vec<Step> {
    let late = (16, "draft", "submitted", "", false);
    match (ci, index, first) {
        (2, _, true) => vec![late, (19, "submitted", "approved", "", true)],
        (1, 2, _) => vec![late, (19, "submitted", "approved", "", true)],
        (1, 4, _) => vec![
            SUBMIT,
            RETURN,
            (11, "returned", "submitted", "", false),
            (13, "submitted", "approved", "", true),
        ],
        (0, 5, _) => vec![SUBMIT],
        (1, 5, _) => vec![(4, "draft", "submitted", "", false), RETURN],
        (2, 5, _) => vec![],
        _ => vec![SUBMIT, APPROVE],
    }
}

pub(super) async fn reports(
    conn: &mut PgConnection,
    street: StreetId,
    admin: UserId,
    c: &Community,
    ci: usize,
    today: NaiveDate,
) -> CliResult {
    let s = street.0;
    let now = Utc::now();
    let current = Quarter::containing(today);
    let mut quarters = Vec::new();
    let mut q = current;
    for _ in 0..6 {
        q = q.previous();
        quarters.push(q);
    }
    quarters.reverse();
    let mut first = true;
    for (index, q) in quarters.into_iter().enumerate() {
        if q.start() < c.origin {
            continue;
        }
        let live = figures::compute(conn, street, c.id, q, today).await?;
        let report = Uuid::now_v7();
        let (mut status, mut submitted, mut approved, mut snapshot) = ("draft", None, None, None);
        let mut transitions = Vec::new();
        for (days, from, to, comment, by_admin) in history(ci, index, first) {
            let when = at(
                q.end() + Duration::days(days),
                if by_admin { 15 } else { 10 },
            );
            if when >= now {
                break;
            }
            debug_assert_eq!(status, from);
            status = to;
            if to == "submitted" && submitted.is_none() {
                submitted = Some(when);
            }
            if to == "approved" {
                approved = Some(when);
                let frozen = figures::compute(conn, street, c.id, q, when.date_naive()).await?;
                snapshot = Some(serde_json::to_value(frozen)?);
            }
            transitions.push((
                from,
                to,
                comment,
                if by_admin { admin.0 } else { c.staff },
                when,
            ));
        }
        first = false;
        let work_done = format!(
            "本季度共走访、谈心{}次，组织活动{}场、服务儿童和志愿者{}人次，发放救助{}人次。结对儿童{}名，五个一完成{}项（应完成{}项）。",
            live.visits,
            live.activities,
            live.person_times,
            live.aid_count,
            live.paired_children,
            live.duties_done,
            live.duties_owed
        );
        let sql = "INSERT INTO report (street_id, id, community_id, year, quarter, status, work_done, problems, next_steps,
                                       snapshot, submitted_at, approved_at, created_at, updated_at)
                   VALUES ($1, $2, $3, $4, $5, $6::text::report_status, $7, $8, $9, $10, $11, $12, $13, $14)";
        sqlx::query(sql)
            .bind(s)
            .bind(report)
            .bind(c.id)
            .bind(q.year)
            .bind(q.number as i16)
            .bind(status)
            .bind(work_done)
            .bind("部分监护人年龄偏大，辅导作业有困难；个别孩子与父母联系少。")
            .bind("继续开展四点半课堂，督促志愿者每月谈心，做好假期安全提醒。")
            .bind(snapshot)
            .bind(submitted)
            .bind(approved)
            .bind(at(q.end() + Duration::days(1), 9))
            .bind(
                transitions
                    .last()
                    .map_or(at(q.end() + Duration::days(1), 9), |t| t.4),
            )
            .execute(&mut *conn)
            .await?;
        for (from, to, comment, by, when) in transitions {
            sqlx::query(
                "INSERT INTO report_transition (street_id, id, report_id, from_status, to_status, comment, by_user,
                                                created_at)
                 VALUES ($1, $2, $3, $4::text::report_status, $5::text::report_status, $6, $7, $8)",
            )
            .bind(s)
            .bind(Uuid::now_v7())
            .bind(report)
            .bind(from)
            .bind(to)
            .bind(comment)
            .bind(by)
            .bind(when)
            .execute(&mut *conn)
            .await?;
        }
    }
    // The first community has begun this quarter's report.
    if ci == 0 {
        sqlx::query(
            "INSERT INTO report (street_id, id, community_id, year, quarter, work_done)
             VALUES ($1, $2, $3, $4, $5, '本季度已开展入户走访和四点半课堂，详细情况季度结束后补充。')",
        )
        .bind(s)
        .bind(Uuid::now_v7())
        .bind(c.id)
        .bind(current.year)
        .bind(current.number as i16)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
