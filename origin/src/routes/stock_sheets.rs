//! A vendor's stock sheet over HTTP: `GET /api/v1/vendor/stock.csv` is the sheet to fill in
//! (every product of the shop with its stock now), `POST /api/v1/vendor/stock/preview` says
//! line by line what a sheet would change, `POST /api/v1/vendor/stock` applies it — all or
//! nothing. A sheet comes as a file field of a form (`multipart/form-data`, what a browser
//! sends) or as JSON `{"sheet": "…"}`.

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use linkedall_shared::{StockSheetApplied, StockSheetPreview};

use super::AppState;
use crate::error::{Error, Result};
use crate::session::VendorUser;

/// The JSON body of the two sheet routes.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SheetBody {
    sheet: String,
}

/// `GET /api/v1/vendor/stock.csv`
pub async fn download(State(state): State<AppState>, vendor: VendorUser) -> Result<Response> {
    let sheet = state.store.stock_sheet(vendor.vendor_id).await?;
    let mut response = sheet.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"stock.csv\""));
    Ok(response)
}

/// `POST /api/v1/vendor/stock/preview`
pub async fn preview(
    State(state): State<AppState>,
    vendor: VendorUser,
    request: Request,
) -> Result<Json<StockSheetPreview>> {
    let text = sheet_text(&state, request).await?;
    let outcome = state.store.preview_stock_sheet(vendor.vendor_id, &text).await;
    count("preview", outcome.as_ref().map(|p| p.problems));
    let preview = outcome?;
    tracing::info!(
        vendor = %vendor.vendor_id,
        changes = preview.changes,
        unchanged = preview.unchanged,
        mistakes = preview.problems,
        "stock sheet previewed"
    );
    Ok(Json(preview))
}

/// `POST /api/v1/vendor/stock`: 200 with the counts; 422 when a line has a mistake (nothing
/// changed).
pub async fn apply(
    State(state): State<AppState>,
    vendor: VendorUser,
    request: Request,
) -> Result<Json<StockSheetApplied>> {
    let text = sheet_text(&state, request).await?;
    let outcome = state.store.apply_stock_sheet(vendor.vendor_id, &text).await;
    count("apply", outcome.as_ref().map(|_| 0));
    let (applied, changed) = outcome?;
    if !changed.is_empty() {
        state.catalog_cache.products_changed(&changed, "stock sheet applied").await;
    }
    metrics::counter!("stock_sheet_products_changed_total").increment(changed.len() as u64);
    tracing::info!(
        vendor = %vendor.vendor_id,
        changed = applied.changed,
        unchanged = applied.unchanged,
        "stock sheet applied"
    );
    Ok(Json(applied))
}

/// `stock_sheets_total{step, outcome}`: read, read with mistakes, or refused.
fn count(step: &'static str, outcome: std::result::Result<u32, &linkedall_store::Error>) {
    let outcome = match outcome {
        Ok(0) => "ok",
        Ok(_) | Err(linkedall_store::Error::StockSheetHasProblems { .. }) => "mistakes",
        Err(linkedall_store::Error::InvalidInput(_)) => "unreadable",
        Err(_) => "error",
    };
    metrics::counter!("stock_sheets_total", "step" => step, "outcome" => outcome).increment(1);
}

/// The sheet's text from a form's file field (or a field named `sheet`) or a JSON body. A file
/// a spreadsheet saved in another encoding than UTF-8 is read anyway: ids and numbers are
/// ASCII in every encoding, and names are not read.
async fn sheet_text(state: &AppState, request: Request) -> Result<String> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    if !multipart {
        let Json(body) = Json::<SheetBody>::from_request(request, state).await?;
        return Ok(body.sheet);
    }
    let bad_body = |error: axum::extract::multipart::MultipartError| Error::InvalidBody(error.body_text());
    let mut form =
        Multipart::from_request(request, state).await.map_err(|e| Error::InvalidBody(e.body_text()))?;
    while let Some(field) = form.next_field().await.map_err(bad_body)? {
        if field.file_name().is_none() && field.name() != Some("sheet") {
            continue;
        }
        let bytes = field.bytes().await.map_err(bad_body)?;
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    Err(Error::InvalidBody("no stock sheet in the form: send it as a file field named `sheet`".into()))
}
