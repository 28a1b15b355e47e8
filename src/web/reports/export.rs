//! Reports as .xlsx: Chinese headers, formatted, one sheet per part.

use axum::extract::Query;
use axum::response::Response;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::json;

use super::db as queries;
use super::db::lines;
use super::figures::{Figures, VISIT_KINDS};
use super::forms::OverviewQuery;
use super::view::figures_of;
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::domain::ids::CommunityId;
use crate::domain::semester::Quarter;
use crate::domain::semester::today_in_china;
use crate::error::{AppError, Result};
use crate::i18n::{Lang, catalog};
use crate::web::PathIds;
use crate::web::context::RequestContext;
use crate::web::scope;

/// The rows of the figures sheet: label and value (numbers stay numbers).
pub fn figure_rows(f: &Figures) -> Vec<(String, FigureValue)> {
    let t = catalog(Lang::Zh);
    let pct = |v: Option<f64>| {
        v.map(|x| FigureValue::Percent(x / 100.0))
            .unwrap_or(FigureValue::Text("—".into()))
    };
    [
        ("children", FigureValue::Count(f.children)),
        ("new_children", FigureValue::Count(f.new_children)),
        ("exited_children", FigureValue::Count(f.exited_children)),
        ("completeness", pct(f.completeness())),
        ("pairing_coverage", pct(f.pairing_coverage())),
        ("visits", FigureValue::Count(f.visits)),
        ("duty_completion", pct(f.duty_completion())),
        ("talk_coverage", pct(f.talk_coverage())),
        ("activities", FigureValue::Count(f.activities)),
        ("person_times", FigureValue::Count(f.person_times)),
        ("aid_count", FigureValue::Count(f.aid_count)),
        ("aid_yuan", FigureValue::Yuan(f.aid_fen)),
        ("follow_ups_open", FigureValue::Count(f.follow_ups_open)),
        (
            "follow_ups_overdue",
            FigureValue::Count(f.follow_ups_overdue),
        ),
        ("verification", pct(f.verification())),
    ]
    .into_iter()
    .map(|(key, value)| (t.t(&format!("report.figure.{key}")).to_string(), value))
    .collect()
}

pub enum FigureValue {
    Count(i64),
    Percent(f64),
    Yuan(i64),
    Text(String),
}

fn write_value(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: &FigureValue,
) -> Result<(), XlsxError> {
    match value {
        FigureValue::Count(n) => sheet.write_number(row, col, *n as f64).map(|_| ()),
        FigureValue::Percent(p) => sheet
            .write_number_with_format(row, col, *p, &Format::new().set_num_format("0%"))
            .map(|_| ()),
        // Fen become yuan only here, at the edge, for the spreadsheet.
        FigureValue::Yuan(fen) => sheet
            .write_number_with_format(
                row,
                col,
                *fen as f64 / 100.0,
                &Format::new().set_num_format("¥#,##0.00"),
            )
            .map(|_| ()),
        FigureValue::Text(s) => sheet.write_string(row, col, s).map(|_| ()),
    }
}

fn header() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#FDE7D4")
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
}

pub fn report_workbook(
    community: &str,
    period: &str,
    status: &str,
    f: &Figures,
    narrative: [&str; 3],
) -> Result<Vec<u8>, XlsxError> {
    let t = catalog(Lang::Zh);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(t.t("report.sheet.summary"))?;
    sheet.write_string_with_format(
        0,
        0,
        format!("{community} {period} {}", t.t("report.title")),
        &Format::new().set_bold().set_font_size(14),
    )?;
    sheet.write_string(
        1,
        0,
        format!(
            "{}：{}",
            t.t("report.status"),
            t.t(&format!("report.status.{status}"))
        ),
    )?;
    sheet.write_string_with_format(3, 0, t.t("report.col.item"), &header())?;
    sheet.write_string_with_format(3, 1, t.t("report.col.value"), &header())?;
    for (i, (label, value)) in figure_rows(f).iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_string(row, 0, label)?;
        write_value(sheet, row, 1, value)?;
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 16)?;

    let visits = book.add_worksheet().set_name(t.t("report.sheet.visits"))?;
    visits.write_string_with_format(0, 0, t.t("visit.kind"), &header())?;
    visits.write_string_with_format(0, 1, t.t("report.col.count"), &header())?;
    for (i, kind) in VISIT_KINDS.iter().enumerate() {
        visits.write_string(1 + i as u32, 0, t.t(&format!("visit.kind.{kind}")))?;
        visits.write_number(
            1 + i as u32,
            1,
            f.visits_by_kind.get(i).copied().unwrap_or(0) as f64,
        )?;
    }
    visits.set_column_width(0, 24)?;

    let text = book
        .add_worksheet()
        .set_name(t.t("report.sheet.narrative"))?;
    let wrap = Format::new().set_text_wrap();
    for (i, (key, body)) in ["report.work_done", "report.problems", "report.next_steps"]
        .iter()
        .zip(narrative)
        .enumerate()
    {
        text.write_string_with_format(i as u32 * 2, 0, t.t(key), &header())?;
        text.write_string_with_format(i as u32 * 2 + 1, 0, body, &wrap)?;
    }
    text.set_column_width(0, 80)?;
    book.save_to_buffer()
}

pub async fn export_report(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathIds(community, period): PathIds<CommunityId, String>,
) -> Result<Response> {
    let q = Quarter::parse(&period).ok_or(AppError::NotFound)?;
    let street = staff.user.street_id;
    let mut tx = tenant.begin().await?;
    let name = scope::community(&mut tx, &staff, community).await?;
    let report = queries::find(&mut tx, street, community.0, q).await?;
    let figures = figures_of(&mut tx, street, community.0, q, report.as_ref()).await?;
    let status = report
        .as_ref()
        .map(|r| r.status.clone())
        .unwrap_or_else(|| "draft".into());
    let narrative = report
        .as_ref()
        .map(|r| {
            [
                r.work_done.as_str(),
                r.problems.as_str(),
                r.next_steps.as_str(),
            ]
        })
        .unwrap_or(["", "", ""]);
    let bytes = report_workbook(&name, &q.label(Lang::Zh), &status, &figures, narrative)
        .map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "report_exported",
        "community",
        Some(community.0),
        &rctx.ip.to_string(),
        json!({ "period": q.key() }),
    )
    .await?;
    tx.commit().await?;
    Ok(crate::web::xlsx::xlsx_named(
        bytes,
        &format!("{name}-{}.xlsx", q.label(Lang::Zh)),
    ))
}

pub async fn export_street(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    Query(query): Query<OverviewQuery>,
) -> Result<Response> {
    let q =
        Quarter::parse(&query.period).unwrap_or_else(|| Quarter::last_finished(today_in_china()));
    let street = staff.user.street_id;
    let mut tx = tenant.begin().await?;
    let lines = lines(&mut tx, street, staff.scope.filter(), q).await?;
    let t = catalog(Lang::Zh);
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book
            .add_worksheet()
            .set_name(t.t("report.sheet.comparison"))?;
        sheet.write_string_with_format(0, 0, t.t("user.community"), &header())?;
        sheet.write_string_with_format(0, 1, t.t("report.status"), &header())?;
        let labels: Vec<String> = lines
            .first()
            .map(|l| {
                figure_rows(&l.figures)
                    .into_iter()
                    .map(|(label, _)| label)
                    .collect()
            })
            .unwrap_or_default();
        for (i, label) in labels.iter().enumerate() {
            sheet.write_string_with_format(0, 2 + i as u16, label, &header())?;
        }
        for (r, line) in lines.iter().enumerate() {
            let row = 1 + r as u32;
            sheet.write_string(row, 0, &line.name)?;
            sheet.write_string(row, 1, t.t(&format!("report.status.{}", line.status)))?;
            for (i, (_, value)) in figure_rows(&line.figures).iter().enumerate() {
                write_value(sheet, row, 2 + i as u16, value)?;
            }
        }
        sheet.set_column_width(0, 20)?;
        sheet.set_freeze_panes(1, 1)?;
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "street_report_exported",
        "street",
        Some(street.0),
        &rctx.ip.to_string(),
        json!({ "period": q.key() }),
    )
    .await?;
    tx.commit().await?;
    Ok(crate::web::xlsx::xlsx_named(
        bytes,
        &format!(
            "{}-{}.xlsx",
            t.t("report.sheet.comparison"),
            q.label(Lang::Zh)
        ),
    ))
}
