//! A hostile but signed-in user must not take the server down for every street: spreadsheet
//! and image bombs are refused before anything large is allocated, and a slow upload holds
//! only its own socket, never a database connection.

use crate::common;

use std::io::{Cursor, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use common::{Fixture, PASSWORD, TestClient, TestResponse, multipart, test_state};
use shouhu::web::guard::BodyTimeouts;
use shouhu::web::spreadsheets::read;
use sqlx::PgPool;

/// The message of every spreadsheet over the limits, bomb or not.
const OVER_LIMITS: &str = "超过 20000 行";

async fn upload_roster(client: &mut TestClient, bytes: &[u8], name: &str) -> TestResponse {
    client
        .upload_file("/children/import", "file", name, bytes)
        .await
}

async fn staff(pool: &PgPool, f: &Fixture) -> TestClient {
    let mut client = TestClient::new(pool);
    client.login(&f.a.staff_login, PASSWORD).await;
    client.get("/children/import").await;
    client
}

async fn batches(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM import_batch")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// A workbook of one sheet with a header cell at A1 and one more cell where asked.
fn sparse_xlsx(row: u32, col: u16) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "姓名").unwrap();
    sheet.write_string(row, col, "x").unwrap();
    book.save_to_buffer().unwrap()
}

/// The same archive with one part's content replaced.
fn replace_part(xlsx: &[u8], name: &str, content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut found = false;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let part_name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        out.start_file(part_name.as_str(), options).unwrap();
        if part_name == name {
            out.write_all(content).unwrap();
            found = true;
        } else {
            out.write_all(&bytes).unwrap();
        }
    }
    assert!(found, "no part {name}");
    out.finish().unwrap().into_inner()
}

#[test]
fn a_sheet_with_a_cell_in_the_far_corner_is_refused_without_allocating_the_range() {
    // A1 and XFD1048576: calamine's range would be 17 billion cells.
    let bomb = sparse_xlsx(1_048_575, 16_383);
    assert!(bomb.len() < 10_000, "a small file: {} bytes", bomb.len());
    assert_eq!(read::read(&bomb).unwrap_err(), "import.error.too_many_rows");
    // Just past the limits, in either direction, is refused the same way.
    assert_eq!(
        read::read(&sparse_xlsx(read::MAX_SHEET_ROWS as u32, 0)).unwrap_err(),
        "import.error.too_many_rows"
    );
    assert_eq!(
        read::read(&sparse_xlsx(1, read::MAX_COLUMNS as u16)).unwrap_err(),
        "import.error.too_many_rows"
    );
    // Within them, the far cell is read.
    let book = read::read(&sparse_xlsx(read::MAX_SHEET_ROWS as u32 - 1, 0)).unwrap();
    let rows = &book.sheets[0].rows;
    assert_eq!(rows[0], vec!["姓名".to_string()]);
    assert_eq!(rows.len(), read::MAX_SHEET_ROWS);
    assert_eq!(rows.last(), Some(&vec!["x".to_string()]));
}

#[test]
fn a_cell_that_inflates_and_a_string_table_that_lies_are_refused() {
    let base = {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "姓名").unwrap();
        sheet.write_string(1, 0, "张三").unwrap();
        book.save_to_buffer().unwrap()
    };
    assert!(read::read(&base).is_ok());
    let strings = |count: &str, text: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="{count}"><si><t>姓名</t></si><si><t>{text}</t></si></sst>"#
        )
    };
    // The rewritten archive is itself fine.
    let fine = replace_part(
        &base,
        "xl/sharedStrings.xml",
        strings("2", "张三").as_bytes(),
    );
    assert_eq!(read::read(&fine).unwrap().sheets[0].rows[1][0], "张三");
    // One cell of 5 MB of text, compressed to a few KB.
    let long = replace_part(
        &base,
        "xl/sharedStrings.xml",
        strings("2", &"啊".repeat(5 * 1024 * 1024 / 3)).as_bytes(),
    );
    assert!(long.len() < 100_000, "{} bytes", long.len());
    assert_eq!(read::read(&long).unwrap_err(), "import.error.too_many_rows");
    // A string table that claims four billion strings (calamine reserves room for them).
    let lying = replace_part(
        &base,
        "xl/sharedStrings.xml",
        strings("4000000000", "张三").as_bytes(),
    );
    assert_eq!(
        read::read(&lying).unwrap_err(),
        "import.error.too_many_rows"
    );
    // A part that inflates past its bound, made of short runs of text.
    let huge_sheet = "<row>x</row>".repeat(200 * 1024 * 1024 / 12);
    let inflating = replace_part(&base, "xl/styles.xml", huge_sheet.as_bytes());
    assert!(inflating.len() < 2_000_000, "{} bytes", inflating.len());
    assert_eq!(
        read::read(&inflating).unwrap_err(),
        "import.error.too_many_rows"
    );
}

/// A minimal BIFF8 workbook: one sheet whose DIMENSIONS record declares `rows` × `cols`, a
/// header "name" at A1 and the number 7 at A2.
fn xls(rows: u32, cols: u16) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof = |dt: u16| {
        let mut d = vec![0x00, 0x06];
        d.extend_from_slice(&dt.to_le_bytes());
        d.extend_from_slice(&[0x00, 0x00, 0xCD, 0x07, 0, 0, 0, 0, 0x06, 0, 0, 0]);
        d
    };
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let boundsheet_at = globals.len();
    record(&mut globals, 0x0085, &[0, 0, 0, 0, 0, 0, 2, 0, b'S', b'1']);
    record(&mut globals, 0x000A, &[]);
    let sheet_at = globals.len() as u32;
    globals[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
    let mut sheet = Vec::new();
    record(&mut sheet, 0x0809, &bof(0x0010));
    let mut dims = Vec::new();
    dims.extend_from_slice(&0u32.to_le_bytes());
    dims.extend_from_slice(&rows.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    dims.extend_from_slice(&cols.to_le_bytes());
    dims.extend_from_slice(&0u16.to_le_bytes());
    record(&mut sheet, 0x0200, &dims);
    let mut label = vec![0, 0, 0, 0, 0, 0];
    label.extend_from_slice(&4u16.to_le_bytes());
    label.push(0);
    label.extend_from_slice(b"name");
    record(&mut sheet, 0x0204, &label);
    let mut number = vec![1, 0, 0, 0, 0, 0];
    number.extend_from_slice(&7.0f64.to_le_bytes());
    record(&mut sheet, 0x0203, &number);
    record(&mut sheet, 0x000A, &[]);
    globals.extend_from_slice(&sheet);
    let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    ole.create_stream("/Workbook")
        .unwrap()
        .write_all(&globals)
        .unwrap();
    ole.flush().unwrap();
    ole.into_inner().into_inner()
}

#[test]
fn an_xls_that_declares_a_huge_sheet_is_refused_and_a_small_one_reads() {
    let bytes = xls(2, 1);
    let book = <calamine::Xls<_> as calamine::Reader<_>>::new(Cursor::new(&bytes));
    assert!(book.is_ok(), "{:?}", book.err());
    let small = read::read(&bytes).expect("the small workbook reads");
    assert_eq!(
        small.sheets[0].rows,
        vec![vec!["name".to_string()], vec!["7".to_string()]]
    );
    // calamine reserves room for the declared box: 65,536 × 256 cells of 32 bytes each.
    assert_eq!(
        read::read(&xls(65_536, 256)).unwrap_err(),
        "import.error.too_many_rows"
    );
    assert_eq!(
        read::read(&xls(4_000_000_000, 1)).unwrap_err(),
        "import.error.too_many_rows"
    );
}

#[test]
fn a_csv_over_the_column_or_cell_limit_is_refused_like_the_others() {
    let wide = format!("姓名{}\n张三{}\n", ",x".repeat(200), ",1".repeat(200));
    assert_eq!(
        read::read(wide.as_bytes()).unwrap_err(),
        "import.error.too_many_rows"
    );
    let long = format!("姓名,备注\n张三,{}\n", "长".repeat(40_000));
    assert_eq!(
        read::read(long.as_bytes()).unwrap_err(),
        "import.error.too_many_rows"
    );
}

#[sqlx::test]
async fn a_spreadsheet_bomb_uploaded_gets_the_limits_message_and_nothing_is_kept(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = staff(&pool, &f).await;
    let before = batches(&pool).await;
    for (bytes, name) in [
        (sparse_xlsx(1_048_575, 16_383), "bomb.xlsx"),
        (xls(65_536, 256), "bomb.xls"),
    ] {
        let r = upload_roster(&mut client, &bytes, name).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(r.body.contains(OVER_LIMITS), "{name}: {}", r.body);
    }
    assert_eq!(batches(&pool).await, before);
}

/// A PNG whose header declares `width` × `height` and whose pixel data is a few bytes.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, typ: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(typ);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn an_image_bomb_is_refused_from_its_header() {
    use shouhu::web::activities::photos::clean;
    // 12,000 × 12,000 RGBA would be 576 MB decoded.
    assert_eq!(
        clean(&png_header(12_000, 12_000)).err(),
        Some("photo.error.too_many_pixels")
    );
    assert_eq!(
        clean(&png_header(1, 40_000_001)).err(),
        Some("photo.error.too_many_pixels")
    );
    // Within the limit the header passes and the (truncated) pixels are what fails.
    assert_eq!(
        clean(&png_header(4_000, 4_000)).err(),
        Some("photo.error.broken")
    );
}

#[sqlx::test]
async fn an_image_bomb_uploaded_is_refused_beside_the_field(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    client.login(&f.a.staff_login, PASSWORD).await;
    client.get(&format!("/activities/{}", f.a.activity)).await;
    let r = client
        .upload_file(
            &format!("/activities/{}/photos", f.a.activity),
            "photo",
            "bomb.png",
            &png_header(12_000, 12_000),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("4000 万像素"), "{}", r.body);
}

/// A request body that sends its first bytes, then nothing more (a stalled phone link).
struct Stalled {
    head: Option<Bytes>,
}

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        match self.head.take() {
            Some(head) => Poll::Ready(Some(Ok(http_body::Frame::data(head)))),
            // The body's time limit wakes the task.
            None => Poll::Pending,
        }
    }
}

#[sqlx::test]
async fn a_stalled_upload_holds_no_connection_and_times_out(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    // A pool of one connection: a request that held it while waiting for a body would starve
    // every other request.
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    let state = test_state(&one, false).with_body_timeouts(BodyTimeouts {
        idle: Duration::from_secs(2),
        total: Duration::from_secs(4),
    });
    let mut client = TestClient::with_app(shouhu::app(state));
    client.login(&f.a.staff_login, PASSWORD).await;
    client.get("/children/import").await;
    let csrf = client.csrf.clone().unwrap();
    let mut reader = client.fresh();
    reader.login(&f.b.admin_login, PASSWORD).await;
    let before = batches(&pool).await;

    for route in [
        format!("/children/import?csrf={csrf}"),
        format!("/activities/{}/photos?csrf={csrf}", f.a.activity),
    ] {
        let (content_type, body) = multipart("file", "roster.xlsx", b"PK\x03\x04");
        // The head of the form and a part of the file; the rest never comes.
        let head = Bytes::from(body[..body.len() - 20].to_vec());
        let req = Request::post(&route)
            .header(header::CONTENT_TYPE, content_type)
            .header(header::CONTENT_LENGTH, 5 * 1024 * 1024)
            .body(Body::new(Stalled { head: Some(head) }))
            .unwrap();
        let mut uploader = TestClient {
            app: client.app.clone(),
            cookies: client.cookies.clone(),
            csrf: client.csrf.clone(),
            addr: client.addr,
        };
        let started = Instant::now();
        let slow = tokio::spawn(async move { uploader.request(req).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Another street's page is served at once while the upload waits.
        let page = reader.get("/children").await;
        assert_eq!(page.status, StatusCode::OK, "{route}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{route}: the page had to wait for the upload's connection"
        );
        let r = slow.await.unwrap();
        assert_eq!(r.status, StatusCode::REQUEST_TIMEOUT, "{route}: {}", r.body);
        assert!(r.body.contains("上传超时"), "{route}: {}", r.body);
    }
    assert_eq!(
        batches(&pool).await,
        before,
        "nothing kept of either upload"
    );
}

#[sqlx::test]
async fn a_form_post_that_stalls_times_out(pool: PgPool) {
    let _f = Fixture::new(&pool).await;
    let state = test_state(&pool, false).with_body_timeouts(BodyTimeouts {
        idle: Duration::from_secs(1),
        total: Duration::from_secs(2),
    });
    let mut client = TestClient::with_app(shouhu::app(state));
    client.get("/login").await;
    let req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::new(Stalled {
            head: Some(Bytes::from_static(b"login=a")),
        }))
        .unwrap();
    let started = Instant::now();
    let r = client.request(req).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(started.elapsed() < Duration::from_secs(5));
}
