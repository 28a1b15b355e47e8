//! The small demo street: three communities with two years of history, made relative to today
//! so the demo never ages. Children registered at different times (some closed, with their
//! status history), pairings started and ended, visits of every kind over four semesters,
//! activities of the programme's kinds in their seasons with attendance, aid from named donors,
//! follow-ups open and closed, and the quarterly reports of the past six quarters in every state.
//! Every figure a page shows is computed from these records; approved reports freeze the
//! figures the records give on the day of approval.

use chrono::{Datelike, Duration, NaiveDate};
use sqlx::PgConnection;
use uuid::Uuid;

use super::world::{Community, Kid, Seq, at};
use super::{events, visits};
use crate::domain::crypto::DataKey;
use crate::domain::id_number::IdNumber;
use crate::domain::ids::{StreetId, UserId};
use crate::domain::pinyin;
use crate::domain::semester::{Quarter, today_in_china};
use crate::error::CliResult;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: [&str; 24] = [
    "小明", "欣怡", "子轩", "梓涵", "浩然", "雨桐", "宇航", "思琪", "俊杰", "佳怡", "博文", "诗涵",
    "子豪", "若曦", "天佑", "可欣", "明轩", "一诺", "嘉豪", "紫萱", "晨阳", "雨萱", "志强", "梦瑶",
];
/// Name, address, grids, and how many days before today the community joined the programme
/// (东风社区 joined later: its first quarters have no report).
const COMMUNITIES: [(&str, &str, [&str; 2], i64); 3] = [
    ("幸福社区", "城关街道幸福路18号", ["一网格", "二网格"], 760),
    (
        "和平社区",
        "城关街道和平街5号",
        ["东片网格", "西片网格"],
        745,
    ),
    (
        "东风社区",
        "城关街道东风大道102号",
        ["一网格", "二网格"],
        420,
    ),
];
const WORK_PLACES: [&str; 6] = [
    "广东省东莞市",
    "浙江省义乌市",
    "江苏省苏州市",
    "上海市",
    "福建省晋江市",
    "广东省深圳市",
];
const SCHOOLS: [&str; 3] = ["城关第一小学", "城关第二小学", "城关中学"];
const VOLUNTEER_KINDS: [(&str, &str); 5] = [
    ("caring_mother", "秀英"),
    ("proxy_parent", "桂兰"),
    ("teacher", "建国"),
    ("party_member", "志红"),
    ("retired_cadre", "海燕"),
];
/// Children registered in a community; four of them leave the list over the two years.
const CHILDREN: usize = 24;

pub(super) async fn fill(
    conn: &mut PgConnection,
    street: StreetId,
    admin: UserId,
    hash: &str,
    key: &DataKey,
) -> CliResult {
    let mut seq = Seq(20261128);
    let today = today_in_china();
    let s = street.0;
    let mut communities = Vec::new();
    let mut kids: Vec<Kid> = Vec::new();
    let mut visits = visits::Visits::default();
    // The street office has run the programme since the first community joined.
    sqlx::query("UPDATE street SET created_at = $2 WHERE id = $1")
        .bind(s)
        .bind(at(today - Duration::days(COMMUNITIES[0].3 + 10), 9))
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE app_user SET created_at = $2 WHERE street_id = $1 AND id = $3")
        .bind(s)
        .bind(at(today - Duration::days(COMMUNITIES[0].3 + 10), 9))
        .bind(admin.0)
        .execute(&mut *conn)
        .await?;

    for (ci, (name, address, grids, age)) in COMMUNITIES.iter().enumerate() {
        // 东风社区 joined at the start of a quarter, so its first report is a whole quarter's.
        let origin = if ci == 2 {
            Quarter::containing(today - Duration::days(*age)).start()
        } else {
            today - Duration::days(*age)
        };
        let community = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO community (street_id, id, name, address, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(s)
        .bind(community)
        .bind(name)
        .bind(address)
        .bind(at(origin, 9))
        .execute(&mut *conn)
        .await?;
        let mut grid_ids = Vec::new();
        for grid in grids {
            let id = Uuid::now_v7();
            sqlx::query(
                "INSERT INTO grid (street_id, id, community_id, name, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(s)
            .bind(id)
            .bind(community)
            .bind(grid)
            .bind(at(origin, 9))
            .execute(&mut *conn)
            .await?;
            grid_ids.push(id);
        }
        // One staff account per community; the first community's is the printed demo login.
        let staff = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, password_hash,
                                   must_change_password, created_at)
             VALUES ($1, $2, $3, $4, 'community_staff', $5, $6, false, $7)",
        )
        .bind(s)
        .bind(staff)
        .bind(format!("1380000000{}", ci + 1))
        .bind(format!("{}社工", SURNAMES[ci + 3]))
        .bind(community)
        .bind(hash)
        .bind(at(origin, 9))
        .execute(&mut *conn)
        .await?;

        // Five volunteers, checked and trained before the community's first pairings.
        let mut volunteers = Vec::new();
        let mut volunteer_login = None;
        for (vi, (kind, given)) in VOLUNTEER_KINDS.iter().enumerate() {
            let id = Uuid::now_v7();
            let vname = format!("{}{}", SURNAMES[seq.next(20)], given);
            sqlx::query(
                "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind, record_check_seen_on,
                                        training_done_on, conduct_accepted_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6::text::volunteer_kind, $7, $7, $8, $8)",
            )
            .bind(s)
            .bind(id)
            .bind(community)
            .bind(&vname)
            .bind(format!("1390000{}{:03}", ci, vi + 1))
            .bind(kind)
            .bind(origin + Duration::days(5))
            .bind(at(origin + Duration::days(5), 10))
            .execute(&mut *conn)
            .await?;
            // The first volunteer of the first community has a login.
            if ci == 0 && vi == 0 {
                let user = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id,
                                           password_hash, must_change_password, created_at)
                     VALUES ($1, $2, $3, $4, 'volunteer', $5, $6, $7, false, $8)",
                )
                .bind(s)
                .bind(user)
                .bind(super::VOLUNTEER_LOGIN)
                .bind(&vname)
                .bind(community)
                .bind(id)
                .bind(hash)
                .bind(at(origin + Duration::days(5), 10))
                .execute(&mut *conn)
                .await?;
                volunteer_login = Some(user);
            }
            volunteers.push(id);
        }
        let span = (today - origin).num_days();
        let part = |f: f64| origin + Duration::days((span as f64 * f) as i64);

        // The roster: fourteen children from the first survey, ten registered since.
        for k in 0..CHILDREN {
            let created = if k < 14 {
                origin + Duration::days(2 * k as i64)
            } else {
                part(0.08 * (k - 13) as f64)
            };
            // Four leave the list: parents back home, moved away, turned sixteen, parents back.
            let closing: Option<(NaiveDate, &str, &str)> = match k {
                1 => Some((part(0.4), "parents_returned", "父亲返乡在本地就业")),
                4 => Some((part(0.6), "moved_away", "随父母迁往广东省东莞市就读")),
                7 => Some((part(0.7), "aged_out", "已年满16周岁")),
                15 => Some((part(0.9), "parents_returned", "母亲返乡照顾")),
                _ => None,
            };
            let birth = match closing {
                Some((on, "aged_out", _)) => on - chrono::Months::new(16 * 12),
                _ => NaiveDate::from_ymd_opt(
                    today.year() - 7 - seq.next(8) as i32,
                    1 + seq.next(12) as u32,
                    1 + seq.next(28) as u32,
                )
                .expect("valid date"),
            };
            let age = today.year() - birth.year();
            let cname = format!("{}{}", SURNAMES[seq.next(20)], GIVEN[seq.next(24)]);
            let gender = if seq.next(2) == 0 { "male" } else { "female" };
            let grade = format!(
                "{}年级",
                ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
                    [(age - 7).clamp(0, 8) as usize]
            );
            let school = SCHOOLS[if age >= 13 { 2 } else { seq.next(2) }];
            // A valid ID number that agrees with the birth date and gender (odd 17th digit: male).
            let sequence = 100 + 2 * (ci * CHILDREN + k) as u32 + u32::from(gender == "male");
            let id_number = IdNumber::with_check_digit(&format!(
                "360781{}{:03}",
                birth.format("%Y%m%d"),
                sequence % 1000
            ))
            .expect("demo ID numbers are valid");
            let child = Uuid::now_v7();
            let (status, changed_on, reason) = match closing {
                Some((on, status, reason)) => (status, Some(on), reason),
                None => ("active", None, ""),
            };
            // Files still on the list were re-checked this semester or the last.
            let verified = closing
                .is_none()
                .then(|| (today - Duration::days(seq.next(150) as i64)).max(created));
            sqlx::query(
                "INSERT INTO child (street_id, id, community_id, grid_id, name, name_initials, gender, birth_date,
                                    id_number_enc, id_number_hash, id_number_masked, address, school, grade,
                                    class_name, left_behind, parents_work_place, parents_return_frequency, care_situation,
                                    risk_level, verified_on, created_by, status, status_changed_on, status_reason,
                                    created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::gender, $8, $9, $10, $11, $12, $13, $14, $15,
                         $16::text::left_behind_kind, $17, '每年春节回家一次', $18::text::care_situation,
                         $19::text::risk_level, $20, $21, $22::text::child_status, $23, $24, $25, $25)",
            )
            .bind(s)
            .bind(child)
            .bind(community)
            .bind(grid_ids[k % 2])
            .bind(&cname)
            .bind(pinyin::search_key(&cname))
            .bind(gender)
            .bind(birth)
            .bind(key.encrypt(id_number.as_str()))
            .bind(key.keyed_hash(id_number.as_str()))
            .bind(id_number.masked())
            .bind(format!("{}{}号", address, k + 1))
            .bind(school)
            .bind(grade)
            .bind(format!("{}班", 1 + seq.next(4)))
            .bind(["both_parents_away", "father_away", "mother_away"][seq.next(3)])
            .bind(WORK_PLACES[seq.next(6)])
            .bind(["grandparents", "grandparents", "relatives", "self_care"][seq.next(4)])
            .bind(["low", "low", "medium", "high"][seq.next(4)])
            .bind(verified)
            .bind(staff)
            .bind(status)
            .bind(changed_on)
            .bind(reason)
            .bind(at(created, 10))
            .execute(&mut *conn)
            .await?;
            if let Some((on, status, reason)) = closing {
                sqlx::query(
                    "INSERT INTO child_status_change (street_id, id, child_id, from_status, to_status, changed_on,
                                                      reason, changed_by, created_at)
                     VALUES ($1, $2, $3, 'active', $4::text::child_status, $5, $6, $7, $8)",
                )
                .bind(s)
                .bind(Uuid::now_v7())
                .bind(child)
                .bind(status)
                .bind(on)
                .bind(reason)
                .bind(staff)
                .bind(at(on, 15))
                .execute(&mut *conn)
                .await?;
            }
            let surname: String = cname.chars().take(1).collect();
            sqlx::query(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_entrusted, agreement_signed_on)
                 VALUES ($1, $2, $3, $4, 'paternal_grandmother', $5, true, $6)",
            )
            .bind(s)
            .bind(Uuid::now_v7())
            .bind(child)
            .bind(format!("{surname}奶奶"))
            .bind(format!("1350000{}{:03}", ci, k))
            .bind(created)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, work_place,
                                       family_phone, return_frequency)
                 VALUES ($1, $2, $3, $4, 'father', $5, true, $6, $5, '每年春节')",
            )
            .bind(s)
            .bind(Uuid::now_v7())
            .bind(child)
            .bind(format!("{surname}爸爸"))
            .bind(format!("1360000{}{:03}", ci, k))
            .bind(WORK_PLACES[seq.next(6)])
            .execute(&mut *conn)
            .await?;
            // A few files still lack the guardian's consent: the demo's 建档率 is not 100%.
            if k % 7 != 6 {
                sqlx::query(
                    "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method,
                                          notice_version, recorded_by)
                     VALUES ($1, $2, $3, 'file', $4, 'paternal_grandmother', $5, 'written', '2026-v1', $6)",
                )
                .bind(s)
                .bind(Uuid::now_v7())
                .bind(child)
                .bind(format!("{surname}奶奶"))
                .bind(created)
                .bind(staff)
                .execute(&mut *conn)
                .await?;
            }
            kids.push(Kid {
                id: child,
                community: ci,
                created,
                closed: changed_on,
            });
        }
        communities.push(Community {
            id: community,
            name,
            origin,
            staff,
            volunteers,
            volunteer_login,
        });
    }

    for (ci, community) in communities.iter().enumerate() {
        visits::pairings_and_visits(conn, s, community, ci, &kids, today, &mut seq, &mut visits)
            .await?;
        visits::staff_visits(community, ci, &kids, today, &mut seq, &mut visits);
    }
    visits::insert_visits(conn, s, &visits).await?;
    visits::follow_ups(conn, s, &visits, today, &mut seq).await?;
    for (ci, community) in communities.iter().enumerate() {
        events::activities(conn, s, community, ci, &kids, today, &mut seq).await?;
    }
    for (ci, community) in communities.iter().enumerate() {
        events::reports(conn, street, admin, community, ci, today).await?;
    }
    Ok(())
}
