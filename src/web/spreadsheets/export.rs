//! Exports: the roster template, the children list (current filters and scope), volunteers and
//! the duty grid. ID numbers are masked unless a street admin asks for them with a reason.

use axum::extract::{Query, State};
use axum::response::Response;
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};
use serde_json::json;

use super::columns::template_headers;
use super::db as queries;
use super::forms::{ExportQuery, SemesterQuery};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::auth::extract::CommunityScope;
use crate::domain::child::{CareSituation, Gender, LeftBehind, Relation, RiskLevel};
use crate::domain::ids::ChildId;
use crate::domain::semester::{Semester, today_in_china};
use crate::error::{AppError, Result};
use crate::i18n::{Lang, catalog};
use crate::state::AppState;
use crate::web::context::RequestContext;
use crate::web::xlsx::{bold, xlsx};

fn labels(prefix: &str, keys: Vec<&'static str>) -> Vec<String> {
    keys.iter()
        .map(|k| catalog(Lang::Zh).t(&format!("{prefix}.{k}")).to_string())
        .collect()
}

/// The roster template: Chinese headers, one example row, drop-downs for the closed lists.
pub fn template_workbook() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("儿童花名册")?;
    let headers = template_headers();
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *h, &bold())?;
        sheet.set_column_width(i as u16, 14)?;
    }
    let example = [
        "张小明",
        "男",
        "2016-05-20",
        "",
        "",
        "幸福路8号",
        "城关第一小学",
        "四年级",
        "2班",
        "刘老师",
        "13912345678",
        "父母均外出",
        "广东省东莞市",
        "每年春节",
        "隔代监护",
        "一般关注",
        "",
        "张奶奶",
        "祖母",
        "13512345678",
        "张爸爸",
        "父亲",
        "13612345678",
        "2026-09-01",
    ];
    for (i, v) in example.iter().enumerate() {
        sheet.write_string(1, i as u16, *v)?;
    }
    let lists: [(&str, Vec<String>); 6] = [
        ("性别", labels("child.gender", Gender::keys())),
        (
            "状态",
            labels("child.status", crate::domain::child::ChildStatus::keys()),
        ),
        ("留守类型", labels("child.left_behind", LeftBehind::keys())),
        ("监护情况", labels("child.care", CareSituation::keys())),
        ("关注等级", labels("child.risk", RiskLevel::keys())),
        ("监护人关系", labels("guardian.relation", Relation::keys())),
    ];
    for (header, values) in lists.iter().chain(std::iter::once(&(
        "外出父母关系",
        labels("guardian.relation", Relation::keys()),
    ))) {
        if let Some(col) = headers.iter().position(|h| h == header) {
            let validation = DataValidation::new()
                .allow_list_strings(&values.iter().map(String::as_str).collect::<Vec<_>>())?;
            sheet.add_data_validation(1, col as u16, 20_000, col as u16, &validation)?;
        }
    }
    book.save_to_buffer()
}

pub async fn template(_staff: Staff) -> Result<Response> {
    Ok(xlsx(
        template_workbook().map_err(AppError::internal)?,
        "children-template.xlsx",
    ))
}

pub async fn export_children(
    tenant: Tenant,
    State(state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    Query(q): Query<ExportQuery>,
) -> Result<Response> {
    let user = &staff.user;
    let full = !q.full_ids.is_empty();
    if full && (staff.scope != CommunityScope::All || q.reason.trim().chars().count() < 2) {
        // Full numbers only for a street admin who says why.
        return Err(AppError::BadRequest);
    }
    let mut filter = q.list.to_filter(&staff, today_in_china());
    filter.limit = 100_000;
    filter.offset = 0;
    let mut tx = tenant.begin().await?;
    let (rows, _) = crate::web::children::list_db::list(&mut tx, user.street_id, &filter).await?;
    let ids: Vec<ChildId> = rows.iter().map(|r| r.id).collect();
    let details = queries::export_details(&mut tx, user.street_id, &ids).await?;
    let guardians = queries::export_guardians(&mut tx, user.street_id, &ids).await?;
    // The date the file consent was given (the newest not withdrawn), for 建档同意日期.
    let consents = queries::file_consent_days(&mut tx, user.street_id, &ids).await?;
    let zh = catalog(Lang::Zh);
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("儿童花名册")?;
        let headers = template_headers();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        // Each column as wide as its longest value (a Chinese character counts two).
        let width = |s: &str| {
            s.chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<usize>()
        };
        let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
        for (i, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, i as u16, *h, &bold())?;
        }
        for (r, row) in rows.iter().enumerate() {
            let d = details.iter().find(|d| d.id == row.id);
            let id_number = match d {
                Some(d) if full => d
                    .id_number_enc
                    .as_deref()
                    .and_then(|b| state.data_key.decrypt(b).ok())
                    .unwrap_or_default(),
                Some(d) => d.id_number_masked.clone(),
                None => String::new(),
            };
            let home = guardians
                .iter()
                .find(|g| g.child_id == row.id && !g.is_parent_away);
            let away = guardians
                .iter()
                .find(|g| g.child_id == row.id && g.is_parent_away);
            let label = |prefix: &str, key: &str| zh.t(&format!("{prefix}.{key}")).to_string();
            let values: Vec<String> = vec![
                row.name.clone(),
                label("child.gender", row.gender.key()),
                row.birth_date.to_string(),
                id_number,
                d.and_then(|d| d.grid.clone()).unwrap_or_default(),
                d.map(|d| d.address.clone()).unwrap_or_default(),
                row.school.clone(),
                row.grade.clone(),
                d.map(|d| d.class_name.clone()).unwrap_or_default(),
                d.map(|d| d.class_teacher.clone()).unwrap_or_default(),
                d.map(|d| d.class_teacher_phone.clone()).unwrap_or_default(),
                d.map(|d| label("child.left_behind", &d.left_behind))
                    .unwrap_or_default(),
                d.map(|d| d.parents_work_place.clone()).unwrap_or_default(),
                d.map(|d| d.parents_return_frequency.clone())
                    .unwrap_or_default(),
                d.map(|d| label("child.care", &d.care)).unwrap_or_default(),
                label("child.risk", row.risk_level.key()),
                label("child.status", row.status.key()),
                home.map(|g| g.name.clone()).unwrap_or_default(),
                home.map(|g| label("guardian.relation", &g.relation))
                    .unwrap_or_default(),
                home.map(|g| g.phone.clone()).unwrap_or_default(),
                away.map(|g| g.name.clone()).unwrap_or_default(),
                away.map(|g| label("guardian.relation", &g.relation))
                    .unwrap_or_default(),
                away.map(|g| {
                    if g.family_phone.is_empty() {
                        g.phone.clone()
                    } else {
                        g.family_phone.clone()
                    }
                })
                .unwrap_or_default(),
                consents
                    .iter()
                    .find(|(child, _)| *child == row.id)
                    .map(|(_, on)| on.to_string())
                    .unwrap_or_default(),
            ];
            for (c, v) in values.iter().enumerate() {
                widths[c] = widths[c].max(width(v));
                // Dates as dates, so Excel sorts and filters them and they import back.
                let date = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
                match date.filter(|_| headers[c] == "出生日期" || headers[c] == "建档同意日期")
                {
                    Some(d) => {
                        use chrono::Datelike;
                        let excel = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        sheet.write_date_with_format(
                            1 + r as u32,
                            c as u16,
                            &excel,
                            &date_format,
                        )?;
                    }
                    None => {
                        sheet.write_string(1 + r as u32, c as u16, v)?;
                    }
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, (*w as f64 + 2.0).clamp(8.0, 40.0))?;
        }
        sheet.set_freeze_panes(1, 1)?;
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "children_exported",
        "street",
        Some(user.street_id.0),
        &rctx.ip.to_string(),
        json!({ "rows": rows.len(), "full_ids": full, "reason": audit::scrub(q.reason.trim()) }),
    )
    .await?;
    tx.commit().await?;
    Ok(xlsx(bytes, "children.xlsx"))
}

pub async fn export_volunteers(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
) -> Result<Response> {
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let rows =
        crate::web::volunteers::db::list(&mut tx, user.street_id, staff.scope.filter(), None)
            .await?;
    let zh = catalog(Lang::Zh);
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("志愿者")?;
        for (i, h) in [
            "姓名",
            "所属社区",
            "类型",
            "志愿服务队",
            "电话",
            "特长",
            "状态",
            "无犯罪记录证明查验",
            "培训",
            "行为守则",
            "结对人数",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, i as u16, *h, &bold())?;
            sheet.set_column_width(i as u16, 14)?;
        }
        for (r, v) in rows.iter().enumerate() {
            let row = 1 + r as u32;
            let cells = [
                v.name.clone(),
                v.community_name.clone(),
                zh.t(&format!("volunteer.kind.{}", v.kind)).to_string(),
                v.team.clone().unwrap_or_default(),
                v.phone.clone(),
                v.skills.clone(),
                zh.t(&format!("volunteer.status.{}", v.status)).to_string(),
                v.record_check_seen_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                v.training_done_on
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                v.conduct_accepted_at
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ];
            for (c, value) in cells.iter().enumerate() {
                sheet.write_string(row, c as u16, value)?;
            }
            sheet.write_number(row, 10, v.active_pairings as f64)?;
        }
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "volunteers_exported",
        "street",
        Some(user.street_id.0),
        &rctx.ip.to_string(),
        json!({ "rows": rows.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(xlsx(bytes, "volunteers.xlsx"))
}

pub async fn export_duties(
    tenant: Tenant,
    State(_state): State<AppState>,
    rctx: RequestContext,
    staff: Staff,
    Query(q): Query<SemesterQuery>,
) -> Result<Response> {
    let user = &staff.user;
    let today = today_in_china();
    let semester = q
        .semester
        .as_deref()
        .and_then(Semester::parse)
        .unwrap_or_else(|| Semester::containing(today));
    let mut tx = tenant.begin().await?;
    let rows = crate::web::pairings::db::grid_rows(
        &mut tx,
        user.street_id,
        staff.scope.filter(),
        semester,
        today,
    )
    .await?;
    let zh = catalog(Lang::Zh);
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("五个一")?;
        let mut headers = vec!["社区".to_string(), "志愿者".to_string(), "儿童".to_string()];
        headers.extend(
            crate::domain::duties::Duty::ALL
                .iter()
                .map(|d| zh.t(&d.label_key()).to_string()),
        );
        headers.push(zh.t("duty.months_without_talk").to_string());
        for (i, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(0, i as u16, h, &bold())?;
            sheet.set_column_width(i as u16, 14)?;
        }
        for (r, g) in rows.iter().enumerate() {
            let row = 1 + r as u32;
            sheet.write_string(row, 0, &g.pairing.community_name)?;
            sheet.write_string(row, 1, &g.pairing.volunteer_name)?;
            sheet.write_string(row, 2, &g.pairing.child_name)?;
            for (i, d) in g.duties.iter().enumerate() {
                let mut text = zh.t(&format!("duty.state.{}", d.state.key())).to_string();
                if let Some(by) = &d.by {
                    text.push_str(&format!(" {}", by.on));
                }
                sheet.write_string(row, 3 + i as u16, &text)?;
            }
            sheet.write_string(row, 8, g.months_without_talk.join("、"))?;
        }
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    audit::record(
        &mut tx,
        "duties_exported",
        "street",
        Some(user.street_id.0),
        &rctx.ip.to_string(),
        json!({ "semester": semester.key() }),
    )
    .await?;
    tx.commit().await?;
    Ok(xlsx(bytes, "duties.xlsx"))
}
