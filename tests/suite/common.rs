//! Test helpers: a cookie-keeping client that drives `app()` without a socket, and a fixture of
//! two streets with users of every role.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use shouhu::auth::password;
use shouhu::{AppState, app};
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "test-password-2026";
/// The data key of the tests (32 bytes, base64): "0123456789abcdef0123456789abcdef".
pub const TEST_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

pub fn test_key() -> shouhu::domain::crypto::DataKey {
    shouhu::domain::crypto::DataKey::from_base64(TEST_KEY).unwrap()
}

/// Where the tests' app keeps uploaded photos.
pub fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("shouhu-test-data")
}

pub fn test_state(pool: &PgPool, secure_cookies: bool) -> AppState {
    // No cache: tests look at figures right after changing them.
    AppState::new(
        shouhu::auth::RequestPool::beside(pool, None),
        secure_cookies,
        test_key(),
    )
    .with_data_dir(data_dir())
    .with_cache_seconds(0)
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The trimmed text of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let selector = Selector::parse(css).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }

    pub fn text(&self, css: &str) -> String {
        self.texts(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element {css} in:\n{}", self.body))
    }

    pub fn attr(&self, css: &str, name: &str) -> Option<String> {
        let selector = Selector::parse(css).expect("valid selector");
        self.html()
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(name).map(str::to_string))
    }

    /// What a browser sends for the form matching `css`: every named input (ticked boxes only),
    /// the selected option of every select, every textarea; CSRF tokens left out (the client
    /// adds its own).
    pub fn form_fields(&self, css: &str) -> Vec<(String, String)> {
        let html = self.html();
        let form = html
            .select(&Selector::parse(css).expect("valid selector"))
            .next()
            .unwrap_or_else(|| panic!("no form {css} in:\n{}", self.body));
        let fields = Selector::parse("input[name], select[name], textarea[name]").unwrap();
        let selected = Selector::parse("option[selected]").unwrap();
        let mut out = Vec::new();
        for e in form.select(&fields) {
            let el = e.value();
            let name = el.attr("name").unwrap_or_default().to_string();
            if name == "csrf" {
                continue;
            }
            let value = match el.name() {
                "select" => e
                    .select(&selected)
                    .next()
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_string(),
                "textarea" => e.text().collect(),
                _ if matches!(el.attr("type"), Some("checkbox" | "radio")) => {
                    if el.attr("checked").is_none() {
                        continue;
                    }
                    el.attr("value").unwrap_or("on").to_string()
                }
                _ => el.attr("value").unwrap_or_default().to_string(),
            };
            out.push((name, value));
        }
        out
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A browser stand-in: keeps cookies, remembers the last CSRF token a page showed.
pub struct TestClient {
    pub app: Router,
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    pub addr: SocketAddr,
}

impl TestClient {
    pub fn new(pool: &PgPool) -> TestClient {
        TestClient::with_app(app(test_state(pool, false)))
    }

    pub fn with_app(app: Router) -> TestClient {
        TestClient {
            app,
            cookies: HashMap::new(),
            csrf: None,
            addr: "203.0.113.7:40000".parse().unwrap(),
        }
    }

    /// Another browser on the same server (own cookies).
    pub fn fresh(&self) -> TestClient {
        TestClient::with_app(self.app.clone())
    }

    pub async fn request(&mut self, mut req: Request<Body>) -> TestResponse {
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            req.headers_mut()
                .insert(header::COOKIE, cookie.parse().unwrap());
        }
        req.headers_mut()
            .insert(header::HOST, "shouhu.test".parse().unwrap());
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.app.clone().oneshot(req).await.expect("infallible");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap();
            let (name, val) = pair.split_once('=').unwrap();
            if val.is_empty() || value.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), val.to_string());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).to_string();
        let out = TestResponse {
            status,
            headers,
            body,
        };
        if let Some(token) = out.attr("input[name=csrf]", "value") {
            self.csrf = Some(token);
        }
        out
    }

    /// The raw bytes of a download (`body` keeps text only).
    pub async fn download(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let mut req = Request::get(path).body(Body::empty()).unwrap();
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
        req.extensions_mut().insert(ConnectInfo(self.addr));
        let response = self.app.clone().oneshot(req).await.expect("infallible");
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, bytes.to_vec())
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.request(Request::builder().uri(path).body(Body::empty()).unwrap())
            .await
    }

    /// POST a form with the CSRF token the client last saw.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let token = self.csrf.clone().unwrap_or_default();
        all.push(("csrf", &token));
        self.post_raw(path, &all).await
    }

    /// POST exactly these fields (no token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    /// Log in through the login page; panics unless it redirects away from it.
    pub async fn login(&mut self, login: &str, password: &str) -> TestResponse {
        let response = self.try_login(login, password).await;
        assert_eq!(
            response.status,
            StatusCode::SEE_OTHER,
            "login of {login} failed:\n{}",
            response.body
        );
        // Load the next page so the session's CSRF token is known.
        let next = response.location().unwrap().to_string();
        self.get(&next).await;
        response
    }

    /// POST a file as `multipart/form-data` (field `field`), with the CSRF token in the query as
    /// upload forms send it.
    pub async fn upload_file(
        &mut self,
        path: &str,
        field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let (content_type, body) = multipart(field, file_name, bytes);
        let csrf = self.csrf.clone().unwrap_or_default();
        let req = Request::post(format!("{path}?csrf={csrf}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.request(req).await
    }

    pub async fn try_login(&mut self, login: &str, password: &str) -> TestResponse {
        self.get("/login").await;
        self.post("/login", &[("login", login), ("password", password)])
            .await
    }
}

/// A `multipart/form-data` body of one file part: its content type and bytes.
pub fn multipart(field: &str, file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----shouhu-test-upload";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// One street office with two communities and users of every role.
#[derive(Debug, Clone)]
pub struct Street {
    pub id: Uuid,
    pub name: String,
    pub admin: Uuid,
    pub admin_login: String,
    pub community: Uuid,
    pub community_name: String,
    pub other_community: Uuid,
    pub other_community_name: String,
    pub staff: Uuid,
    pub staff_login: String,
    pub other_staff_login: String,
    pub volunteer: Uuid,
    pub volunteer_user: Uuid,
    pub volunteer_login: String,
    /// A staff account nobody logs in with, for admin actions in tests.
    pub spare: Uuid,
    pub child: Uuid,
    pub child_name: String,
    pub grid: Uuid,
    pub guardian: Uuid,
    pub consent: Uuid,
    pub pairing: Uuid,
    pub visit: Uuid,
    pub follow_up: Uuid,
    /// An activity of the first community, and a photo of it (row only; no file).
    pub activity: Uuid,
    pub photo: Uuid,
    /// Roster uploads by the community's staff (children, volunteers), waiting for confirmation.
    pub import: Uuid,
    pub volunteer_import: Uuid,
    /// A read-write API token of the street, and its secret.
    pub token: Uuid,
    pub token_secret: String,
}

pub struct Fixture {
    pub a: Street,
    pub b: Street,
}

impl Fixture {
    /// Streets A and B. Every name carries a marker so a leak shows up in any page body.
    pub async fn new(pool: &PgPool) -> Fixture {
        let hash = password::hash(PASSWORD.to_string()).await.unwrap();
        let a = make_street(pool, "甲", "a", &hash).await;
        let b = make_street(pool, "乙", "b", &hash).await;
        Fixture { a, b }
    }
}

async fn make_street(pool: &PgPool, tag: &str, key: &str, hash: &str) -> Street {
    let street = Uuid::now_v7();
    let name = format!("{tag}街道");
    let mut tx = pool.begin().await.unwrap();
    let exec = |sql: &'static str| sqlx::query(sql);
    exec("INSERT INTO street (id, name) VALUES ($1, $2)")
        .bind(street)
        .bind(&name)
        .execute(&mut *tx)
        .await
        .unwrap();
    let community = Uuid::now_v7();
    let other_community = Uuid::now_v7();
    let community_name = format!("{tag}一社区SECRET{key}");
    let other_community_name = format!("{tag}二社区SECRET{key}");
    for (id, n) in [
        (community, &community_name),
        (other_community, &other_community_name),
    ] {
        exec("INSERT INTO community (street_id, id, name) VALUES ($1, $2, $3)")
            .bind(street)
            .bind(id)
            .bind(n)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let grid = Uuid::now_v7();
    exec("INSERT INTO grid (street_id, id, community_id, name) VALUES ($1, $2, $3, $4)")
        .bind(street)
        .bind(grid)
        .bind(community)
        .bind(format!("{tag}网格SECRET{key}"))
        .execute(&mut *tx)
        .await
        .unwrap();
    let user =
        |login: String,
         name: String,
         role: &'static str,
         community: Option<Uuid>,
         volunteer: Option<Uuid>| { (login, name, role, community, volunteer) };
    let admin = Uuid::now_v7();
    let staff = Uuid::now_v7();
    let other_staff = Uuid::now_v7();
    let volunteer = Uuid::now_v7();
    let volunteer_user = Uuid::now_v7();
    let spare = Uuid::now_v7();
    // A volunteer whose safeguarding checklist is complete.
    exec("INSERT INTO volunteer (street_id, id, community_id, name, kind, phone, record_check_seen_on, training_done_on, conduct_accepted_at)
          VALUES ($1, $2, $3, $4, 'caring_mother', '13900000000', '2026-08-01', '2026-08-15', now())")
        .bind(street).bind(volunteer).bind(community).bind(format!("{tag}志愿者"))
        .execute(&mut *tx).await.unwrap();
    let n = if key == "a" { 1 } else { 2 };
    let users = [
        (
            admin,
            user(
                format!("admin-{key}@test.cn"),
                format!("{tag}管理员"),
                "street_admin",
                None,
                None,
            ),
        ),
        (
            staff,
            user(
                format!("1380000{n}001"),
                format!("{tag}社工"),
                "community_staff",
                Some(community),
                None,
            ),
        ),
        (
            other_staff,
            user(
                format!("1380000{n}002"),
                format!("{tag}二社工"),
                "community_staff",
                Some(other_community),
                None,
            ),
        ),
        (
            volunteer_user,
            user(
                format!("1390000{n}001"),
                format!("{tag}志愿者"),
                "volunteer",
                Some(community),
                Some(volunteer),
            ),
        ),
        (
            spare,
            user(
                format!("spare-{key}@test.cn"),
                format!("{tag}备用"),
                "community_staff",
                Some(community),
                None,
            ),
        ),
    ];
    for (id, (login, display, role, c, v)) in &users {
        exec("INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash, must_change_password)
              VALUES ($1, $2, $3, $4, $5::text::user_role, $6, $7, $8, false)")
            .bind(street).bind(id).bind(login).bind(display).bind(role).bind(c).bind(v).bind(hash)
            .execute(&mut *tx).await.unwrap();
    }
    let child = Uuid::now_v7();
    let child_name = format!("{tag}童SECRET{key}");
    exec("INSERT INTO child (street_id, id, community_id, grid_id, name, gender, birth_date, left_behind, care_situation, grade)
          VALUES ($1, $2, $3, $4, $5, 'female', '2016-03-01', 'both_parents_away', 'grandparents', '四年级')")
        .bind(street).bind(child).bind(community).bind(grid).bind(&child_name)
        .execute(&mut *tx).await.unwrap();
    let guardian = Uuid::now_v7();
    insert_guardian(
        &mut tx,
        street,
        child,
        guardian,
        &format!("{tag}奶奶SECRET{key}"),
    )
    .await;
    let consent = Uuid::now_v7();
    exec("INSERT INTO consent (street_id, id, child_id, scope, given_by, relation, given_on, method, notice_version)
          VALUES ($1, $2, $3, 'file', '奶奶', 'paternal_grandmother', '2026-09-01', 'written', 'v1')")
        .bind(street).bind(consent).bind(child)
        .execute(&mut *tx).await.unwrap();
    let pairing = Uuid::now_v7();
    exec("INSERT INTO pairing (street_id, id, community_id, volunteer_id, child_id, started_on) VALUES ($1, $2, $3, $4, $5, '2026-09-01')")
        .bind(street).bind(pairing).bind(community).bind(volunteer).bind(child)
        .execute(&mut *tx).await.unwrap();
    let visit = Uuid::now_v7();
    exec("INSERT INTO visit (street_id, id, child_id, pairing_id, author_id, kind, visited_on, duration_minutes, notes)
          VALUES ($1, $2, $3, $4, $5, 'talk', '2026-09-10', 45, '聊了学校的事SECRET')")
        .bind(street).bind(visit).bind(child).bind(pairing).bind(volunteer_user)
        .execute(&mut *tx).await.unwrap();
    let follow_up = Uuid::now_v7();
    exec("INSERT INTO follow_up (street_id, id, child_id, visit_id, description, due_on, assignee_id, created_by)
          VALUES ($1, $2, $3, $4, '送一个新书包SECRET', '2026-12-01', $5, $5)")
        .bind(street).bind(follow_up).bind(child).bind(visit).bind(volunteer_user)
        .execute(&mut *tx).await.unwrap();
    let activity = Uuid::now_v7();
    exec("INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity, created_by)
          VALUES ($1, $2, $3, 'family_letter_day', $4, '2026-11-20 01:00+00', '2026-11-20 03:00+00', '活动室', 2, $5)")
        .bind(street).bind(activity).bind(community).bind(format!("{tag}两地书SECRET{key}")).bind(staff)
        .execute(&mut *tx).await.unwrap();
    let photo = Uuid::now_v7();
    exec("INSERT INTO activity_photo (street_id, id, activity_id, width, height, byte_size, uploaded_by) VALUES ($1, $2, $3, 10, 10, 100, $4)")
        .bind(street).bind(photo).bind(activity).bind(staff)
        .execute(&mut *tx).await.unwrap();
    let import = Uuid::now_v7();
    exec("INSERT INTO import_batch (street_id, id, community_id, kind, file_name, content, created_by) VALUES ($1, $2, $3, 'children', 'r.csv', $4, $5)")
        .bind(street).bind(import).bind(community).bind(format!("姓名,性别\n{tag}导入童SECRET{key},男\n").into_bytes()).bind(staff)
        .execute(&mut *tx).await.unwrap();
    let volunteer_import = Uuid::now_v7();
    exec("INSERT INTO import_batch (street_id, id, community_id, kind, file_name, content, created_by) VALUES ($1, $2, $3, 'volunteers', 'v.csv', $4, $5)")
        .bind(street).bind(volunteer_import).bind(community).bind(format!("姓名,电话\n{tag}志愿SECRET{key},123\n").into_bytes()).bind(staff)
        .execute(&mut *tx).await.unwrap();
    let token = Uuid::now_v7();
    let token_secret = insert_token(&mut tx, street, token, admin, [key.as_bytes()[0]; 32]).await;
    tx.commit().await.unwrap();
    let dir = data_dir().join("photos").join(street.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{photo}.jpg")),
        format!("photo of {tag} SECRET{key}"),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{photo}.thumb.jpg")),
        format!("thumb of {tag}"),
    )
    .unwrap();
    Street {
        id: street,
        name,
        admin,
        admin_login: users[0].1.0.clone(),
        community,
        community_name,
        other_community,
        other_community_name,
        staff,
        staff_login: users[1].1.0.clone(),
        other_staff_login: users[2].1.0.clone(),
        volunteer,
        volunteer_user,
        volunteer_login: users[3].1.0.clone(),
        spare,
        child,
        child_name,
        grid,
        guardian,
        consent,
        pairing,
        visit,
        follow_up,
        activity,
        photo,
        import,
        volunteer_import,
        token,
        token_secret,
    }
}

/// A grandmother at home with a phone (the fixture's guardian; tests re-create it after deleting).
pub async fn insert_guardian(
    conn: &mut sqlx::PgConnection,
    street: Uuid,
    child: Uuid,
    id: Uuid,
    name: &str,
) {
    sqlx::query(
        "INSERT INTO guardian (street_id, id, child_id, name, relation, phone, is_entrusted)
         VALUES ($1, $2, $3, $4, 'paternal_grandmother', '13512345678', true) ON CONFLICT DO NOTHING",
    )
    .bind(street)
    .bind(id)
    .bind(child)
    .bind(name)
    .execute(conn)
    .await
    .unwrap();
}

/// Run `sql` as the app role inside street `street` (or no tenant), returning the rows' count.
pub async fn count_as_app(pool: &PgPool, street: Option<Uuid>, sql: &str) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('role', 'shouhu_app', true), set_config('app.street_id', $1, true)",
    )
    .bind(street.map(|s| s.to_string()).unwrap_or_default())
    .execute(&mut *tx)
    .await
    .unwrap();
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM ({sql}) q"
    )))
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    n
}

/// The name of a grid (as a roster or a list filter shows it).
pub async fn grid_name(pool: &PgPool, grid: Uuid) -> String {
    sqlx::query_scalar("SELECT name FROM grid WHERE id = $1")
        .bind(grid)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A read-write access token of a street, made by `admin` from `secret`: its stored row, and the
/// token a client sends (`shouhu_` and the street and secret in base64).
pub async fn insert_token(
    conn: &mut sqlx::PgConnection,
    street: Uuid,
    id: Uuid,
    admin: Uuid,
    secret: [u8; 32],
) -> String {
    use base64::Engine;
    use sha2::Digest;
    sqlx::query("INSERT INTO api_token (street_id, id, name, token_hash, access, created_by) VALUES ($1, $2, 'test', $3, 'read_write', $4)")
        .bind(street).bind(id).bind(sha2::Sha256::digest(secret).to_vec()).bind(admin)
        .execute(conn).await.unwrap();
    let mut raw = street.as_bytes().to_vec();
    raw.extend_from_slice(&secret);
    format!(
        "shouhu_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    )
}
