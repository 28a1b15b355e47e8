//! The demo's visits and follow-ups: each pairing meets monthly, the social worker sees every
//! child once a quarter, and now and then a visit leaves something to follow up.

use chrono::{Datelike, Duration, NaiveDate};
use sqlx::PgConnection;
use uuid::Uuid;

use super::world::{Community, Kid, Seq, at};
use crate::domain::semester::Quarter;
use crate::error::CliResult;

const NOTES: [(&str, [&str; 2]); 8] = [
    (
        "home_visit",
        [
            "入户走访，孩子和奶奶在家，家中整洁，作业已完成。",
            "家访时孩子正在写作业，奶奶说孩子最近胃口不错。",
        ],
    ),
    (
        "talk",
        [
            "和孩子聊了学校的事，情绪稳定，说想爸爸妈妈。",
            "谈心：孩子说数学进步了，想参加四点半课堂。",
        ],
    ),
    (
        "teacher_contact",
        [
            "与班主任沟通，孩子上课认真，语文成绩中上。",
            "班主任反映孩子作业偶有拖欠，已约定共同督促。",
        ],
    ),
    (
        "guardian_contact",
        [
            "与奶奶沟通孩子的作息和饮食，提醒注意用电安全。",
            "与监护人沟通，提醒假期看护，不去水边玩耍。",
        ],
    ),
    (
        "letter",
        [
            "帮助孩子给在外打工的妈妈写信，孩子写了半页。",
            "孩子收到爸爸的回信，很开心，读给我听。",
        ],
    ),
    (
        "parent_call",
        [
            "协助孩子与父亲视频通话二十分钟。",
            "与在外务工的母亲通电话，介绍孩子近况。",
        ],
    ),
    (
        "tutoring",
        ["辅导数学作业一小时。", "陪孩子读绘本，练习朗读。"],
    ),
    ("aid_delivery", ["送去学习用品。", "送去冬衣和棉被。"]),
];

const FOLLOW_UPS: [(&str, &str); 4] = [
    (
        "孩子近期情绪低落，需联系在外父母沟通",
        "已联系孩子母亲，每周视频一次，孩子情绪好转",
    ),
    ("奶奶腿脚不便，需协调放学接送", "已安排网格员和邻居轮流接送"),
    (
        "数学跟不上，联系学校安排课业辅导",
        "已报名四点半课堂，班主任每周反馈",
    ),
    ("家中电线老化，需联系网格员排查", "网格员已上门检修"),
];

/// Visits and attendance go in as arrays: a few thousand rows in a handful of statements.
#[derive(Default)]
pub(super) struct Visits {
    id: Vec<Uuid>,
    child: Vec<Uuid>,
    pairing: Vec<Option<Uuid>>,
    author: Vec<Uuid>,
    kind: Vec<String>,
    on: Vec<NaiveDate>,
    minutes: Vec<i32>,
    mood: Vec<i16>,
    study: Vec<i16>,
    notes: Vec<String>,
}

impl Visits {
    pub(super) fn push(
        &mut self,
        seq: &mut Seq,
        child: Uuid,
        pairing: Option<Uuid>,
        author: Uuid,
        kind: &str,
        on: NaiveDate,
    ) -> Uuid {
        let id = Uuid::now_v7();
        let notes = NOTES
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, n)| n[seq.next(2)])
            .unwrap_or_default();
        self.id.push(id);
        self.child.push(child);
        self.pairing.push(pairing);
        self.author.push(author);
        self.kind.push(kind.to_string());
        self.on.push(on);
        self.minutes.push(20 + 10 * seq.next(6) as i32);
        self.mood.push(2 + seq.next(4) as i16);
        self.study.push(2 + seq.next(4) as i16);
        self.notes.push(notes.to_string());
        id
    }
}

#[allow(clippy::too_many_arguments)]
/// Ten children of each community paired from the start, two per volunteer; pairings end when a
/// child leaves the list or a volunteer hands over, and the volunteer takes on a newer child.
/// Each pairing meets monthly (a talk most months) and works through the five duties each
/// semester, missing one now and then.
pub(super) async fn pairings_and_visits(
    conn: &mut PgConnection,
    s: Uuid,
    c: &Community,
    ci: usize,
    kids: &[Kid],
    today: NaiveDate,
    seq: &mut Seq,
    visits: &mut Visits,
) -> CliResult {
    let mine: Vec<&Kid> = kids.iter().filter(|k| k.community == ci).collect();
    let span = (today - c.origin).num_days();
    let part = |f: f64| c.origin + Duration::days((span as f64 * f) as i64);
    // (child, volunteer, started, ended, end reason)
    let mut plan: Vec<(usize, usize, NaiveDate, Option<NaiveDate>, &str)> = Vec::new();
    for (k, kid) in mine.iter().enumerate().take(10) {
        let started = kid.created + Duration::days(20 + 3 * k as i64);
        let (ended, reason) = match (k, kid.closed) {
            (_, Some(closed)) => (Some(closed), "儿童已退出关爱名单"),
            (9, None) => (Some(part(0.5)), "志愿者工作调动，改由其他志愿者结对"),
            _ => (None, ""),
        };
        plan.push((k, k / 2, started, ended, reason));
    }
    plan.push((9, 1, part(0.5) + Duration::days(7), None, ""));
    plan.push((14, 0, part(0.4) + Duration::days(21), None, ""));
    plan.push((16, 2, part(0.6) + Duration::days(21), None, ""));
    plan.push((17, 3, part(0.7) + Duration::days(21), None, ""));
    for (k, v, started, ended, reason) in plan {
        let pairing = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on, card_signed_on,
                                  goals, ended_on, end_reason, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, '每月谈心一次，关注学习和情绪', $7, $8, $9)",
        )
        .bind(s)
        .bind(pairing)
        .bind(c.id)
        .bind(c.volunteers[v])
        .bind(mine[k].id)
        .bind(started)
        .bind(ended)
        .bind(reason)
        .bind(at(started, 10))
        .execute(&mut *conn)
        .await?;
        let author = if v == 0 {
            c.volunteer_login.unwrap_or(c.staff)
        } else {
            c.staff
        };
        let last = ended.unwrap_or(today).min(today - Duration::days(1));
        // Month by month: a talk most months, and one more duty in turn.
        let mut month = started.with_day(1).expect("valid date");
        let mut turn = 0usize;
        while month <= last {
            let day = |d: u32| month.with_day(d).expect("valid date");
            let talk_on = day(5 + seq.next(20) as u32);
            if seq.chance(85) && talk_on >= started && talk_on <= last {
                visits.push(seq, mine[k].id, Some(pairing), author, "talk", talk_on);
            }
            let kinds = [
                "home_visit",
                "guardian_contact",
                "teacher_contact",
                "letter",
                "parent_call",
                "tutoring",
                "aid_delivery",
            ];
            let other_on = day(3 + seq.next(24) as u32);
            if seq.chance(80) && other_on >= started && other_on <= last {
                visits.push(
                    seq,
                    mine[k].id,
                    Some(pairing),
                    author,
                    kinds[turn % kinds.len()],
                    other_on,
                );
            }
            turn += 1;
            month = month
                .checked_add_months(chrono::Months::new(1))
                .expect("valid date");
        }
    }
    Ok(())
}

/// The community's social worker sees every child on the list once a quarter.
pub(super) fn staff_visits(
    c: &Community,
    ci: usize,
    kids: &[Kid],
    today: NaiveDate,
    seq: &mut Seq,
    visits: &mut Visits,
) {
    for kid in kids.iter().filter(|k| k.community == ci) {
        let mut q = Quarter::containing(kid.created);
        while q.start() < today {
            let on = q.start() + Duration::days(15 + seq.next(60) as i64);
            if on < today && kid.active_on(on) {
                let kind = ["home_visit", "guardian_contact", "home_visit"][seq.next(3)];
                visits.push(seq, kid.id, None, c.staff, kind, on);
            }
            q = Quarter::containing(q.end() + Duration::days(1));
        }
    }
}

pub(super) async fn insert_visits(conn: &mut PgConnection, s: Uuid, v: &Visits) -> CliResult {
    sqlx::query(
        "INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes,
                            study_score, life_score, health_score, mood_score, notes, created_at, updated_at)
         SELECT $1, u.id, u.child, u.pairing, u.author, u.kind::visit_kind, u.on_, u.minutes, u.study, 4, 5, u.mood,
                u.notes, (u.on_ + time '18:30') AT TIME ZONE 'Asia/Shanghai', (u.on_ + time '18:30') AT TIME ZONE 'Asia/Shanghai'
         FROM UNNEST($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::date[], $8::int[], $9::smallint[],
                     $10::smallint[], $11::text[]) AS u(id, child, pairing, author, kind, on_, minutes, study, mood, notes)",
    )
    .bind(s)
    .bind(&v.id)
    .bind(&v.child)
    .bind(&v.pairing)
    .bind(&v.author)
    .bind(&v.kind)
    .bind(&v.on)
    .bind(&v.minutes)
    .bind(&v.study)
    .bind(&v.mood)
    .bind(&v.notes)
    .execute(conn)
    .await?;
    Ok(())
}

/// One volunteer visit in twelve leaves a follow-up due two weeks later: done when it is more
/// than a week past due, open otherwise (some of those already overdue).
pub(super) async fn follow_ups(
    conn: &mut PgConnection,
    s: Uuid,
    v: &Visits,
    today: NaiveDate,
    seq: &mut Seq,
) -> CliResult {
    for i in 0..v.id.len() {
        if v.pairing[i].is_none() || seq.next(12) != 0 {
            continue;
        }
        let (description, closing) = FOLLOW_UPS[seq.next(FOLLOW_UPS.len())];
        let due = v.on[i] + Duration::days(14);
        let done = due < today - Duration::days(7);
        let closed_on = due - Duration::days(2 + seq.next(8) as i64);
        sqlx::query(
            "INSERT INTO follow_up (street_id, id, child_id, visit_id, description, due_on, assignee_id, status,
                                    created_by, closed_at, closed_by, closing_note, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::follow_up_status, $7, $9, $10, $11, $12)",
        )
        .bind(s)
        .bind(Uuid::now_v7())
        .bind(v.child[i])
        .bind(v.id[i])
        .bind(description)
        .bind(due)
        .bind(v.author[i])
        .bind(if done { "done" } else { "open" })
        .bind(done.then(|| at(closed_on, 16)))
        .bind(done.then_some(v.author[i]))
        .bind(if done { closing } else { "" })
        .bind(at(v.on[i], 19))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
