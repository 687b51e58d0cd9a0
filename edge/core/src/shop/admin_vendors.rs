//! Shops, for admins: find one by name, city or number, and suspend it with a reason or
//! reinstate it. The origin does the rest in one transaction — the products leave (or rejoin)
//! the catalog, `vendor.suspended` / `vendor.reinstated` is written and every page that showed
//! them is purged on every edge (`POST /api/v1/admin/vendors/{id}/suspend|reinstate`) — and
//! its audit trail records who did it.

use askama::Template;
use bytes::Bytes;
use http::Response;
use serde::{Deserialize, Serialize};

use super::admin::{AdminFrame, frame, layout, refuse_non_admin};
use super::visit::{Failure, Visit};
use crate::admin_ops_words::AdminOpsWords;
use crate::host::Host;
use crate::origin::encode;
use crate::pages::Layout;
use crate::words::fill;

/// The longest reason the origin takes.
const MAX_REASON_CHARS: usize = 500;

/// `GET /api/v1/admin/vendors`
#[derive(Debug, Deserialize)]
struct Standings {
    vendors: Vec<Standing>,
}

#[derive(Debug, Deserialize)]
struct Standing {
    id: i64,
    name: String,
    city: String,
    country: String,
    products: i64,
    suspended_at: Option<String>,
    suspension_reason: Option<String>,
}

/// The body of `POST /api/v1/admin/vendors/{id}/suspend`.
#[derive(Debug, Serialize)]
struct Suspension<'a> {
    reason: &'a str,
}

/// Which shops the list shows, as the form and the origin name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Active,
    Suspended,
}

impl Filter {
    fn parse(raw: Option<&str>) -> Filter {
        match raw {
            Some("active") => Filter::Active,
            Some("suspended") => Filter::Suspended,
            _ => Filter::All,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Active => "active",
            Filter::Suspended => "suspended",
        }
    }
}

pub struct FilterChoice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

pub struct ShopRow {
    pub id: i64,
    pub name: String,
    pub place: String,
    pub products: String,
    pub suspended: bool,
    /// "Open", or since when it is suspended.
    pub standing: String,
    /// "Reason: …", for a suspended shop.
    pub reason: Option<String>,
    pub suspend_label: String,
    pub reinstate_label: String,
}

#[derive(Template)]
#[template(path = "shop/admin_vendors.html")]
pub struct VendorsPage {
    pub layout: Layout,
    pub frame: AdminFrame,
    pub words: String,
    pub filters: Vec<FilterChoice>,
    pub shops: Vec<ShopRow>,
    pub message: Option<String>,
    pub success: bool,
}

/// `2026-12-07T03:04:05Z` → `2026-12-07 03:04`.
fn minute(timestamp: &str) -> String {
    timestamp.chars().take(16).map(|c| if c == 'T' { ' ' } else { c }).collect()
}

fn row(shop: Standing, says: &'static AdminOpsWords) -> ShopRow {
    ShopRow {
        place: format!("{}, {}", shop.city, shop.country),
        products: fill(says.products, shop.products),
        suspended: shop.suspended_at.is_some(),
        standing: shop
            .suspended_at
            .as_deref()
            .map_or_else(|| says.open.to_owned(), |at| fill(says.suspended_since, minute(at))),
        reason: shop.suspension_reason.map(|reason| fill(says.reason, reason)),
        suspend_label: fill(says.suspend_label, &shop.name),
        reinstate_label: fill(says.reinstate_label, &shop.name),
        id: shop.id,
        name: shop.name,
    }
}

/// `GET /admin/vendors[?q=words&state=all|active|suspended]` (`&suspended=ID` or
/// `&reinstated=ID` after an action).
pub async fn show<H: Host>(visit: &Visit<'_, H>, message: Option<(u16, String)>) -> Response<Bytes> {
    let frame = match frame(visit, "/admin/vendors").await {
        Ok(frame) => frame,
        Err(refused) => return refused,
    };
    let says = frame.ops;
    let words: String = visit.query("q").unwrap_or_default().trim().chars().take(100).collect();
    let filter = Filter::parse(visit.query("state").as_deref());
    let mut path = format!("/api/v1/admin/vendors?state={}", filter.as_str());
    if !words.is_empty() {
        path.push_str(&format!("&q={}", encode(&words)));
    }
    let shops = match visit.get::<Standings>(&path).await {
        Ok(standings) => standings.vendors,
        Err(failure) => return refuse_non_admin(visit, failure),
    };
    let done = |name: &str| visit.query(name).and_then(|id| id.parse::<i64>().ok());
    let name_of = |id: i64| {
        shops.iter().find(|shop| shop.id == id).map_or_else(|| fill(says.shop_number, id), |s| s.name.clone())
    };
    let (status, success, message) = match message {
        Some((status, text)) => (status, false, Some(text)),
        None => {
            let said = done("suspended")
                .map(|id| fill(says.suspended_done, name_of(id)))
                .or_else(|| done("reinstated").map(|id| fill(says.reinstated_done, name_of(id))));
            (200, said.is_some(), said)
        }
    };
    let page = VendorsPage {
        layout: layout(visit, says.shops),
        filters: [
            (Filter::All, says.all_shops),
            (Filter::Active, says.open_shops),
            (Filter::Suspended, says.suspended_shops),
        ]
        .into_iter()
        .map(|(choice, label)| FilterChoice { value: choice.as_str(), label, selected: choice == filter })
        .collect(),
        shops: shops.into_iter().map(|shop| row(shop, says)).collect(),
        words,
        message,
        success,
        frame,
    };
    visit.page(status, &page)
}

/// `POST /admin/vendors/{id}/suspend` with a `reason`.
pub async fn suspend<H: Host>(visit: &Visit<'_, H>, vendor_id: i64) -> Response<Bytes> {
    let says = AdminOpsWords::of(visit.locale.language);
    let reason = visit.field("reason").map(str::trim).unwrap_or_default();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return show(visit, Some((422, says.reason_missing.into()))).await;
    }
    let path = format!("/api/v1/admin/vendors/{vendor_id}/suspend");
    let answer = visit.post::<serde_json::Value>(&path, Some(&Suspension { reason }), None).await;
    after(visit, answer, vendor_id, "suspended").await
}

/// `POST /admin/vendors/{id}/reinstate`
pub async fn reinstate<H: Host>(visit: &Visit<'_, H>, vendor_id: i64) -> Response<Bytes> {
    let path = format!("/api/v1/admin/vendors/{vendor_id}/reinstate");
    let answer = visit.post::<serde_json::Value>(&path, None::<&()>, None).await;
    after(visit, answer, vendor_id, "reinstated").await
}

/// Back to the list showing the shop and what was `done`, or the refusal on the page.
async fn after<H: Host>(
    visit: &Visit<'_, H>,
    answer: Result<serde_json::Value, Failure>,
    vendor_id: i64,
    done: &str,
) -> Response<Bytes> {
    let says = AdminOpsWords::of(visit.locale.language);
    match answer {
        Ok(_) => {
            metrics::counter!("edge_admin_shop_standing_changes_total", "action" => done.to_owned())
                .increment(1);
            visit.redirect(&format!("/admin/vendors?q={vendor_id}&{done}={vendor_id}"))
        }
        Err(Failure::Refused { status: 409, .. }) => {
            show(visit, Some((409, says.standing_changed.into()))).await
        }
        Err(Failure::Refused { status, message }) if status != 403 => {
            show(visit, Some((status, message))).await
        }
        Err(failure) => refuse_non_admin(visit, failure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_filter_reads_its_three_names_and_defaults_to_all() {
        assert_eq!(Filter::parse(Some("suspended")), Filter::Suspended);
        assert_eq!(Filter::parse(Some("active")), Filter::Active);
        assert_eq!(Filter::parse(Some("banned")), Filter::All);
        assert_eq!(Filter::parse(None).as_str(), "all");
    }
}
