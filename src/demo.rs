//! `shouhu demo`: a small, realistic street office to try Shouhu with. Deterministic, so every
//! run shows the same people; loaded once (a second run finds it and only prints the logins).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};

use crate::auth::password;
use crate::cli::{CliResult, create_street};
use crate::db;
use crate::domain::crypto::DataKey;
use crate::domain::id_number::IdNumber;
use crate::domain::ids::{ChildId, CommunityId, GridId, StreetId, UserId, VolunteerId};
use crate::domain::pinyin;

/// The password of every demo account (demo data only; never used outside `shouhu demo`).
pub const PASSWORD: &str = "shouhu-demo-2026";
pub const ADMIN_LOGIN: &str = "admin@demo.shouhu.cn";
pub const STAFF_LOGIN: &str = "13800000001";
pub const VOLUNTEER_LOGIN: &str = "13900000001";

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高",
];
const GIVEN: [&str; 24] = [
    "小明", "欣怡", "子轩", "梓涵", "浩然", "雨桐", "宇航", "思琪", "俊杰", "佳怡", "博文", "诗涵",
    "子豪", "若曦", "天佑", "可欣", "明轩", "一诺", "嘉豪", "紫萱", "晨阳", "雨萱", "志强", "梦瑶",
];
const COMMUNITIES: [(&str, &str, [&str; 2]); 3] = [
    ("幸福社区", "城关街道幸福路18号", ["一网格", "二网格"]),
    ("和平社区", "城关街道和平街5号", ["东片网格", "西片网格"]),
    ("东风社区", "城关街道东风大道102号", ["一网格", "二网格"]),
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

/// A small deterministic generator (no randomness: the demo looks the same every time).
struct Seq(u64);

impl Seq {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Where `shouhu demo` keeps the key it generated, so a restarted demo can still read its data.
pub const KEY_FILE: &str = "data/demo-data-key";

/// The demo's data key: the one configured, else the one saved by an earlier run, else a new
/// one saved for the next run.
pub fn data_key(configured: Option<&str>) -> CliResult<DataKey> {
    if let Some(encoded) = configured {
        return Ok(DataKey::from_base64(encoded).map_err(|e| format!("SHOUHU_DATA_KEY: {e}"))?);
    }
    if let Ok(saved) = std::fs::read_to_string(KEY_FILE) {
        return Ok(DataKey::from_base64(&saved).map_err(|e| format!("{KEY_FILE}: {e}"))?);
    }
    let (key, encoded) = DataKey::generate();
    std::fs::create_dir_all("data")?;
    std::fs::write(KEY_FILE, format!("{encoded}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(KEY_FILE, std::fs::Permissions::from_mode(0o600))?;
    }
    println!("generated a development data key in {KEY_FILE} (demo only)");
    Ok(key)
}

/// Load the demo street unless it is there already; returns one login per role.
pub async fn load(pool: &PgPool, key: &DataKey) -> CliResult<Vec<(&'static str, &'static str)>> {
    let logins = vec![
        ("street admin", ADMIN_LOGIN),
        ("community staff", STAFF_LOGIN),
        ("volunteer", VOLUNTEER_LOGIN),
    ];
    let mut tx = db::begin_anonymous(pool).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM auth_user_by_login($1))")
        .bind(ADMIN_LOGIN)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    if exists {
        println!("demo street already loaded");
        return Ok(logins);
    }
    let (street, admin) = create_street(
        pool,
        "城关街道（演示）",
        ADMIN_LOGIN,
        "街道管理员 周丽",
        PASSWORD,
        false,
    )
    .await?;
    let hash = password::hash(PASSWORD.to_string()).await?;
    let mut tx = db::begin(pool, street, Some(admin)).await?;
    fill(&mut tx, street, admin, &hash, key).await?;
    tx.commit().await?;
    Ok(logins)
}

async fn fill(
    conn: &mut PgConnection,
    street: StreetId,
    admin: UserId,
    hash: &str,
    key: &DataKey,
) -> Result<(), sqlx::Error> {
    let mut seq = Seq(20261128);
    let today = Utc::now().date_naive();
    for (ci, (name, address, grids)) in COMMUNITIES.iter().enumerate() {
        let community = CommunityId::new();
        sqlx::query!(
            "INSERT INTO community (street_id, id, name, address) VALUES ($1, $2, $3, $4)",
            street.0,
            community.0,
            name,
            address
        )
        .execute(&mut *conn)
        .await?;
        let mut grid_ids = Vec::new();
        for grid in grids {
            let id = GridId::new();
            sqlx::query!(
                "INSERT INTO grid (street_id, id, community_id, name) VALUES ($1, $2, $3, $4)",
                street.0,
                id.0,
                community.0,
                grid
            )
            .execute(&mut *conn)
            .await?;
            grid_ids.push(id);
        }
        // One staff account per community; the first community's is the printed demo login.
        let staff = UserId::new();
        let staff_login = format!("1380000000{}", ci + 1);
        let staff_name = format!("{}社工", SURNAMES[ci + 3]);
        sqlx::query!(
            "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, password_hash, must_change_password)
             VALUES ($1, $2, $3, $4, 'community_staff', $5, $6, false)",
            street.0, staff.0, staff_login, staff_name, community.0, hash,
        )
        .execute(&mut *conn)
        .await?;

        // Five volunteers per community.
        let kinds = [
            "caring_mother",
            "proxy_parent",
            "teacher",
            "party_member",
            "retired_cadre",
        ];
        let mut volunteers = Vec::new();
        for (vi, kind) in kinds.iter().enumerate() {
            let id = VolunteerId::new();
            let vname = format!(
                "{}{}",
                SURNAMES[seq.next(20)],
                ["秀英", "桂兰", "建国", "志红", "海燕"][vi]
            );
            let phone = format!("1390000{}{:03}", ci, vi + 1);
            sqlx::query!(
                "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind, record_check_seen_on, training_done_on,
                                        conduct_accepted_at)
                 VALUES ($1, $2, $3, $4, $5, $6::text::volunteer_kind, $7, $7, now())",
                street.0, id.0, community.0, vname, phone, kind, today - Duration::days(200),
            )
            .execute(&mut *conn)
            .await?;
            volunteers.push((id, vname, phone));
        }
        // The first volunteer of the first community has a login.
        if ci == 0 {
            let (vid, vname, _) = &volunteers[0];
            sqlx::query!(
                "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash,
                                       must_change_password)
                 VALUES ($1, $2, $3, $4, 'volunteer', $5, $6, $7, false)",
                street.0, UserId::new().0, VOLUNTEER_LOGIN, vname, community.0, vid.0, hash,
            )
            .execute(&mut *conn)
            .await?;
        }

        // Twenty children per community, each with a grandparent guardian and a parent away.
        for k in 0..20 {
            let child = ChildId::new();
            let cname = format!("{}{}", SURNAMES[seq.next(20)], GIVEN[seq.next(24)]);
            let age = 6 + seq.next(9) as i32;
            let birth = NaiveDate::from_ymd_opt(
                today.year() - age,
                1 + seq.next(12) as u32,
                1 + seq.next(28) as u32,
            )
            .expect("valid date");
            let gender = if seq.next(2) == 0 { "male" } else { "female" };
            let left_behind = ["both_parents_away", "father_away", "mother_away"][seq.next(3)];
            let care = ["grandparents", "grandparents", "relatives", "self_care"][seq.next(4)];
            let grade = format!(
                "{}年级",
                ["一", "二", "三", "四", "五", "六", "七", "八", "九"]
                    [(age - 6).clamp(0, 8) as usize]
            );
            let school = SCHOOLS[if age >= 12 { 2 } else { seq.next(2) }];
            // A valid ID number that agrees with the birth date and gender (odd 17th digit: male).
            let sequence = 100 + 2 * (ci * 20 + k) as u32 + u32::from(gender == "male");
            let id_number = IdNumber::with_check_digit(&format!(
                "360781{}{:03}",
                birth.format("%Y%m%d"),
                sequence % 1000
            ))
            .expect("demo ID numbers are valid");
            sqlx::query!(
                "INSERT INTO child (street_id, id, community_id, grid_id, name, name_initials, gender, birth_date,
                                    id_number_enc, id_number_hash, id_number_masked, address, school, grade,
                                    class_name, left_behind, parents_work_place, parents_return_frequency, care_situation,
                                    risk_level, verified_on, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::gender, $8, $9, $10, $11, $12, $13, $14, $15,
                         $16::text::left_behind_kind, $17, $18, $19::text::care_situation, $20::text::risk_level, $21, $22)",
                street.0, child.0, community.0, grid_ids[k % 2].0, cname, pinyin::initials(&cname), gender, birth,
                key.encrypt(id_number.as_str()), key.keyed_hash(id_number.as_str()), id_number.masked(),
                format!("{}{}号", address, k + 1), school, grade, format!("{}班", 1 + seq.next(4)),
                left_behind, WORK_PLACES[seq.next(6)], "每年春节回家一次", care,
                ["low", "low", "medium", "high"][seq.next(4)], today - Duration::days(seq.next(120) as i64), staff.0,
            )
            .execute(&mut *conn)
            .await?;
            let surname: String = cname.chars().take(1).collect();
            sqlx::query!(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_entrusted, agreement_signed_on)
                 VALUES ($1, $2, $3, $4, 'paternal_grandmother', $5, true, $6)",
                street.0, uuid::Uuid::now_v7(), child.0, format!("{surname}奶奶"),
                format!("1350000{}{:03}", ci, k), today - Duration::days(300),
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!(
                "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, work_place, family_phone,
                                       return_frequency)
                 VALUES ($1, $2, $3, $4, 'father', $5, true, $6, $5, '每年春节')",
                street.0, uuid::Uuid::now_v7(), child.0, format!("{surname}爸爸"),
                format!("1360000{}{:03}", ci, k), WORK_PLACES[seq.next(6)],
            )
            .execute(&mut *conn)
            .await?;
            // A few files still lack the guardian's consent: the demo's 建档率 is not 100%.
            if k % 7 != 6 {
                sqlx::query!(
                "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version, recorded_by)
                 VALUES ($1, $2, $3, 'file', $4, 'paternal_grandmother', $5, 'written', '2026-v1', $6)",
                street.0, uuid::Uuid::now_v7(), child.0, format!("{surname}奶奶"), today - Duration::days(300), staff.0,
            )
            .execute(&mut *conn)
            .await?;
            }

            // Pair the first ten children of each community, two per volunteer.
            if k < 10 {
                let (vid, _, _) = &volunteers[k / 2];
                let pairing = uuid::Uuid::now_v7();
                sqlx::query!(
                    "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on, card_signed_on, goals)
                     VALUES ($1, $2, $3, $4, $5, $6, $6, '每月谈心一次，关注学习和情绪')",
                    street.0, pairing, community.0, vid.0, child.0, today - Duration::days(150),
                )
                .execute(&mut *conn)
                .await?;
                for (n, kind) in ["home_visit", "talk", "parent_call"].iter().enumerate() {
                    if seq.next(3) == 0 && n > 0 {
                        continue;
                    }
                    sqlx::query!(
                        "INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes,
                                            study_score, life_score, health_score, mood_score, notes)
                         VALUES ($1, $2, $3, $4, $5, $6::text::visit_kind, $7, $8, 4, 4, 5, $9, $10)",
                        street.0, uuid::Uuid::now_v7(), child.0, pairing, staff.0, kind,
                        today - Duration::days(5 + seq.next(100) as i64), 30 + 15 * seq.next(4) as i32,
                        (2 + seq.next(4)) as i16, "孩子学习认真，和奶奶相处融洽。",
                    )
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }

        for (title, kind, days) in [
            ("“两地书·亲子情”书信活动", "family_letter_day", -40i64),
            ("暑期安全知识讲座", "legal_safety_lecture", 12),
        ] {
            let starts = (today + Duration::days(days))
                .and_hms_opt(9, 0, 0)
                .expect("time")
                .and_utc();
            sqlx::query!(
                "INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity, created_by, status)
                 VALUES ($1, $2, $3, $4::text::activity_kind, $5, $6, $7, $8, 40, $9, $10::text::activity_status)",
                street.0, uuid::Uuid::now_v7(), community.0, kind, format!("{name}{title}"), starts,
                starts + Duration::hours(2), format!("{name}活动室"), staff.0, if days < 0 { "held" } else { "planned" },
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    let _ = admin;
    Ok(())
}

/// Login of the large demo's street admin.
pub const LARGE_ADMIN_LOGIN: &str = "admin@large.shouhu.cn";

/// `shouhu demo --scale large`: 30 communities, 5,000 children with guardians and consent,
/// 150 volunteers with 450 pairings, a year of visits (about 110,000) and some 930 follow-ups,
/// 1,200 activities with about 30,000 attendances, and aid: the tenant the speed targets are
/// measured on. Logins: the admin, `staff01@large.shouhu.cn` … and `v001@large.shouhu.cn` ….
/// Made with set-based SQL so it loads in seconds.
pub async fn load_large(
    pool: &PgPool,
    key: &DataKey,
) -> CliResult<Vec<(&'static str, &'static str)>> {
    let logins = vec![
        ("street admin", LARGE_ADMIN_LOGIN),
        ("community staff", "staff01@large.shouhu.cn"),
        ("volunteer", "v001@large.shouhu.cn"),
    ];
    let mut tx = db::begin_anonymous(pool).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM auth_user_by_login($1))")
        .bind(LARGE_ADMIN_LOGIN)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    if exists {
        println!("large demo street already loaded");
        return Ok(logins);
    }
    let (street, admin) = create_street(
        pool,
        "大型演示街道",
        LARGE_ADMIN_LOGIN,
        "街道管理员",
        PASSWORD,
        false,
    )
    .await?;
    let _ = key;
    let mut tx = db::begin(pool, street, Some(admin)).await?;
    // Thousands of children, guardians and visits.
    db::reuse_plans_for_bulk_write(&mut tx, db::BULK_ROWS).await?;
    let hash = password::hash(PASSWORD.to_string()).await?;
    let statements = [
        "INSERT INTO community (street_id, id, name, address)
         SELECT $1, gen_random_uuid(), '第' || lpad(n::text, 2, '0') || '社区', '演示路' || n || '号' FROM generate_series(1, 30) n",
        "INSERT INTO child (street_id, id, community_id, name, name_initials, gender, birth_date, address, school, grade, left_behind,
                            parents_work_place, care_situation, verified_on, created_at)
         SELECT $1, gen_random_uuid(), c.id, '儿童' || n, 'et', CASE WHEN n % 2 = 0 THEN 'male' ELSE 'female' END::gender,
                date '2012-01-01' + (n % 3000), '演示路', '演示小学', '四年级', 'both_parents_away', '广东省东莞市', 'grandparents',
                CASE WHEN n % 3 = 0 THEN current_date - 20 END, now() - ((n % 400) || ' days')::interval
         FROM generate_series(1, 5000) n
         JOIN LATERAL (SELECT id FROM community WHERE street_id = $1 ORDER BY name OFFSET (n % 30) LIMIT 1) c ON true",
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_entrusted)
         SELECT $1, gen_random_uuid(), id, '奶奶', 'paternal_grandmother', '13500000000', true FROM child WHERE street_id = $1",
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_parent_away, work_place, family_phone)
         SELECT $1, gen_random_uuid(), id, '爸爸', 'father', '13600000000', true, '东莞', '13600000000' FROM child WHERE street_id = $1",
        "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version)
         SELECT $1, gen_random_uuid(), id, 'file', '奶奶', 'paternal_grandmother', current_date - 300, 'written', 'v1'
         FROM child WHERE street_id = $1 AND random() < 0.9",
        // 150 volunteers: five per community.
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind, record_check_seen_on, training_done_on, conduct_accepted_at)
         SELECT $1, gen_random_uuid(), c.id, c.name || '志愿者' || n, '13900000000', 'caring_mother', current_date - 300, current_date - 290, now()
         FROM community c CROSS JOIN generate_series(1, 5) n WHERE c.street_id = $1",
        // Each volunteer paired with three children of their community (the caseload cap).
        "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on)
         SELECT $1, gen_random_uuid(), k.community_id, v.id, k.id, current_date - 360
         FROM (SELECT id, community_id, row_number() OVER (PARTITION BY community_id ORDER BY id) AS r FROM child WHERE street_id = $1) k
         JOIN (SELECT id, community_id, row_number() OVER (PARTITION BY community_id ORDER BY id) AS r FROM volunteer WHERE street_id = $1) v
           ON v.community_id = k.community_id AND v.r = (k.r - 1) / 3 + 1
         WHERE k.r <= 15",
        // One staff account per community (staff01@large.shouhu.cn …) and one login per volunteer
        // (v001@large.shouhu.cn …), all with the demo password ($2 is its hash).
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, password_hash, must_change_password)
         SELECT $1, gen_random_uuid(), 'staff' || lpad(row_number() OVER (ORDER BY name)::text, 2, '0') || '@large.shouhu.cn',
                name || '工作人员', 'community_staff', id, $2, false
         FROM community WHERE street_id = $1",
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash, must_change_password)
         SELECT $1, gen_random_uuid(), 'v' || lpad(row_number() OVER (ORDER BY c.name, v.name)::text, 3, '0') || '@large.shouhu.cn',
                v.name, 'volunteer', v.community_id, v.id, $2, false
         FROM volunteer v JOIN community c ON c.street_id = v.street_id AND c.id = v.community_id WHERE v.street_id = $1",
        // A year of visits, about 110,000: each pairing weekly by its volunteer ...
        "INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes, study_score, mood_score)
         SELECT $1, gen_random_uuid(), p.child_id, p.id, u.id,
                (ARRAY['home_visit','talk','teacher_contact','guardian_contact','letter','talk','parent_call','talk','tutoring','talk','aid_delivery','talk'])[w % 12 + 1]::visit_kind,
                current_date - (w * 7 - 3), 45, 3 + w % 3, 2 + w % 4
         FROM pairing p JOIN app_user u ON u.street_id = p.street_id AND u.volunteer_id = p.volunteer_id
         CROSS JOIN generate_series(1, 52) w WHERE p.street_id = $1",
        // ... and every child seventeen times by their community's staff.
        "INSERT INTO visit (street_id, id, child_id, author_id, kind, visited_on, duration_minutes)
         SELECT $1, gen_random_uuid(), k.id, u.id,
                (ARRAY['home_visit','guardian_contact','teacher_contact','parent_call'])[m % 4 + 1]::visit_kind,
                current_date - (m * 21 + (abs(hashtext(k.id::text)) % 20)), 30
         FROM child k JOIN app_user u ON u.street_id = k.street_id AND u.community_id = k.community_id AND u.role = 'community_staff'
         CROSS JOIN generate_series(0, 16) m WHERE k.street_id = $1",
        // About 930 follow-ups: one volunteer visit in twenty-five leaves one, assigned to the
        // volunteer who logged it and due two weeks later; those of visits over a month old are
        // done, the rest (about 80) open on the volunteers' home pages.
        "INSERT INTO follow_up (street_id, id, child_id, visit_id, description, due_on, assignee_id, status,
                                created_by, closed_at, closed_by, closing_note, created_at)
         SELECT v.street_id, gen_random_uuid(), v.child_id, v.id, '回访后跟进：联系监护人', v.visited_on + 14, v.author_id,
                (CASE WHEN old THEN 'done' ELSE 'open' END)::follow_up_status, v.author_id,
                CASE WHEN old THEN (v.visited_on + 10)::timestamptz END, CASE WHEN old THEN v.author_id END,
                CASE WHEN old THEN '已联系，情况稳定' ELSE '' END, v.visited_on::timestamptz
         FROM visit v CROSS JOIN LATERAL (SELECT v.visited_on < current_date - 30 AS old) o
         WHERE v.street_id = $1 AND v.pairing_id IS NOT NULL AND abs(hashtext(v.id::text)) % 25 = 0",
        // 1,200 activities: forty a community over the year.
        "INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity, created_by, status)
         SELECT $1, gen_random_uuid(), c.id,
                (ARRAY['themed_day','family_letter_day','tutoring_class','legal_safety_lecture'])[m % 4 + 1]::activity_kind,
                c.name || '活动' || m, now() - (m * 9 || ' days')::interval,
                now() - (m * 9 || ' days')::interval + interval '2 hours', '活动室', 50, $2, 'held'
         FROM community c CROSS JOIN generate_series(1, 40) m WHERE c.street_id = $1",
    ];
    for sql in statements {
        let query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(street.0);
        // Postgres refuses parameters a statement does not use: only those naming $2 get the
        // admin (or, for accounts, the password hash).
        let query = if sql.contains("INSERT INTO app_user") {
            query.bind(&hash)
        } else if sql.contains("$2") {
            query.bind(admin.0)
        } else {
            query
        };
        query.execute(&mut *tx).await?;
    }
    // About 30,000 person-times: 25 children of the community at each activity; aid for every
    // child once.
    sqlx::query(
        "INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by)
         SELECT a.street_id, gen_random_uuid(), a.id, c.id, a.created_by FROM activity a
         JOIN LATERAL (SELECT id FROM child WHERE street_id = a.street_id AND community_id = a.community_id
                       ORDER BY hashtext(id::text || a.id::text) LIMIT 25) c ON true
         WHERE a.street_id = $1",
    )
    .bind(street.0)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO aid (street_id, id, child_id, kind, given_on, amount_fen, donor, recorded_by)
         SELECT street_id, gen_random_uuid(), id, (ARRAY['tuition','school_supplies','goods','cash'])[abs(hashtext(id::text)) % 4 + 1]::aid_kind,
                current_date - abs(hashtext(id::text)) % 360, 10000 + abs(hashtext(id::text)) % 50000, '爱心企业', $2
         FROM child WHERE street_id = $1",
    )
    .bind(street.0)
    .bind(admin.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Fresh statistics and visibility maps, as autovacuum would make them soon after a bulk
    // load: without them the planner guesses one row per table and index-only scans are not.
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    Ok(logins)
}

/// `shouhu demo --tenants N`: N ordinary street offices (`租户街道0001` …), each with two
/// communities, 200 children with a guardian and consent, ten volunteers with thirty pairings and
/// a year of monthly visits, and an admin (`admin@t0001.shouhu.cn` …, the demo password). They
/// make isolation and the indexes work among many tenants. Idempotent: streets already there
/// are skipped. Set-based SQL in one transaction, as the owner role.
pub async fn load_tenants(pool: &PgPool, tenants: u32) -> CliResult<u64> {
    let hash = password::hash(PASSWORD.to_string()).await?;
    let mut tx = pool.begin().await?;
    db::reuse_plans_for_bulk_write(&mut tx, tenants as usize * 200).await?;
    sqlx::query(
        "CREATE TEMP TABLE new_street ON COMMIT DROP AS
         SELECT gen_random_uuid() AS id, n, lpad(n::text, 4, '0') AS tag FROM generate_series(1, $1) n
         WHERE NOT EXISTS (SELECT 1 FROM street WHERE name = '租户街道' || lpad(n::text, 4, '0'))",
    )
    .bind(tenants as i32)
    .execute(&mut *tx)
    .await?;
    let statements: [&str; 10] = [
        "INSERT INTO street (id, name) SELECT id, '租户街道' || tag FROM new_street",
        "INSERT INTO community (street_id, id, name) SELECT s.id, gen_random_uuid(), '第' || k || '社区'
         FROM new_street s CROSS JOIN generate_series(1, 2) k",
        "INSERT INTO app_user (street_id, id, login, display_name, role, password_hash, must_change_password)
         SELECT id, gen_random_uuid(), 'admin@t' || tag || '.shouhu.cn', '街道管理员', 'street_admin', $1, false FROM new_street",
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, password_hash, must_change_password)
         SELECT s.id, gen_random_uuid(), 'staff' || right(c.name, 3) || '@t' || s.tag || '.shouhu.cn', '社区工作人员',
                'community_staff', c.id, $1, false
         FROM new_street s JOIN community c ON c.street_id = s.id",
        "INSERT INTO child (street_id, id, community_id, name, name_initials, gender, birth_date, address, school, grade,
                            left_behind, parents_work_place, care_situation, created_at)
         SELECT c.street_id, gen_random_uuid(), c.id, '儿童' || g.i, 'et', CASE WHEN g.i % 2 = 0 THEN 'male' ELSE 'female' END::gender,
                date '2012-01-01' + (g.i * 17 % 3000), '演示路', '演示小学', '四年级', 'both_parents_away', '浙江省宁波市',
                'grandparents', now() - ((g.i % 300) || ' days')::interval
         FROM new_street s JOIN community c ON c.street_id = s.id CROSS JOIN generate_series(1, 100) AS g(i)",
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_entrusted)
         SELECT k.street_id, gen_random_uuid(), k.id, '奶奶', 'paternal_grandmother', '13500000000', true
         FROM child k JOIN new_street s ON s.id = k.street_id",
        "INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version)
         SELECT k.street_id, gen_random_uuid(), k.id, 'file', '奶奶', 'paternal_grandmother', current_date - 200, 'written', 'v1'
         FROM child k JOIN new_street s ON s.id = k.street_id",
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind, record_check_seen_on, training_done_on, conduct_accepted_at)
         SELECT c.street_id, gen_random_uuid(), c.id, '志愿者' || g.i, '13900000000', 'caring_mother', current_date - 300,
                current_date - 290, now()
         FROM new_street s JOIN community c ON c.street_id = s.id CROSS JOIN generate_series(1, 5) AS g(i)",
        "INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on)
         SELECT k.street_id, gen_random_uuid(), k.community_id, v.id, k.id, current_date - 360
         FROM (SELECT c.street_id, c.id, c.community_id, row_number() OVER (PARTITION BY c.community_id ORDER BY c.id) AS r
               FROM child c JOIN new_street s ON s.id = c.street_id) k
         JOIN (SELECT v.id, v.community_id, row_number() OVER (PARTITION BY v.community_id ORDER BY v.id) AS r
               FROM volunteer v JOIN new_street s ON s.id = v.street_id) v
           ON v.community_id = k.community_id AND v.r = (k.r - 1) / 3 + 1
         WHERE k.r <= 15",
        "INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes)
         SELECT p.street_id, gen_random_uuid(), p.child_id, p.id, u.id,
                (ARRAY['home_visit','talk','letter','parent_call'])[m % 4 + 1]::visit_kind, current_date - (m * 30 - 5), 40
         FROM pairing p JOIN new_street s ON s.id = p.street_id
         JOIN app_user u ON u.street_id = p.street_id AND u.community_id = p.community_id AND u.role = 'community_staff'
         CROSS JOIN generate_series(1, 12) AS g(m)",
    ];
    for sql in statements {
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = if sql.contains("$1") {
            query.bind(&hash)
        } else {
            query
        };
        query.execute(&mut *tx).await?;
    }
    let added: i64 = sqlx::query_scalar("SELECT count(*) FROM new_street")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    Ok(added as u64)
}
