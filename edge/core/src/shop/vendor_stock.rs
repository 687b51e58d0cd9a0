//! The stock sheet page: a vendor downloads their shop's stock as a CSV file, changes it in a
//! spreadsheet, sends it back, reads what would change line by line — every mistake with its
//! line number, in their language — and applies it, all or nothing.
//!
//! The file goes to the origin as the browser sent it (multipart, untouched); the preview
//! answers with the sheet's text, which the "Apply" form carries back, so the vendor applies
//! exactly what they saw. If their products changed in between (a product removed), the origin
//! refuses the whole sheet and the page shows the new preview.

use askama::Template;
use bytes::Bytes;
use http::Response;
use linkedall_shared::{StockSheetApplied, StockSheetPreview};
use serde::Serialize;

use super::vendor::{refuse_non_vendor, storefront};
use super::visit::{Failure, Refusal, Visit};
use crate::host::Host;
use crate::pages::Layout;
use crate::stock_words::StockWords;
use crate::words::fill;

pub struct LineRow {
    pub line: u32,
    pub product: String,
    pub now: String,
    pub new: String,
    pub check: &'static str,
    pub mistake: bool,
}

pub struct PreviewView {
    pub changes: String,
    pub unchanged: String,
    pub mistakes: Option<String>,
    pub lines: Vec<LineRow>,
    pub can_apply: bool,
    pub sheet: String,
}

#[derive(Template)]
#[template(path = "shop/vendor_stock.html")]
pub struct StockPage {
    pub layout: Layout,
    pub says: &'static StockWords,
    pub message: Option<String>,
    pub success: bool,
    pub preview: Option<PreviewView>,
}

/// The body of `POST /api/v1/vendor/stock` and of its preview, from the "Apply" form.
#[derive(Serialize)]
struct SheetBody<'a> {
    sheet: &'a str,
}

impl PreviewView {
    pub fn new(preview: StockSheetPreview, says: &'static StockWords) -> PreviewView {
        let lines = preview
            .lines
            .into_iter()
            .map(|line| {
                let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
                let changes = line.current != line.stock;
                LineRow {
                    line: line.line,
                    product: match (line.product_id, line.name) {
                        (Some(id), Some(name)) => format!("{name} (#{id})"),
                        (Some(id), None) => format!("#{id}"),
                        _ => String::new(),
                    },
                    now: number(line.current),
                    new: number(line.stock),
                    check: match line.problem {
                        Some(problem) => says.line_problem(problem),
                        None if changes => says.will_change,
                        None => says.no_change,
                    },
                    mistake: line.problem.is_some(),
                }
            })
            .collect();
        PreviewView {
            changes: fill(says.changes, preview.changes),
            unchanged: fill(says.unchanged, preview.unchanged),
            mistakes: (preview.problems > 0).then(|| fill(says.mistakes, preview.problems)),
            lines,
            can_apply: preview.problems == 0 && preview.changes > 0,
            sheet: preview.sheet,
        }
    }

    /// The sentence above the table.
    fn message(&self, says: &'static StockWords) -> Option<String> {
        if self.mistakes.is_some() {
            Some(says.fix_and_resend.into())
        } else if !self.can_apply {
            Some(says.nothing_to_change.into())
        } else {
            None
        }
    }
}

fn page<H: Host>(
    visit: &Visit<'_, H>,
    status: u16,
    message: Option<(String, bool)>,
    preview: Option<PreviewView>,
) -> Response<Bytes> {
    let says = StockWords::of(visit.locale.language);
    let mut layout = Layout::for_locale(format!("{} — Linked All", says.heading), &visit.locale);
    layout.noindex = true;
    let message = message.or_else(|| preview.as_ref()?.message(says).map(|m| (m, false)));
    let (message, success) = message.map_or((None, false), |(m, ok)| (Some(m), ok));
    visit.page(status, &StockPage { layout, says, message, success, preview })
}

/// `GET /vendor/stock`: the form; `?applied=N` after applying a sheet.
pub async fn show<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = StockWords::of(visit.locale.language);
    // Only a vendor sees the page: the origin says who is one.
    if let Err(refused) = storefront(visit).await {
        return refused;
    }
    let applied = visit.query("applied").and_then(|n| n.parse::<u32>().ok());
    page(visit, 200, applied.map(|n| (fill(says.applied, n), true)), None)
}

/// `GET /vendor/stock.csv`: the shop's stock sheet, to change in a spreadsheet.
pub async fn download<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    match visit.get_file("/api/v1/vendor/stock.csv").await {
        Ok(sheet) => visit.download("text/csv; charset=utf-8", "stock.csv", sheet),
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

/// `POST /vendor/stock` (multipart, the file): what the sheet would change.
pub async fn preview<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = StockWords::of(visit.locale.language);
    let Some(outcome) = visit.upload::<StockSheetPreview>("/api/v1/vendor/stock/preview").await else {
        return page(visit, 400, Some((says.missing_file.into(), false)), None);
    };
    match outcome {
        Ok(Ok(preview)) => page(visit, 200, None, Some(PreviewView::new(preview, says))),
        Ok(Err(Refusal { status: 403, .. })) => {
            refuse_non_vendor(visit, Failure::Refused { status: 403, message: String::new() })
        }
        Ok(Err(refusal)) => {
            page(visit, refusal.status, Some((says.sheet_refusal(&refusal.kind).into(), false)), None)
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}

/// `POST /vendor/stock/apply` (the sheet the preview showed): applied, or — when the shop
/// changed since — the new preview.
pub async fn apply<H: Host>(visit: &Visit<'_, H>) -> Response<Bytes> {
    let says = StockWords::of(visit.locale.language);
    let Some(sheet) = visit.field("sheet").filter(|s| !s.trim().is_empty()) else {
        return page(visit, 400, Some((says.missing_file.into(), false)), None);
    };
    let body = SheetBody { sheet };
    match visit.post::<StockSheetApplied>("/api/v1/vendor/stock", Some(&body), None).await {
        Ok(applied) => visit.redirect(&format!("/vendor/stock?applied={}", applied.changed)),
        Err(Failure::Refused { status: 422, .. }) => {
            match visit.post::<StockSheetPreview>("/api/v1/vendor/stock/preview", Some(&body), None).await {
                Ok(preview) => page(
                    visit,
                    409,
                    Some((says.changed_since.into(), false)),
                    Some(PreviewView::new(preview, says)),
                ),
                Err(Failure::Refused { status, .. }) if status != 403 => {
                    page(visit, status, Some((says.refused.into(), false)), None)
                }
                Err(failure) => refuse_non_vendor(visit, failure),
            }
        }
        Err(failure) => refuse_non_vendor(visit, failure),
    }
}
