//! An open-loop load generator for the benchmarks and drills (not a test): requests leave at a
//! fixed rate whatever the answers' speed, and latency is measured from the moment each request
//! was due, so a slow server cannot hide its queue (no coordinated omission). wrk measures
//! throughput (P1); this measures latency and memory at a set rate, with logged-in sessions and
//! mixed pages, which wrk and oha do not do together.
//!
//! cargo bench --bench load -- --base http://127.0.0.1:18090 --rate 300 --seconds 60 \
//!     --password shouhu-demo-2026 --as staff01@large.shouhu.cn=/children,/ \
//!     [--visits 50 --visit-as v001@large.shouhu.cn --visit-child UUID] [--pid PID] [--timeline FILE]
//!     [--warmup SECONDS]
//!
//! Prints `key value` lines: requests, errors, p50_ms, p99_ms, max_ms, visits_sent, visits_ok,
//! rss_idle_mb, rss_max_mb.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type Http = Client<HttpConnector, Full<Bytes>>;

struct Args {
    base: String,
    rate: f64,
    seconds: f64,
    password: String,
    users: Vec<(String, Vec<String>)>,
    visits: f64,
    visit_as: String,
    visit_child: String,
    pid: Option<u32>,
    timeline: Option<String>,
    /// Seconds of the same load sent first and not counted (the pool filling, plans cached).
    warmup: f64,
}

fn args() -> Args {
    let mut a = Args {
        base: "http://127.0.0.1:18090".into(),
        rate: 100.0,
        seconds: 10.0,
        password: "shouhu-demo-2026".into(),
        users: Vec::new(),
        visits: 0.0,
        visit_as: String::new(),
        visit_child: String::new(),
        pid: None,
        timeline: None,
        warmup: 0.0,
    };
    let raw: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut i = 0;
    while i + 1 < raw.len() {
        let v = raw[i + 1].clone();
        match raw[i].as_str() {
            "--base" => a.base = v,
            "--rate" => a.rate = v.parse().expect("--rate"),
            "--seconds" => a.seconds = v.parse().expect("--seconds"),
            "--password" => a.password = v,
            "--as" => {
                let (login, paths) = v.split_once('=').expect("--as LOGIN=PATH,PATH");
                a.users.push((
                    login.to_string(),
                    paths.split(',').map(str::to_string).collect(),
                ));
            }
            "--visits" => a.visits = v.parse().expect("--visits"),
            "--visit-as" => a.visit_as = v,
            "--visit-child" => a.visit_child = v,
            "--pid" => a.pid = Some(v.parse().expect("--pid")),
            "--timeline" => a.timeline = Some(v),
            "--warmup" => a.warmup = v.parse().expect("--warmup"),
            other => panic!("unknown argument {other}"),
        }
        i += 2;
    }
    a
}

struct Answer {
    status: u16,
    headers: axum::http::HeaderMap,
    body: Bytes,
}

async fn send(
    http: &Http,
    method: &str,
    url: &str,
    cookie: &str,
    extra: &[(&str, String)],
    body: Vec<u8>,
) -> Result<Answer, String> {
    let mut req = axum::http::Request::builder().method(method).uri(url);
    if !cookie.is_empty() {
        req = req.header("cookie", cookie);
    }
    for (k, v) in extra {
        req = req.header(*k, v.as_str());
    }
    let req = req
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let res = http.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

fn cookies_of(headers: &axum::http::HeaderMap, jar: &mut HashMap<String, String>) {
    for v in headers.get_all("set-cookie") {
        if let Some((k, val)) = v
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .and_then(|p| p.split_once('='))
        {
            jar.insert(k.to_string(), val.to_string());
        }
    }
}

fn jar_header(jar: &HashMap<String, String>) -> String {
    jar.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn csrf_in(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let at = text.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(text[at..].split('"').next()?.to_string())
}

/// Signs in; returns the session's cookie header and CSRF token.
async fn login(http: &Http, base: &str, login: &str, password: &str) -> (String, String) {
    let mut jar = HashMap::new();
    let page = send(http, "GET", &format!("{base}/login"), "", &[], vec![])
        .await
        .expect("login page");
    cookies_of(&page.headers, &mut jar);
    let csrf = csrf_in(&page.body).expect("csrf on the login page");
    let form =
        serde_urlencoded::to_string([("login", login), ("password", password), ("csrf", &csrf)])
            .unwrap();
    let res = send(
        http,
        "POST",
        &format!("{base}/login"),
        &jar_header(&jar),
        &[("content-type", "application/x-www-form-urlencoded".into())],
        form.into_bytes(),
    )
    .await
    .expect("login");
    assert_eq!(res.status, 303, "login of {login} failed");
    cookies_of(&res.headers, &mut jar);
    let home = send(
        http,
        "GET",
        &format!("{base}/"),
        &jar_header(&jar),
        &[],
        vec![],
    )
    .await
    .expect("home");
    let token = csrf_in(&home.body).expect("csrf on the home page");
    (jar_header(&jar), token)
}

fn rss_mb(pid: u32) -> Option<f64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1048576.0)
}

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    errors: u64,
    /// second -> (ok, errors)
    timeline: HashMap<u64, (u64, u64)>,
    visits_sent: u64,
    visits_ok: u64,
    /// "login path" -> latencies, to see which page makes the tail.
    by_page: HashMap<String, Vec<f64>>,
}

/// The p-quantile of sorted latencies (nearest rank).
fn pct(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
    }
}

#[tokio::main]
async fn main() {
    let a = args();
    let http: Http = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build_http();
    let mut sessions = Vec::new();
    for (user, paths) in &a.users {
        let (cookie, _) = login(&http, &a.base, user, &a.password).await;
        for p in paths {
            sessions.push((cookie.clone(), p.clone(), format!("{user} {p}")));
        }
    }
    assert!(!sessions.is_empty(), "give at least one --as LOGIN=PATHS");
    let visit_session = if a.visits > 0.0 {
        Some(login(&http, &a.base, &a.visit_as, &a.password).await)
    } else {
        None
    };
    let rss_idle = a.pid.and_then(rss_mb);
    let tally = Arc::new(Mutex::new(Tally::default()));
    if a.warmup > 0.0 {
        // The same pages at the same rate, answered but not counted.
        let warm_start = Instant::now();
        let mut warm = Vec::new();
        for i in 0..(a.rate * a.warmup) as u64 {
            let due = Duration::from_secs_f64(i as f64 / a.rate);
            let (cookie, path, _) = sessions[i as usize % sessions.len()].clone();
            let (http, url) = (http.clone(), format!("{}{}", a.base, path));
            warm.push(tokio::spawn(async move {
                tokio::time::sleep_until((warm_start + due).into()).await;
                let _ = send(&http, "GET", &url, &cookie, &[], vec![]).await;
            }));
        }
        for w in warm {
            let _ = w.await;
        }
    }
    let rss_max = Arc::new(Mutex::new(rss_idle.unwrap_or(0.0)));
    let start = Instant::now();
    if let Some(pid) = a.pid {
        let rss_max = rss_max.clone();
        tokio::spawn(async move {
            loop {
                if let Some(mb) = rss_mb(pid) {
                    let mut m = rss_max.lock().unwrap();
                    *m = m.max(mb);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    let mut tasks = Vec::new();
    // Page requests.
    let total = (a.rate * a.seconds) as u64;
    for i in 0..total {
        let due = Duration::from_secs_f64(i as f64 / a.rate);
        let (cookie, path, page) = sessions[i as usize % sessions.len()].clone();
        let (http, tally, url) = (http.clone(), tally.clone(), format!("{}{}", a.base, path));
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until((start + due).into()).await;
            let res = send(&http, "GET", &url, &cookie, &[], vec![]).await;
            let ms = (start.elapsed() - due).as_secs_f64() * 1000.0;
            let ok = matches!(&res, Ok(r) if r.status < 400);
            let mut t = tally.lock().unwrap();
            t.latencies_ms.push(ms);
            t.by_page.entry(page).or_default().push(ms);
            let slot = t.timeline.entry(due.as_secs()).or_default();
            if ok {
                slot.0 += 1;
            } else {
                slot.1 += 1;
                t.errors += 1;
            }
        }));
    }
    // Visit posts, each with a new client id.
    if let Some((cookie, csrf)) = visit_session {
        let count = (a.visits * a.seconds) as u64;
        for i in 0..count {
            let due = Duration::from_secs_f64(i as f64 / a.visits);
            let (http, tally, url) = (
                http.clone(),
                tally.clone(),
                format!("{}/api/v1/visits", a.base),
            );
            let (cookie, csrf, child) = (cookie.clone(), csrf.clone(), a.visit_child.clone());
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until((start + due).into()).await;
                let body = serde_json::json!({
                    "id": uuid::Uuid::new_v4(), "child_id": child, "kind": "talk",
                    "visited_on": chrono::Utc::now().date_naive().to_string(), "duration_minutes": 30,
                    "notes": "压力测试"
                });
                let res = send(
                    &http,
                    "POST",
                    &url,
                    &cookie,
                    &[("content-type", "application/json".into()), ("x-csrf-token", csrf)],
                    body.to_string().into_bytes(),
                )
                .await;
                let ms = (start.elapsed() - due).as_secs_f64() * 1000.0;
                let mut t = tally.lock().unwrap();
                t.latencies_ms.push(ms);
                t.by_page
                    .entry("visit POST /api/v1/visits".into())
                    .or_default()
                    .push(ms);
                t.visits_sent += 1;
                match res {
                    Ok(r) if r.status == 201 => t.visits_ok += 1,
                    _ => t.errors += 1,
                }
            }));
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut t = tally.lock().unwrap();
    t.latencies_ms.sort_by(|a, b| a.total_cmp(b));
    println!("requests {}", t.latencies_ms.len());
    println!("errors {}", t.errors);
    println!("p50_ms {:.2}", pct(&t.latencies_ms, 0.50));
    println!("p99_ms {:.2}", pct(&t.latencies_ms, 0.99));
    println!("max_ms {:.2}", pct(&t.latencies_ms, 1.0));
    let mut pages: Vec<_> = t.by_page.iter_mut().collect();
    pages.sort_by(|a, b| a.0.cmp(b.0));
    for (page, v) in pages {
        v.sort_by(|a, b| a.total_cmp(b));
        // One line per page, its key first so `awk '$1 == "p99_ms"'` still finds the totals.
        println!(
            "page_ms {page} n={} p50={:.1} p99={:.1} max={:.1}",
            v.len(),
            pct(v, 0.50),
            pct(v, 0.99),
            pct(v, 1.0)
        );
    }
    println!("visits_sent {}", t.visits_sent);
    println!("visits_ok {}", t.visits_ok);
    if let Some(idle) = rss_idle {
        println!("rss_idle_mb {idle:.1}");
        println!("rss_max_mb {:.1}", *rss_max.lock().unwrap());
    }
    if let Some(path) = &a.timeline {
        let mut secs: Vec<_> = t.timeline.iter().collect();
        secs.sort();
        let text: String = secs
            .iter()
            .map(|(s, (ok, err))| format!("{s} {ok} {err}\n"))
            .collect();
        std::fs::write(path, text).expect("timeline");
    }
}
