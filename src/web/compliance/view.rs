//! The compliance page and the export's workbook.

use askama::Template;
use askama_web::WebTemplate;
use rust_xlsxwriter::Workbook;

use super::db::{AccountRow, EventRow, Figures};
use crate::domain::semester::china_offset;
use crate::i18n::Catalog;
use crate::web::context::PageCtx;
use crate::web::xlsx::bold;

#[derive(Template, WebTemplate)]
#[template(path = "compliance/show.html")]
pub struct CompliancePage {
    pub ctx: PageCtx,
    pub f: Figures,
    pub years: Vec<i32>,
}

/// The export: a summary sheet, the exports, ID-number reveals and anonymisations of the year,
/// and every account of the street.
pub fn workbook(
    t: &Catalog,
    f: &Figures,
    exports: &[EventRow],
    reveals: &[EventRow],
    anonymised: &[EventRow],
    accounts: &[AccountRow],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let head = bold();
    let summary = book
        .add_worksheet()
        .set_name(t.t("compliance.sheet.summary"))?;
    summary.write_string_with_format(0, 0, t.t("compliance.figure"), &head)?;
    summary.write_string_with_format(0, 1, f.year.to_string(), &head)?;
    let mut lines: Vec<(String, i64)> = vec![
        (t.t("compliance.files_held").to_string(), f.files_held),
        (t.t("compliance.files_opened").to_string(), f.files_opened),
        (t.t("compliance.files_closed").to_string(), f.files_closed),
        (
            t.t("compliance.consents_given").to_string(),
            f.consents_given(),
        ),
        (
            t.t("compliance.consents_withdrawn").to_string(),
            f.consents_withdrawn(),
        ),
        (t.t("compliance.file_views").to_string(), f.file_views),
        (
            t.t("compliance.children_viewed").to_string(),
            f.children_viewed,
        ),
        (t.t("compliance.id_reveals").to_string(), f.id_reveals),
        (t.t("compliance.exports").to_string(), f.exports_total()),
        (t.t("compliance.anonymised").to_string(), f.anonymised),
        (t.t("compliance.access_denied").to_string(), f.access_denied),
    ];
    for (scope, given, withdrawn) in &f.consents {
        let label = t.t(&format!("consent.scope.{scope}")).to_string();
        lines.push((
            format!("{} · {label}", t.t("compliance.consents_given")),
            *given,
        ));
        lines.push((
            format!("{} · {label}", t.t("compliance.consents_withdrawn")),
            *withdrawn,
        ));
    }
    for (action, n) in &f.exports {
        lines.push((t.t(&format!("audit.action.{action}")).to_string(), *n));
    }
    for role in ["street_admin", "community_staff", "volunteer"] {
        lines.push((
            format!(
                "{} · {}",
                t.t("compliance.accounts"),
                t.t(&format!("role.{role}"))
            ),
            f.accounts_of(role),
        ));
    }
    for (i, (label, value)) in lines.iter().enumerate() {
        summary.write_string(i as u32 + 1, 0, label)?;
        summary.write_number(i as u32 + 1, 1, *value as f64)?;
    }
    summary.set_column_width(0, 40)?;
    for (name, rows) in [
        ("compliance.sheet.exports", exports),
        ("compliance.sheet.reveals", reveals),
        ("compliance.sheet.anonymised", anonymised),
    ] {
        let sheet = book.add_worksheet().set_name(t.t(name))?;
        for (i, h) in [
            "audit.at",
            "audit.user",
            "audit.action",
            "audit.entity",
            "audit.detail",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, i as u16, t.t(h), &head)?;
        }
        for (r, e) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(
                r,
                0,
                e.at.with_timezone(&china_offset())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            )?;
            sheet.write_string(r, 1, &e.user)?;
            sheet.write_string(r, 2, t.t(&format!("audit.action.{}", e.action)))?;
            sheet.write_string(r, 3, &e.entity_id)?;
            sheet.write_string(r, 4, &e.detail)?;
        }
        sheet.set_column_width(0, 20)?;
        sheet.set_column_width(4, 60)?;
    }
    let sheet = book
        .add_worksheet()
        .set_name(t.t("compliance.sheet.accounts"))?;
    for (i, h) in [
        "user.login",
        "user.display_name",
        "user.role",
        "user.community",
        "compliance.created",
        "compliance.disabled",
        "compliance.last_login",
        "compliance.totp",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, i as u16, t.t(h), &head)?;
    }
    for (r, a) in accounts.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &a.login)?;
        sheet.write_string(r, 1, &a.name)?;
        sheet.write_string(r, 2, t.t(&format!("role.{}", a.role)))?;
        sheet.write_string(r, 3, &a.community)?;
        sheet.write_string(r, 4, &a.created)?;
        sheet.write_string(r, 5, &a.disabled)?;
        sheet.write_string(r, 6, &a.last_login)?;
        sheet.write_string(r, 7, if a.totp { "✓" } else { "" })?;
    }
    book.save_to_buffer()
}
