//! The baseline of P1 (not part of the product): a bare axum + sqlx + askama handler that
//! renders page 1 of a street's children — the same rows and columns as the staff child list,
//! with what each file lacks and whether the child is paired — as a plain handler would ask for
//! them: one query for the page and one count, with sqlx's default plan caching. No session, no
//! RLS, no audit, no CSRF, no security headers.
//!
//! cargo bench --bench bare_child_list -- --db postgres://… --bind 127.0.0.1:18091 --street UUID

mod common;

use common::arg;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use sqlx::PgPool;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    birth_date: chrono::NaiveDate,
    community_name: String,
    school: String,
    grade: String,
    risk_level: String,
    missing: Vec<String>,
    paired: bool,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>儿童档案</title>
<link rel="stylesheet" href="/static/app.css"></head><body><main class="main"><h1>儿童档案</h1><p>共 {{ total }}</p>
<table class="table"><thead><tr><th>姓名</th><th>出生日期</th><th>社区</th><th>学校</th><th>风险</th><th>档案</th><th>结对</th></tr></thead><tbody>
{% for r in rows %}<tr><td><a href="/children/{{ r.id }}">{{ r.name }}</a></td><td>{{ r.birth_date }}</td><td>{{ r.community_name }}</td>
<td>{{ r.school }} {{ r.grade }}</td><td>{{ r.risk_level }}</td><td>{% if r.missing.is_empty() %}完整{% else %}缺 {{ r.missing.len() }} 项{% endif %}</td>
<td>{% if r.paired %}已结对{% else %}未结对{% endif %}</td></tr>{% endfor %}
</tbody></table></main></body></html>"#
)]
struct Page {
    rows: Vec<Row>,
    total: i64,
}

#[derive(Clone)]
struct AppState {
    pool: PgPool,
    street: Uuid,
}

async fn children(State(s): State<AppState>) -> Html<String> {
    // The page (no window count) and the count.
    let rows: Vec<Row> = sqlx::query_as(
        r#"SELECT c.id, c.name, c.birth_date, m.name AS community_name, c.school, c.grade, c.risk_level::text AS risk_level,
                  (SELECT child_gaps(c, g.has_carer, g.has_parent_contact, g.has_consent)
                   FROM child_file_facts(c.street_id, c.id) g) AS missing,
                  EXISTS (SELECT 1 FROM pairing p WHERE p.street_id = c.street_id AND p.child_id = c.id AND p.ended_on IS NULL) AS paired
           FROM child c
           JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           WHERE c.street_id = $1 AND c.status = 'active'
           ORDER BY m.name, c.name, c.id LIMIT 50 OFFSET 0"#,
    )
    .bind(s.street)
    .fetch_all(&s.pool)
    .await
    .expect("query");
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM child c WHERE c.street_id = $1 AND c.status = 'active'",
    )
    .bind(s.street)
    .fetch_one(&s.pool)
    .await
    .expect("count");
    Html(Page { rows, total }.render().expect("render"))
}

#[tokio::main]
async fn main() {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(10)
        .connect(&arg("--db"))
        .await
        .expect("database");
    let state = AppState {
        pool,
        street: arg("--street").parse().expect("--street"),
    };
    let app = Router::new()
        .route("/children", get(children))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(arg("--bind"))
        .await
        .expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
