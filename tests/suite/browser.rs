//! Browser test: headless Chromium logs in as each role and sees its home page. It must run
//! wherever the suite runs (CI installs chromium and chromium-driver); it never skips.

use crate::common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{Fixture, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use sqlx::PgPool;

/// A chromedriver process, stopped when dropped.
pub struct Driver {
    process: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn start_driver() -> Driver {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_string());
    let port = free_port();
    let process = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {binary} ({e}): install Debian's chromium and chromium-driver (scripts/test.sh does)"));
    let driver = Driver { process, port };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

pub async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            format!("--window-size={width},{height}"), "--lang=zh-CN"
        ],
        // A phone in China asks for Chinese first.
        "prefs": { "intl.accept_languages": "zh-CN,zh" }
    });
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = serde_json::json!("/usr/bin/chromium");
    }
    caps.insert("goog:chromeOptions".to_string(), options);
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("connect to chromedriver");
    client
        .set_window_size(width, height)
        .await
        .expect("window size");
    client
}

/// Serve the app on a free local port for the browser.
pub async fn serve(pool: &PgPool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = shouhu::app(common::test_state(pool, false));
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

async fn login(client: &Client, base: &str, login: &str, password: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    client
        .find(Locator::Css("#login"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    client
        .find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    client
        .find(Locator::Css("form.form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn screenshot(client: &Client, name: &str) {
    if let Ok(dir) = std::env::var("SHOUHU_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
    }
}

#[sqlx::test]
async fn each_role_logs_in_and_sees_its_home_page(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    for (login_name, role, width, height) in [
        (f.a.admin_login.clone(), "street_admin", 1280, 900),
        (f.a.staff_login.clone(), "community_staff", 1280, 900),
        (f.a.volunteer_login.clone(), "volunteer", 360, 740),
    ] {
        let client = browser(&driver, width, height).await;
        login(&client, &base, &login_name, PASSWORD).await;
        let heading = client
            .wait()
            .for_element(Locator::Css("#home-heading"))
            .await
            .unwrap();
        assert_eq!(
            heading.attr("data-role").await.unwrap().as_deref(),
            Some(role)
        );
        match role {
            "street_admin" => {
                let rows = client
                    .find_all(Locator::Css("#community-table tbody tr"))
                    .await
                    .unwrap();
                assert_eq!(rows.len(), 2);
            }
            "community_staff" => assert_eq!(heading.text().await.unwrap(), f.a.community_name),
            _ => {
                let text = client
                    .find(Locator::Css("#my-children"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap();
                assert!(text.contains(&f.a.child_name), "{text}");
                // Usable at 360 px: nothing wider than the screen.
                let overflow = client
                    .execute(
                        "return document.documentElement.scrollWidth > window.innerWidth;",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    overflow,
                    serde_json::json!(false),
                    "the page scrolls sideways at 360 px"
                );
            }
        }
        screenshot(&client, role).await;
        log_out(&client).await;
        client
            .wait()
            .for_element(Locator::Css("#login"))
            .await
            .unwrap();
        client.close().await.unwrap();
    }
}

/// Log out through the account menu in the header (behind the menu button on a phone).
async fn log_out(client: &Client) {
    let nav = client.find(Locator::Css("#site-nav")).await.unwrap();
    if !nav.is_displayed().await.unwrap() {
        client
            .find(Locator::Css("#menu-toggle"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    client
        .find(Locator::Css(".who > summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The top of an element on the page, in CSS pixels.
async fn top_of(client: &Client, css: &str) -> f64 {
    client
        .execute(
            "return document.querySelector(arguments[0]).getBoundingClientRect().top;",
            vec![serde_json::json!(css)],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

/// The street admin's menu, grouped, stays on one line beside the user's name at 1366 px and
/// marks the page shown; on a phone it folds into one menu button.
#[sqlx::test]
async fn the_menu_fits_one_line_on_a_desk_and_folds_on_a_phone(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let desk = browser(&driver, 1366, 900).await;
    login(&desk, &base, &f.a.admin_login, PASSWORD).await;
    desk.wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    desk.goto(&format!("{base}/children")).await.unwrap();
    // One line: the brand, the menu and the account menu share their top.
    let brand = top_of(&desk, ".brand").await;
    for css in ["#site-nav > a[href='/reports']", ".who > summary"] {
        let top = top_of(&desk, css).await;
        assert!(
            (top - brand).abs() < 16.0,
            "{css} at {top}, brand at {brand}"
        );
    }
    assert!(
        !desk
            .find(Locator::Css("#menu-toggle"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap()
    );
    // The page shown is marked, and so is its group.
    let current = desk
        .find_all(Locator::Css("#site-nav [aria-current=page]"))
        .await
        .unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(
        current[0].attr("href").await.unwrap().as_deref(),
        Some("/children")
    );
    let group = desk
        .find(Locator::Css("details.menu-group.current > summary"))
        .await
        .unwrap();
    assert_eq!(group.text().await.unwrap(), "档案");
    // A group opens on a click, and its entries lead where they say.
    let settings = desk
        .find(Locator::Css("#site-nav a[href='/settings']"))
        .await
        .unwrap();
    assert!(!settings.is_displayed().await.unwrap());
    let admin_group = desk
        .find_all(Locator::Css("details.menu-group > summary"))
        .await
        .unwrap();
    let mut opened = false;
    for summary in admin_group {
        if summary.text().await.unwrap() == "管理" {
            summary.click().await.unwrap();
            opened = true;
        }
    }
    assert!(opened);
    assert!(settings.is_displayed().await.unwrap());
    screenshot(&desk, "menu-desk").await;
    settings.click().await.unwrap();
    desk.wait()
        .for_element(Locator::Css(
            "#site-nav a[href='/settings'][aria-current=page]",
        ))
        .await
        .unwrap();
    desk.close().await.unwrap();

    let phone = browser(&driver, 360, 740).await;
    login(&phone, &base, &f.a.admin_login, PASSWORD).await;
    phone
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    let nav = phone.find(Locator::Css("#site-nav")).await.unwrap();
    let toggle = phone.find(Locator::Css("#menu-toggle")).await.unwrap();
    assert!(!nav.is_displayed().await.unwrap());
    assert!(toggle.is_displayed().await.unwrap());
    toggle.click().await.unwrap();
    assert!(nav.is_displayed().await.unwrap());
    assert_eq!(
        toggle.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );
    let overflow = phone
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::json!(false));
    screenshot(&phone, "menu-phone").await;
    log_out(&phone).await;
    phone
        .wait()
        .for_element(Locator::Css("#login"))
        .await
        .unwrap();
    phone.close().await.unwrap();
}

/// A new street's admin signs in to the first steps, and each step's button leads to it.
#[sqlx::test]
async fn a_new_street_signs_in_to_its_first_steps(pool: PgPool) {
    shouhu::cli::create_street(
        &pool,
        "城北街道",
        "admin@chengbei.cn",
        "管理员",
        "initial-pass-123",
        false,
    )
    .await
    .unwrap();
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let desk = browser(&driver, 1366, 900).await;
    login(&desk, &base, "admin@chengbei.cn", "initial-pass-123").await;
    let steps = desk
        .wait()
        .for_element(Locator::Css("#first-steps"))
        .await
        .unwrap();
    assert!(steps.is_displayed().await.unwrap());
    let items = desk
        .find_all(Locator::Css("#first-steps li"))
        .await
        .unwrap();
    assert_eq!(items.len(), 5);
    screenshot(&desk, "first-steps").await;
    desk.find(Locator::Css(
        "#first-steps li[data-step=communities] a.button",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    desk.wait()
        .for_element(Locator::Css("#community-form"))
        .await
        .unwrap();
    desk.close().await.unwrap();
}

/// The demo's five-duty grid fits a 1366 px screen: its last column is not behind a scroll.
#[sqlx::test]
async fn the_duty_grid_fits_a_desk_screen(pool: PgPool) {
    shouhu::demo::load(&pool, &common::test_key())
        .await
        .unwrap();
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let desk = browser(&driver, 1366, 900).await;
    login(
        &desk,
        &base,
        shouhu::demo::ADMIN_LOGIN,
        shouhu::demo::PASSWORD,
    )
    .await;
    desk.wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    desk.goto(&format!("{base}/pairings/duties")).await.unwrap();
    desk.wait()
        .for_element(Locator::Css("#duty-grid"))
        .await
        .unwrap();
    let widths = desk
        .execute(
            "const wrap = document.querySelector('#duty-grid').parentElement;
             return [wrap.scrollWidth, wrap.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&desk, "duty-grid").await;
    let (scroll, client) = (widths[0].as_f64().unwrap(), widths[1].as_f64().unwrap());
    assert!(
        scroll <= client + 1.0,
        "the grid is {scroll} px wide in {client} px"
    );
    desk.close().await.unwrap();
}

#[sqlx::test]
async fn a_wrong_password_shows_the_message_in_the_browser(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 1280, 900).await;
    login(&client, &base, &f.a.admin_login, "wrong password").await;
    let message = client
        .wait()
        .for_element(Locator::Css("#login-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(message.contains("登录名或密码不正确"), "{message}");
    client.close().await.unwrap();
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn choose(client: &Client, select: &str, value: &str) {
    client
        .find(Locator::Css(&format!("{select} option[value='{value}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Date inputs take typed text in the browser's locale; set the value directly.
async fn set_date(client: &Client, id: &str, value: &str) {
    client
        .execute(
            &format!("document.getElementById('{id}').value = '{value}';"),
            vec![],
        )
        .await
        .unwrap();
}

#[sqlx::test]
async fn staff_create_a_child_with_guardian_and_consent_and_find_it_by_pinyin(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 1280, 900).await;
    login(&client, &base, &f.a.staff_login, PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();

    client.goto(&format!("{base}/children/new")).await.unwrap();
    fill(&client, "#name", "张小明").await;
    choose(&client, "#gender", "male").await;
    set_date(&client, "birth_date", "2016-05-20").await;
    fill(&client, "#address", "幸福路 8 号").await;
    fill(&client, "#school", "城关第一小学").await;
    fill(&client, "#grade", "四年级").await;
    choose(&client, "#left_behind", "both_parents_away").await;
    fill(&client, "#parents_work_place", "广东省东莞市").await;
    choose(&client, "#care_situation", "grandparents").await;
    client
        .find(Locator::Css("#child-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let heading = client
        .wait()
        .for_element(Locator::Css("#child-name"))
        .await
        .unwrap();
    assert_eq!(heading.text().await.unwrap(), "张小明");

    // A grandmother at home.
    client
        .find(Locator::Css("#guardians a.button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#guardian-form"))
        .await
        .unwrap();
    fill(&client, "#g-name", "张奶奶").await;
    choose(&client, "#g-relation", "paternal_grandmother").await;
    fill(&client, "#g-phone", "13500001111").await;
    client
        .find(Locator::Css("#guardian-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#guardian-table"))
        .await
        .unwrap();

    // The consent to keep the file.
    client
        .find(Locator::Css("#consent summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&client, "#consent-given-by", "张奶奶").await;
    choose(&client, "#consent-relation", "paternal_grandmother").await;
    client
        .find(Locator::Css("#consent-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let consents = client
        .wait()
        .for_element(Locator::Css("#consent-list"))
        .await
        .unwrap();
    assert!(consents.text().await.unwrap().contains("张奶奶"));
    let missing = client
        .find(Locator::Css("#missing-list"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !missing.contains("监护人建档同意") && missing.contains("父母联系方式"),
        "{missing}"
    );

    // Find the file again by pinyin initials.
    client.goto(&format!("{base}/children")).await.unwrap();
    fill(&client, "#child-filters input[name=q]", "zxm").await;
    client
        .find(Locator::Css("#child-filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The old list has a table too: wait for the new URL before reading rows.
    for _ in 0..50 {
        if client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("q=zxm")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("q=zxm"),
        "the search is in the URL"
    );
    client
        .wait()
        .for_element(Locator::Css("#child-table"))
        .await
        .unwrap();
    let rows = client
        .find_all(Locator::Css("#child-table tbody tr"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for row in &rows {
        texts.push(row.text().await.unwrap());
    }
    assert_eq!(
        rows.len(),
        1,
        "{} {texts:?}",
        client.current_url().await.unwrap()
    );
    assert!(rows[0].text().await.unwrap().contains("张小明"));
    screenshot(&client, "children_search").await;
    client
        .find(Locator::Css("#child-table tbody tr a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#child-name"))
        .await
        .unwrap();
    screenshot(&client, "child_page").await;
    client.close().await.unwrap();
}

#[sqlx::test]
async fn a_volunteer_logs_a_home_visit_on_a_phone_and_sees_the_duty_done(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 360, 740).await;
    login(&client, &base, &f.a.volunteer_login, PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#my-children"))
        .await
        .unwrap();
    let open = client
        .find(Locator::Css("#my-children [data-duty=home_visit]"))
        .await
        .unwrap();
    assert_eq!(
        open.attr("data-state").await.unwrap().as_deref(),
        Some("open")
    );

    client
        .find(Locator::Css("#my-children a.button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#visit-form"))
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=kind][value=home_visit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("input[name=mood][value='4']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&client, "#notes", "和奶奶聊了孩子的学习").await;
    let overflow = client
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        overflow,
        serde_json::json!(false),
        "the visit form fits 360 px"
    );
    screenshot(&client, "volunteer_visit_form").await;
    client
        .find(Locator::Css("#save-visit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let saved = client
        .wait()
        .for_element(Locator::Css("#visit-saved"))
        .await
        .unwrap();
    assert!(!saved.text().await.unwrap().is_empty());
    let duty = client
        .find(Locator::Css("#card-duties [data-duty=home_visit]"))
        .await
        .unwrap();
    assert_eq!(
        duty.attr("data-state").await.unwrap().as_deref(),
        Some("done")
    );
    screenshot(&client, "volunteer_card").await;
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("#my-children"))
        .await
        .unwrap();
    assert!(
        client
            .find_all(Locator::Css("#my-children [data-duty=home_visit]"))
            .await
            .unwrap()
            .is_empty(),
        "no longer open"
    );
    client.close().await.unwrap();
}

#[sqlx::test]
async fn staff_record_attendance_for_an_activity(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 1280, 900).await;
    login(&client, &base, &f.a.staff_login, PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    client
        .goto(&format!("{base}/activities?month=2026-11"))
        .await
        .unwrap();
    client
        .find(Locator::Css("#month-view a.event"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#record-attendance"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#attendance-form"))
        .await
        .unwrap();
    client
        .find(Locator::Css(&format!("input[name='child_{}']", f.a.child)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css(&format!(
            "input[name='volunteer_{}']",
            f.a.volunteer
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("#save-attendance"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let saved = client
        .wait()
        .for_element(Locator::Css("#attendance-saved"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(saved.contains("2 / 2"), "{saved}");
    let ticked = client
        .find(Locator::Css(&format!("input[name='child_{}']", f.a.child)))
        .await
        .unwrap();
    assert_eq!(
        ticked.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    screenshot(&client, "attendance").await;
    client.close().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM attendance WHERE activity_id = $1")
        .bind(f.a.activity)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

/// Click a button that submits a form, and wait until the next page has replaced this one.
async fn click_and_reload(client: &Client, css: &str) {
    let button = client
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    let old_page = client.find(Locator::Css("html")).await.unwrap();
    button.click().await.unwrap();
    for _ in 0..100 {
        if old_page.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css}: the page did not reload");
}

#[sqlx::test]
async fn staff_submit_the_admin_returns_staff_resubmit_the_admin_approves(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let report = format!("{base}/reports/{}/2026-Q3", f.a.community);
    let staff = browser(&driver, 1280, 900).await;
    login(&staff, &base, &f.a.staff_login, PASSWORD).await;
    staff
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    let admin = browser(&driver, 1280, 900).await;
    login(&admin, &base, &f.a.admin_login, PASSWORD).await;
    admin
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();

    let status = |c: &Client| {
        let c = c.clone();
        async move {
            c.find(Locator::Css("#report-status"))
                .await
                .unwrap()
                .attr("data-status")
                .await
                .unwrap()
                .unwrap()
        }
    };
    staff.goto(&report).await.unwrap();
    fill(&staff, "#work_done", "九月开展家访十次").await;
    click_and_reload(&staff, "#narrative-form button").await;
    click_and_reload(&staff, "#submit-report").await;
    assert_eq!(status(&staff).await, "submitted");

    admin.goto(&report).await.unwrap();
    fill(&admin, "#return-comment", "请补充存在的问题").await;
    click_and_reload(&admin, "#return-report").await;
    assert_eq!(status(&admin).await, "returned");

    staff.goto(&report).await.unwrap();
    assert!(
        staff
            .find(Locator::Css("#transitions"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("请补充存在的问题")
    );
    fill(&staff, "#problems", "志愿者人手不足").await;
    click_and_reload(&staff, "#narrative-form button").await;
    click_and_reload(&staff, "#submit-report").await;
    assert_eq!(status(&staff).await, "submitted");

    admin.goto(&report).await.unwrap();
    click_and_reload(&admin, "#approve-report").await;
    assert_eq!(status(&admin).await, "approved");
    screenshot(&admin, "report_approved").await;
    staff.close().await.unwrap();
    admin.close().await.unwrap();
    let (status, problems): (String, String) =
        sqlx::query_as("SELECT status::text, problems FROM report")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), problems.as_str()),
        ("approved", "志愿者人手不足")
    );
}

#[sqlx::test]
async fn a_big_roster_uploads_with_progress_and_imports(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 1280, 900).await;
    login(&client, &base, &f.a.staff_login, PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    let mut csv = String::from("姓名,性别,出生日期,留守类型,监护情况\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "大批{i:04},女,2015-{:02}-{:02},父母均外出,隔代监护\n",
            1 + i % 12,
            1 + (i / 12) % 28
        ));
    }
    let path = std::env::temp_dir().join(format!("roster-{}.csv", uuid::Uuid::now_v7()));
    std::fs::write(&path, csv).unwrap();
    client
        .goto(&format!("{base}/children/import"))
        .await
        .unwrap();
    let progress = client.find(Locator::Css("#import-progress")).await.unwrap();
    assert_eq!(
        progress.attr("hidden").await.unwrap().is_some(),
        true,
        "hidden until a file is sent"
    );
    client
        .find(Locator::Css("#i-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    // Remember (across the navigation that follows) whether the progress box was shown.
    client
        .execute(
            "const box = document.getElementById('import-progress');
             new MutationObserver(() => { if (!box.hidden) { sessionStorage.setItem('progress-shown', box.querySelector('.progress-label').textContent || 'yes'); } })
               .observe(box, { attributes: true, subtree: true, childList: true, characterData: true });",
            vec![],
        )
        .await
        .unwrap();
    client
        .find(Locator::Css("#upload-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = client
        .wait()
        .for_element(Locator::Css("#preview-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        summary,
        "共 3000 · 新建 3000 · 已在本街道 0（其中信息有变化 0） · 有错误的行 0"
    );
    let shown = client
        .execute("return sessionStorage.getItem('progress-shown');", vec![])
        .await
        .unwrap();
    assert!(
        shown.as_str().is_some_and(|s| !s.is_empty()),
        "the progress box was shown during the upload: {shown:?}"
    );
    client
        .find(Locator::Css("#confirm-import"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#child-table"))
        .await
        .unwrap();
    client.close().await.unwrap();
    let _ = std::fs::remove_file(path);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM child WHERE name LIKE '大批%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 3000);
}

/// Serves the app behind a switch standing for the phone's signal. Off, every open connection
/// is cut and new ones are closed at once, so the browser sees network errors (not answers), as
/// when a volunteer's phone loses its signal.
async fn serve_with_signal(pool: &PgPool) -> (String, tokio::sync::watch::Sender<bool>) {
    let upstream = serve(pool).await.trim_start_matches("http://").to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (signal, on) = tokio::sync::watch::channel(true);
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                continue;
            };
            if !*on.borrow() {
                continue; // dropped: the connection closes without an answer
            }
            let mut on = on.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = on.wait_for(|on| !*on) => {}
                }
            });
        }
    });
    (format!("http://{addr}"), signal)
}

async fn visits_with_notes(pool: &PgPool, notes: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM visit WHERE notes = $1")
        .bind(notes)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Types a visit into the phone's visit form (kept on the phone when offline) and saves it.
async fn log_visit_on_phone(phone: &Client, base: &str, child: uuid::Uuid, on: &str, notes: &str) {
    phone
        .goto(&format!("{base}/v/children/{child}/visit"))
        .await
        .unwrap();
    phone
        .wait()
        .for_element(Locator::Css("#visit-form"))
        .await
        .unwrap();
    phone
        .execute(
            "document.querySelector('input[name=kind][value=home_visit]').checked = true;",
            vec![],
        )
        .await
        .unwrap();
    set_date(phone, "visited_on", on).await;
    fill(phone, "#notes", notes).await;
    click_and_reload(phone, "#save-visit").await;
}

#[sqlx::test]
async fn a_visit_logged_offline_arrives_once_and_a_refused_one_stays_on_the_phone(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let (base, signal) = serve_with_signal(&pool).await;
    let driver = start_driver().await;
    let phone = browser(&driver, 360, 740).await;
    login(&phone, &base, &f.a.volunteer_login, PASSWORD).await;
    // The home page registers the service worker and keeps the volunteer's pages.
    phone
        .wait()
        .for_element(Locator::Css("html[data-offline=ready]"))
        .await
        .expect("the pages are kept on the phone");

    // The signal drops; the visit form still opens, and the visit waits on the phone.
    signal.send(false).unwrap();
    log_visit_on_phone(
        &phone,
        &base,
        f.a.child,
        "2026-11-20",
        "在村口大树下聊了学习",
    )
    .await;
    let outbox = phone
        .wait()
        .for_element(Locator::Css("#outbox[data-count='1']"))
        .await
        .expect("one visit waiting");
    assert!(
        outbox
            .text()
            .await
            .unwrap()
            .contains("1 条记录保存在手机上"),
        "{}",
        outbox.text().await.unwrap()
    );
    screenshot(&phone, "offline-waiting").await;
    assert_eq!(visits_with_notes(&pool, "在村口大树下聊了学习").await, 0);

    // The signal returns and the app is opened: the visit is sent, exactly once.
    signal.send(true).unwrap();
    phone.goto(&format!("{base}/")).await.unwrap();
    phone
        .wait()
        .for_element(Locator::Css(
            "html[data-offline=ready] #outbox[data-count='0']",
        ))
        .await
        .expect("nothing left waiting");
    assert_eq!(visits_with_notes(&pool, "在村口大树下聊了学习").await, 1);
    phone.refresh().await.unwrap();
    phone
        .wait()
        .for_element(Locator::Css("html[data-offline=ready]"))
        .await
        .unwrap();
    assert_eq!(visits_with_notes(&pool, "在村口大树下聊了学习").await, 1);

    // Offline again; meanwhile the pairing ends before the visit's date. The server refuses the
    // visit, and it stays on the phone with the reason until the volunteer discards it.
    signal.send(false).unwrap();
    log_visit_on_phone(
        &phone,
        &base,
        f.a.child,
        "2026-11-20",
        "结对结束后补记的走访",
    )
    .await;
    phone
        .wait()
        .for_element(Locator::Css("#outbox[data-count='1']"))
        .await
        .unwrap();
    sqlx::query("UPDATE pairing SET ended_on = '2026-11-10' WHERE id = $1")
        .bind(f.a.pairing)
        .execute(&pool)
        .await
        .unwrap();
    signal.send(true).unwrap();
    phone.goto(&format!("{base}/")).await.unwrap();
    let refused = phone
        .wait()
        .for_element(Locator::Css("#outbox[data-count='0'] .refused"))
        .await
        .expect("the refused visit is shown");
    let text = refused.text().await.unwrap();
    assert!(text.contains("结对在这次走访日期之前已经结束"), "{text}");
    assert!(text.contains("结对结束后补记的走访"), "{text}");
    screenshot(&phone, "offline-refused").await;
    assert_eq!(visits_with_notes(&pool, "结对结束后补记的走访").await, 0);
    // Still there after the app is opened again.
    phone.refresh().await.unwrap();
    phone
        .wait()
        .for_element(Locator::Css("#outbox .refused"))
        .await
        .expect("kept until discarded");
    click_in_place(&phone, "#outbox .refused button.discard").await;
    phone
        .wait()
        .for_element(Locator::Css("#outbox[hidden]"))
        .await
        .expect("discarded");
    phone.close().await.unwrap();
}

/// Clicks a button that changes the page in place (no reload). The outbox redraws itself when
/// the phone's queue changes, so a button found a moment ago may be replaced before the click:
/// find it again then.
async fn click_in_place(client: &Client, css: &str) {
    for attempt in 0.. {
        let button = client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match button.click().await {
            Ok(()) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                    && attempt < 10 =>
            {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

#[sqlx::test]
async fn a_roster_with_unknown_headers_is_mapped_in_the_browser_and_imports(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let base = serve(&pool).await;
    let driver = start_driver().await;
    let client = browser(&driver, 1366, 900).await;
    login(&client, &base, &f.a.staff_login, PASSWORD).await;
    client
        .wait()
        .for_element(Locator::Css("#home-heading"))
        .await
        .unwrap();
    let csv = "小孩名字,男/女,生日,带孩子的人,跟孩子啥关系,爸爸在哪打工,妈妈在哪打工,备注\n\
               映射小花,女,2016-03-08,王老三,爷爷,广东东莞,广东东莞,无\n";
    let path = std::env::temp_dir().join(format!("roster-{}.csv", uuid::Uuid::now_v7()));
    std::fs::write(&path, csv).unwrap();
    client
        .goto(&format!("{base}/children/import"))
        .await
        .unwrap();
    client
        .find(Locator::Css("#i-file"))
        .await
        .unwrap()
        .send_keys(path.to_str().unwrap())
        .await
        .unwrap();
    client
        .find(Locator::Css("#upload-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#mapping-table"))
        .await
        .unwrap();
    assert!(
        client
            .find_all(Locator::Css("#confirm-import"))
            .await
            .unwrap()
            .is_empty(),
        "no import before the columns are known"
    );
    for (column, field) in [
        (0, "name"),
        (1, "gender"),
        (3, "guardian_name"),
        (4, "guardian_relation"),
        (5, "father_work_place"),
        (6, "mother_work_place"),
        (7, ""),
    ] {
        client
            .find(Locator::Css(&format!("#map-{column}")))
            .await
            .unwrap()
            .select_by_value(field)
            .await
            .unwrap();
    }
    if let Ok(dir) = std::env::var("SHOUHU_SCREENSHOTS") {
        let png = client.screenshot().await.unwrap();
        std::fs::write(format!("{dir}/import-mapping.png"), png).unwrap();
    }
    client
        .find(Locator::Css("#save-mapping"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Checked again through the mapping: nothing missing, nothing faulty, the import offered.
    client
        .wait()
        .for_element(Locator::Css("#confirm-import"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Css("#child-table"))
        .await
        .unwrap();
    client.close().await.unwrap();
    let _ = std::fs::remove_file(path);
    let child: (String, String, String, String) = sqlx::query_as(
        "SELECT gender::text, left_behind::text, care_situation::text, parents_work_place FROM child WHERE name = '映射小花'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        child,
        (
            "female".to_string(),
            "both_parents_away".to_string(),
            "grandparents".to_string(),
            "广东东莞".to_string()
        )
    );
    let remembered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM import_mapping WHERE street_id = $1")
            .bind(f.a.id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        remembered, 8,
        "every column's choice, 生日 and 备注 included"
    );
}
