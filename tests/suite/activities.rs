//! Activities, attendance, duty credits, aid and photos.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Fixture, PASSWORD, TestClient, TestResponse};
use sqlx::PgPool;
use uuid::Uuid;

async fn client(pool: &PgPool, login: &str) -> TestClient {
    let mut c = TestClient::new(pool);
    c.login(login, PASSWORD).await;
    c
}

async fn person_times(pool: &PgPool, activity: Uuid) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM attendance WHERE activity_id = $1")
        .bind(activity)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn staff_create_an_activity_and_it_shows_in_the_month(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get("/activities/new").await;
    let r = staff
        .post(
            "/activities",
            &[
                ("kind", "forum"),
                ("title", ""),
                ("date", "2026-12-05"),
                ("start_time", "10:00"),
                ("end_time", "09:00"),
                ("capacity", "-1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.texts(".field-error"),
        vec!["此项必填。", "结束时间须晚于开始时间。", "请填写正整数。"]
    );
    let r = staff
        .post(
            "/activities",
            &[
                ("kind", "legal_safety_lecture"),
                ("title", "冬季安全讲座"),
                ("date", "2026-12-05"),
                ("start_time", "09:30"),
                ("end_time", "11:00"),
                ("place", "社区活动室"),
                ("capacity", "30"),
                ("for_children", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let month = staff.get("/activities?month=2026-12").await;
    assert!(month.text("#month-view").contains("冬季安全讲座"));
    assert!(
        month
            .text("#activity-table")
            .contains("2026-12-05 09:30–11:00"),
        "China time: {}",
        month.text("#activity-table")
    );
    let filtered = staff.get("/activities?month=2026-12&kind=forum").await;
    assert!(!filtered.body.contains("冬季安全讲座"));
    // Staff organise for their own community only.
    let community: Option<Uuid> =
        sqlx::query_scalar("SELECT community_id FROM activity WHERE title = '冬季安全讲座'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(community, Some(f.a.community));
    // The other community's staff do not see it; the volunteer of the community does, on their home page.
    let mut other = client(&pool, &f.a.other_staff_login).await;
    assert!(
        !other
            .get("/activities?month=2026-12")
            .await
            .body
            .contains("冬季安全讲座")
    );
    sqlx::query("UPDATE activity SET starts_at = now() + interval '2 days', ends_at = now() + interval '2 days 2 hours' WHERE title = '冬季安全讲座'").execute(&pool).await.unwrap();
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    assert!(
        volunteer
            .get("/")
            .await
            .text("#coming-activities")
            .contains("冬季安全讲座")
    );
}

#[sqlx::test]
async fn attendance_counts_person_times_and_warns_over_capacity(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let activity = f.a.activity;
    let extra = Uuid::now_v7();
    sqlx::query("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $2, $3, '乙小童', 'male', '2015-01-01', 'father_away', 'relatives')")
        .bind(f.a.id).bind(extra).bind(f.a.community).execute(&pool).await.unwrap();
    let page = staff
        .get(&format!("/activities/{activity}/attendance"))
        .await;
    assert_eq!(page.texts("input[name^=child_]").len(), 2);
    let (c1, c2, v) = (
        format!("child_{}", f.a.child),
        format!("child_{extra}"),
        format!("volunteer_{}", f.a.volunteer),
    );
    let (s1, s2, sv) = (
        format!("shown_{c1}"),
        format!("shown_{c2}"),
        format!("shown_{v}"),
    );
    let r = staff
        .post(
            &format!("/activities/{activity}/attendance"),
            &[(&s1, "1"), (&s2, "1"), (&sv, "1"), (&c1, "on"), (&v, "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(person_times(&pool, activity).await, 2);
    // Saving the same ticks again counts nobody twice; a third person goes over the capacity of 2.
    staff
        .post(
            &format!("/activities/{activity}/attendance"),
            &[
                (&s1, "1"),
                (&s2, "1"),
                (&sv, "1"),
                (&c1, "on"),
                (&v, "on"),
                (&c2, "on"),
            ],
        )
        .await;
    assert_eq!(person_times(&pool, activity).await, 3);
    let page = staff
        .get(&format!("/activities/{activity}/attendance?saved=1"))
        .await;
    assert_eq!(page.texts("#over-capacity").len(), 1);
    let show = staff.get(&format!("/activities/{activity}")).await;
    assert!(
        show.text("#person-times").starts_with("3 / 2"),
        "{}",
        show.text("#person-times")
    );
    // A search shows only some people; the hidden ones keep their attendance.
    let r = staff
        .post(
            &format!("/activities/{activity}/attendance"),
            &[(&s2, "1"), ("q", "乙")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        person_times(&pool, activity).await,
        2,
        "only the shown, unticked child was removed"
    );
    // Attendance appears on the child's timeline; the volunteer's hours include the two hours.
    let child_page = staff.get(&format!("/children/{}", f.a.child)).await;
    assert!(
        child_page
            .texts("#timeline li.attended")
            .iter()
            .any(|t| t.contains("两地书"))
    );
    let mut volunteer = client(&pool, &f.a.volunteer_login).await;
    let hours = volunteer.get("/v/hours").await;
    assert!(
        hours
            .texts("#hours-table tr")
            .iter()
            .any(|r| r.contains("2026-11") && r.contains("2.0")),
        "{:?}",
        hours.texts("#hours-table tr")
    );
}

#[sqlx::test]
async fn walk_ins_come_from_the_whole_street_by_exact_name(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let walk_in = Uuid::now_v7();
    sqlx::query("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $2, $3, '邻社区的孩子', 'female', '2014-01-01', 'father_away', 'relatives')")
        .bind(f.a.id).bind(walk_in).bind(f.a.other_community).execute(&pool).await.unwrap();
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff
        .get(&format!("/activities/{}/attendance", f.a.activity))
        .await;
    // Community staff never reach another community's children, not even by exact name.
    let r = staff
        .post(
            &format!("/activities/{}/walk-in", f.a.activity),
            &[("name", "邻社区的孩子")],
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["本街道没有这个名字的在册儿童。"]
    );
    let mut staff = client(&pool, &f.a.admin_login).await;
    staff
        .get(&format!("/activities/{}/attendance", f.a.activity))
        .await;
    let r = staff
        .post(
            &format!("/activities/{}/walk-in", f.a.activity),
            &[("name", "不存在")],
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["本街道没有这个名字的在册儿童。"]
    );
    let r = staff
        .post(
            &format!("/activities/{}/walk-in", f.a.activity),
            &[("name", &f.b.child_name)],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another street's child is not found"
    );
    let r = staff
        .post(
            &format!("/activities/{}/walk-in", f.a.activity),
            &[("name", "邻社区的孩子")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = staff
        .get(&format!("/activities/{}/attendance", f.a.activity))
        .await;
    assert!(
        page.body.contains("邻社区的孩子"),
        "the walk-in is listed and ticked"
    );
    assert_eq!(person_times(&pool, f.a.activity).await, 1);
}

#[sqlx::test]
async fn an_activity_credited_to_a_duty_shows_in_the_grid(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let activity = f.a.activity;
    // Not yet attended by both: no credit possible.
    staff.get(&format!("/activities/{activity}")).await;
    let pairing = f.a.pairing.to_string();
    let r = staff
        .post(
            &format!("/activities/{activity}/credits"),
            &[("pairing_id", &pairing), ("duty", "talk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (c, v) = (
        format!("child_{}", f.a.child),
        format!("volunteer_{}", f.a.volunteer),
    );
    let (sc, sv) = (format!("shown_{c}"), format!("shown_{v}"));
    staff
        .post(
            &format!("/activities/{activity}/attendance"),
            &[(&sc, "1"), (&sv, "1"), (&c, "on"), (&v, "on")],
        )
        .await;
    // No duty is chosen for the user: one quick click must not record a visit that never was.
    let page = staff.get(&format!("/activities/{activity}")).await;
    assert_eq!(
        page.attr("#credits select[name=duty] option[selected]", "value")
            .as_deref(),
        Some("")
    );
    let r = staff
        .post(
            &format!("/activities/{activity}/credits"),
            &[("pairing_id", &pairing), ("duty", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post(
            &format!("/activities/{activity}/credits"),
            &[("pairing_id", &pairing), ("duty", "letter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let grid = staff.get("/pairings/duties?semester=2026-autumn").await;
    let cell = format!("tr[data-pairing='{}'] td[data-duty=letter]", f.a.pairing);
    assert_eq!(grid.attr(&cell, "data-state").as_deref(), Some("done"));
    assert!(
        grid.text(&cell).contains("（活动）"),
        "{}",
        grid.text(&cell)
    );
}

#[sqlx::test]
async fn aid_is_kept_in_fen_and_totalled_per_community_and_quarter(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&format!("/children/{}", f.a.child)).await;
    let r = staff
        .post(
            &format!("/children/{}/aid", f.a.child),
            &[
                ("kind", "cash"),
                ("given_on", "2026-11-02"),
                ("amount", "12.3x"),
            ],
        )
        .await;
    assert_eq!(
        r.texts(".field-error"),
        vec!["请填写金额，如 200 或 35.50。"]
    );
    let r = staff
        .post(
            &format!("/children/{}/aid", f.a.child),
            &[
                ("kind", "cash"),
                ("given_on", "2026-11-02"),
                ("amount", "0.10"),
                ("donor", "爱心企业"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    staff
        .post(
            &format!("/children/{}/aid", f.a.child),
            &[
                ("kind", "school_supplies"),
                ("given_on", "2026-11-03"),
                ("amount", "0.20"),
            ],
        )
        .await;
    // The same aid for every child who attended the activity.
    let extra = Uuid::now_v7();
    sqlx::query("INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation) VALUES ($1, $2, $3, '丙童', 'male', '2015-01-01', 'father_away', 'relatives')")
        .bind(f.a.id).bind(extra).bind(f.a.community).execute(&pool).await.unwrap();
    let (c1, c2) = (format!("child_{}", f.a.child), format!("child_{extra}"));
    let (s1, s2) = (format!("shown_{c1}"), format!("shown_{c2}"));
    staff
        .post(
            &format!("/activities/{}/attendance", f.a.activity),
            &[(&s1, "1"), (&s2, "1"), (&c1, "on"), (&c2, "on")],
        )
        .await;
    staff.get(&format!("/activities/{}", f.a.activity)).await;
    let r = staff
        .post(
            &format!("/activities/{}/aid", f.a.activity),
            &[
                ("kind", "goods"),
                ("given_on", "2026-11-20"),
                ("amount", "200.05"),
                ("donor", "慈善会"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let fen: Vec<i64> = sqlx::query_scalar("SELECT amount_fen FROM aid ORDER BY amount_fen")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        fen,
        vec![10, 20, 20_005, 20_005],
        "exact fen, no floating point"
    );
    let page = staff.get("/aid?year=2026").await;
    assert_eq!(page.text("#aid-total"), "合计 4 · ¥400.40");
    assert!(page.text("#aid-table").contains("2026年第四季度"));
    assert!(
        staff
            .get(&format!("/children/{extra}"))
            .await
            .texts("#timeline li.aid")
            .iter()
            .any(|t| t.contains("200.05") && t.contains("慈善会"))
    );
    // Another street sees none of it.
    let mut b = client(&pool, &f.b.admin_login).await;
    assert_eq!(
        b.get("/aid?year=2026").await.text("#aid-total"),
        "合计 0 · ¥0.00"
    );
}

/// A JPEG whose EXIF segment carries GPS coordinates (as a phone camera writes).
fn jpeg_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 90])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&img)
        .unwrap();
    // APP1 "Exif\0\0" + a little-endian TIFF header with one GPSInfo IFD entry and a marker text.
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0\x08\0\0\0");
    tiff.extend_from_slice(&[1, 0]); // one entry
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0]); // GPSInfo -> offset 26
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(b"GPS 39.9042N 116.4074E"); // where the child lives
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

async fn upload(
    client: &mut TestClient,
    activity: Uuid,
    bytes: &[u8],
    content_type: &str,
) -> TestResponse {
    let boundary = "----shouhu-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"p.jpg\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let csrf = client.csrf.clone().unwrap();
    let req = Request::post(format!("/activities/{activity}/photos?csrf={csrf}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    client.request(req).await
}

#[sqlx::test]
async fn photos_lose_their_metadata_and_stay_in_their_street(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&format!("/activities/{}", f.a.activity)).await;
    let original = jpeg_with_gps();
    assert!(original.windows(4).any(|w| w == b"Exif") && original.windows(3).any(|w| w == b"GPS"));
    let r = upload(&mut staff, f.a.activity, &original, "image/jpeg").await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{:?}",
        r.texts(".field-error")
    );
    let photo: Uuid =
        sqlx::query_scalar("SELECT id FROM activity_photo WHERE activity_id = $1 AND id <> $2")
            .bind(f.a.activity)
            .bind(f.a.photo)
            .fetch_one(&pool)
            .await
            .unwrap();
    let served = staff
        .request(
            Request::get(format!("/photos/{photo}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    let bytes = served.body.as_bytes();
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF survived");
    assert!(!bytes.windows(3).any(|w| w == b"GPS"), "GPS survived");
    // It is still the same picture.
    let decoded = image::load_from_memory(
        &std::fs::read(
            common::data_dir()
                .join("photos")
                .join(f.a.id.to_string())
                .join(format!("{photo}.jpg")),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
    let thumb = std::fs::read(
        common::data_dir()
            .join("photos")
            .join(f.a.id.to_string())
            .join(format!("{photo}.thumb.jpg")),
    )
    .unwrap();
    assert!(image::load_from_memory(&thumb).is_ok());
    // Another street's user gets 404 for the same URL; so does a logged-out visitor (login).
    let mut b = client(&pool, &f.b.admin_login).await;
    assert_eq!(
        b.get(&format!("/photos/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!("/photos/{photo}/thumb")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut anonymous = TestClient::new(&pool);
    assert_eq!(
        anonymous.get(&format!("/photos/{photo}")).await.status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test]
async fn broken_or_oversized_photos_are_refused_and_nothing_is_stored(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    staff.get(&format!("/activities/{}", f.a.activity)).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM activity_photo")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let dir = common::data_dir().join("photos").join(f.a.id.to_string());
    let files_before = std::fs::read_dir(&dir).unwrap().count();
    let mut truncated = jpeg_with_gps();
    truncated.truncate(truncated.len() / 3);
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    let huge = vec![0xFFu8; 5 * 1024 * 1024 + 10];
    for (bytes, message) in [
        (truncated, "无法读取这张照片，文件可能已损坏。"),
        (
            b"this is not an image".to_vec(),
            "只能上传 JPEG 或 PNG 照片。",
        ),
        (gif, "只能上传 JPEG 或 PNG 照片。"),
        (huge, "照片超过 5 MB，请压缩后再上传。"),
    ] {
        let r = upload(&mut staff, f.a.activity, &bytes, "image/jpeg").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.texts(".field-error"), vec![message]);
    }
    assert_eq!(count().await, before);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        files_before,
        "no file left behind"
    );
    // A PNG is fine.
    let img = image::RgbaImage::from_pixel(20, 10, image::Rgba([10, 200, 30, 255]));
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    assert_eq!(
        upload(&mut staff, f.a.activity, &png, "image/png")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(count().await, before + 1);
}

#[sqlx::test]
async fn an_activity_whose_time_has_passed_is_not_still_planned(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut staff = client(&pool, &f.a.staff_login).await;
    let path = format!("/activities/{}", f.a.activity);
    let set = |hours: i32| {
        let pool = pool.clone();
        let id = f.a.activity;
        async move {
            sqlx::query(
                "UPDATE activity SET status = 'planned', starts_at = now() + make_interval(hours => $2),
                     ends_at = now() + make_interval(hours => $2 + 1) WHERE id = $1",
            )
            .bind(id)
            .bind(hours)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    set(24).await;
    assert_eq!(staff.get(&path).await.text("#activity-status"), "计划中");
    set(-24).await;
    assert_eq!(
        staff.get(&path).await.text("#activity-status"),
        "已结束，待填写总结"
    );
}

/// A volunteer credits an activity they and their paired child both attended to one of the
/// pairing's duties, from the child's card, with the checks staff have.
#[sqlx::test]
async fn a_volunteer_credits_a_shared_activity_to_a_duty(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let activity = f.a.activity;
    sqlx::query("UPDATE activity SET starts_at = now() - interval '1 day', ends_at = now() - interval '23 hours' WHERE id = $1")
        .bind(activity)
        .execute(&pool)
        .await
        .unwrap();
    let mut volunteer = TestClient::new(&pool);
    volunteer.login(&f.a.volunteer_login, PASSWORD).await;
    let card_path = format!("/v/children/{}", f.a.child);
    let credit_path = format!("/v/children/{}/credits", f.a.child);
    let credits = |pool: PgPool| async move {
        sqlx::query_scalar::<_, String>("SELECT duty::text FROM duty_credit WHERE activity_id = $1")
            .bind(activity)
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    // Only the child attended: nothing to credit, and a forged request is refused.
    sqlx::query("INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(f.a.id).bind(Uuid::now_v7()).bind(activity).bind(f.a.child).bind(f.a.staff)
        .execute(&pool).await.unwrap();
    let card = volunteer.get(&card_path).await;
    assert!(
        card.html()
            .select(&scraper::Selector::parse("#card-credits").unwrap())
            .next()
            .is_none()
    );
    let r = volunteer
        .post(
            &credit_path,
            &[("activity_id", &activity.to_string()), ("duty", "letter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只能为双方都参加了的结对计入"));
    assert!(credits(pool.clone()).await.is_empty());
    // Both attended: the card offers it, and the credit counts for the pairing.
    sqlx::query("INSERT INTO attendance (street_id, id, activity_id, volunteer_id, recorded_by) VALUES ($1, $2, $3, $4, $5)")
        .bind(f.a.id).bind(Uuid::now_v7()).bind(activity).bind(f.a.volunteer).bind(f.a.staff)
        .execute(&pool).await.unwrap();
    let card = volunteer.get(&card_path).await;
    assert!(card.text("#card-credits").contains("两地书"));
    let r = volunteer
        .post(
            &credit_path,
            &[("activity_id", &activity.to_string()), ("duty", "picnic")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = volunteer
        .post(
            &credit_path,
            &[("activity_id", &activity.to_string()), ("duty", "letter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(credits(pool.clone()).await, vec!["letter".to_string()]);
    let card = volunteer.get(&card_path).await;
    assert!(card.text("#card-credits").contains("写信"));
    // Another volunteer's child: 404, nothing credited.
    let r = volunteer
        .post(
            &format!("/v/children/{}/credits", f.b.child),
            &[("activity_id", &activity.to_string()), ("duty", "talk")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(credits(pool.clone()).await.len(), 1);
}

/// Two staff with the activity open: a summary saved from a page loaded before the other's
/// save shows the conflict with what was typed, and the first summary stands.
#[sqlx::test]
async fn a_stale_summary_shows_the_conflict(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut one = TestClient::new(&pool);
    one.login(&f.a.staff_login, PASSWORD).await;
    let mut two = TestClient::new(&pool);
    two.login(&f.a.admin_login, PASSWORD).await;
    let path = format!("/activities/{}", f.a.activity);
    let v1 = one
        .get(&path)
        .await
        .attr("#summary input[name=version]", "value")
        .unwrap();
    let v2 = two
        .get(&path)
        .await
        .attr("#summary input[name=version]", "value")
        .unwrap();
    let summary = format!("{path}/summary");
    let r = one
        .post(
            &summary,
            &[("version", &v1), ("summary", "孩子们给父母写了信。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = two
        .post(&summary, &[("version", &v2), ("summary", "另一份总结")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text("#summary").contains("已被他人修改"));
    assert!(
        r.text("#summary textarea").contains("另一份总结"),
        "what was typed stays"
    );
    let stored: String = sqlx::query_scalar("SELECT summary FROM activity WHERE id = $1")
        .bind(f.a.activity)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, "孩子们给父母写了信。");
    // From the conflict page (the stored version): saved knowingly.
    let v3 = r.attr("#summary input[name=version]", "value").unwrap();
    let r = two
        .post(&summary, &[("version", &v3), ("summary", "另一份总结")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A form without a version was not sent by our page.
    assert_eq!(
        two.post(&summary, &[("summary", "x")]).await.status,
        StatusCode::BAD_REQUEST
    );

    // Sent at once from the same version: one saves, the other sees the conflict.
    for round in 0..5 {
        let version: i32 = sqlx::query_scalar("SELECT version FROM activity WHERE id = $1")
            .bind(f.a.activity)
            .fetch_one(&pool)
            .await
            .unwrap();
        let version = version.to_string();
        let (text_one, text_two) = (format!("第{round}份总结甲"), format!("第{round}份总结乙"));
        let (form_one, form_two) = (
            [
                ("version", version.as_str()),
                ("summary", text_one.as_str()),
            ],
            [
                ("version", version.as_str()),
                ("summary", text_two.as_str()),
            ],
        );
        let (r1, r2) = tokio::join!(one.post(&summary, &form_one), two.post(&summary, &form_two));
        let mut statuses = [r1.status, r2.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "round {round}"
        );
        let stored: String = sqlx::query_scalar("SELECT summary FROM activity WHERE id = $1")
            .bind(f.a.activity)
            .fetch_one(&pool)
            .await
            .unwrap();
        let winner = if r1.status == StatusCode::SEE_OTHER {
            &text_one
        } else {
            &text_two
        };
        assert_eq!(&stored, winner);
    }
}
