//! The large demo street and the many-tenants load: set-based SQL, made to measure the speed
//! targets and isolation among many tenants, not to be read.

use sqlx::PgPool;

use super::PASSWORD;
use crate::auth::password;
use crate::db;
use crate::domain::crypto::DataKey;
use crate::error::CliResult;
use crate::streets::create_street;

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
         SELECT $1, gen_random_uuid(), c.id, '儿童' || n, 'et' || n || '|ertong' || n, CASE WHEN n % 2 = 0 THEN 'male' ELSE 'female' END::gender,
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
         SELECT c.street_id, gen_random_uuid(), c.id, '儿童' || g.i, 'et' || g.i || '|ertong' || g.i, CASE WHEN g.i % 2 = 0 THEN 'male' ELSE 'female' END::gender,
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
