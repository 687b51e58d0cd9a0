//! The signed-in pages: login and registration, cart, checkout, order confirmation, "my
//! orders", the vendor console (dashboard, product form, photo upload) and the admin console
//! (cache, held orders, dead letters, exchange rates, audit trail).
//!
//! Unlike catalog pages these belong to one person, so every answer is `Cache-Control:
//! private, no-store`, is never put in the host's cache, and says `Cache-Status:
//! linkedall-edge; fwd=bypass`. The edge holds no session of its own: the shopper's `Cookie`
//! header goes to the origin with every call, and whatever `Set-Cookie` the origin answers comes
//! back on the page (see [`visit`]). The origin owns every rule (prices, stock, who may see
//! what); the edge only turns its JSON into HTML and its refusals into readable messages.
//!
//! One file per page family: [`login`], [`cart`], [`checkout`], [`orders`], [`reviews`], [`vendor`],
//! [`vendor_products`], [`vendor_stock`], [`admin`], [`admin_cache`], [`admin_events`], [`admin_rates`],
//! [`admin_audit`], [`admin_vendors`], [`open_shop`]; the
//! origin's JSON documents are read into the types of [`documents`]. The origin decides who
//! is a vendor and who an admin: the pages only forward the session and say its refusals.

mod admin;
mod admin_audit;
mod admin_cache;
mod admin_events;
mod admin_rates;
mod admin_readers;
mod admin_vendors;
mod cart;
mod checkout;
mod cross_site;
mod documents;
mod guest_cart;
mod login;
mod open_shop;
mod orders;
mod password_reset;
mod reviews;
mod sandbox;
mod shop_standing;
mod vendor;
mod vendor_products;
mod vendor_stock;
mod visit;

use bytes::Bytes;
use http::{Method, Request, Response};

use crate::host::Host;
use crate::locale::Locale;
use crate::route::ShopPage;
use crate::trace::RequestContext;
pub use visit::CACHE_CONTROL;
use visit::Visit;

/// Serves one of the signed-in pages: GET (and HEAD) render it, POST submits its form —
/// unless the form was sent from another site ([`cross_site`]). A GET never changes anything:
/// `GET /logout` only shows the button that signs out.
pub async fn serve<H: Host>(
    page: ShopPage,
    request: Request<Bytes>,
    host: &H,
    ctx: &RequestContext,
    locale: &Locale,
) -> Response<Bytes> {
    metrics::counter!("edge_cache_total", "route" => page.label(), "result" => "bypass").increment(1);
    let visit = Visit::new(&request, host, ctx, locale);
    let post = request.method() == Method::POST;
    if !post && request.method() != Method::GET && request.method() != Method::HEAD {
        return visit.refused(405, visit.words().method_refused.into());
    }
    if let Some(reason) = post.then(|| cross_site::refusal(&request)).flatten() {
        metrics::counter!("edge_cross_site_posts_refused_total", "route" => page.label()).increment(1);
        tracing::warn!(reason, page = page.label(), "cross-site form submission refused");
        return visit.refused(403, visit.words().cross_site_refused.into());
    }
    match (page, post) {
        (ShopPage::Login, false) => login::show_login(&visit, None, 200).await,
        (ShopPage::Login, true) => login::sign_in(&visit).await,
        (ShopPage::Register, false) => login::show_register(&visit, None, 200),
        (ShopPage::Register, true) => login::register(&visit).await,
        (ShopPage::Logout, false) => login::confirm_sign_out(&visit),
        (ShopPage::Logout, true) => login::sign_out(&visit).await,
        (ShopPage::ForgotPassword, false) => password_reset::ask(&visit),
        (ShopPage::ForgotPassword, true) => password_reset::send_link(&visit).await,
        (ShopPage::ResetPassword, false) => password_reset::choose(&visit),
        (ShopPage::ResetPassword, true) => password_reset::save(&visit).await,
        (ShopPage::Cart, false) => cart::show(&visit, None).await,
        (ShopPage::Cart, true) => cart::change(&visit).await,
        (ShopPage::Checkout, false) => checkout::show(&visit).await,
        (ShopPage::Checkout, true) => checkout::place(&visit).await,
        (ShopPage::Orders, _) => orders::list(&visit).await,
        (ShopPage::Order { id }, _) => {
            let message = orders::payment_message(visit.words(), visit.query("payment").as_deref())
                .or_else(|| orders::reviewed_message(&visit));
            orders::show(&visit, id, message).await
        }
        (ShopPage::Review { order_id, product_id }, false) => {
            reviews::form(&visit, order_id, product_id).await
        }
        (ShopPage::Review { order_id, product_id }, true) => {
            reviews::post(&visit, order_id, product_id).await
        }
        (ShopPage::AnswerReview { review_id }, true) => reviews::answer(&visit, review_id).await,
        (ShopPage::AnswerReview { .. }, false) => visit.redirect("/vendor#reviews"),
        (ShopPage::Pay { id }, true) => orders::pay(&visit, id).await,
        (ShopPage::SandboxPay { id }, false) => sandbox::show(&visit, id).await,
        (ShopPage::SandboxPay { id }, true) => sandbox::answer(&visit, id).await,
        (ShopPage::OpenShop, false) => open_shop::show(&visit, None),
        (ShopPage::OpenShop, true) => open_shop::open(&visit).await,
        (ShopPage::Vendor, _) => {
            let message = vendor::answered_message(&visit);
            vendor::dashboard(&visit, message).await
        }
        (ShopPage::VendorShop, true) => vendor::change_shop(&visit).await,
        (ShopPage::VendorShop, false) => visit.redirect("/vendor#delivery"),
        (ShopPage::VendorStock, false) => vendor_stock::show(&visit).await,
        (ShopPage::VendorStock, true) => vendor_stock::preview(&visit).await,
        (ShopPage::VendorStockApply, true) => vendor_stock::apply(&visit).await,
        (ShopPage::VendorStockApply, false) => visit.redirect("/vendor/stock"),
        (ShopPage::VendorStockSheet, _) => vendor_stock::download(&visit).await,
        (ShopPage::NewProduct, false) => vendor_products::new_form(&visit).await,
        (ShopPage::NewProduct, true) => vendor_products::save(&visit, None).await,
        (ShopPage::EditProduct { id }, false) => vendor_products::edit_form(&visit, id).await,
        (ShopPage::EditProduct { id }, true) => vendor_products::save(&visit, Some(id)).await,
        (ShopPage::ProductPhoto { id }, true) => vendor_products::upload_photo(&visit, id).await,
        (ShopPage::ProductPhoto { id }, false) => visit.redirect(&format!("/vendor/products/{id}")),
        (ShopPage::RemovePhoto { id, photo }, true) => vendor_products::remove_photo(&visit, id, photo).await,
        (ShopPage::MainPhoto { id, photo }, true) => vendor_products::make_main(&visit, id, photo).await,
        (ShopPage::RemovePhoto { id, .. } | ShopPage::MainPhoto { id, .. }, false) => {
            visit.redirect(&format!("/vendor/products/{id}"))
        }
        (ShopPage::Ship { order_id }, true) => vendor::ship(&visit, order_id).await,
        (ShopPage::Deliver { order_id }, true) => vendor::deliver(&visit, order_id).await,
        (ShopPage::Refused { order_id }, true) => vendor::refused(&visit, order_id).await,
        (ShopPage::Pay { id }, false) => visit.redirect(&format!("/orders/{id}")),
        (ShopPage::Ship { .. } | ShopPage::Deliver { .. } | ShopPage::Refused { .. }, false) => {
            visit.redirect("/vendor")
        }
        (ShopPage::Admin, _) => admin::home(&visit).await,
        (ShopPage::AdminCache, false) => admin_cache::show(&visit, None).await,
        (ShopPage::AdminCache, true) => admin_cache::purge(&visit).await,
        (ShopPage::AdminHeldOrders, _) => admin_events::held(&visit, None).await,
        (ShopPage::AdminRelease { order_id }, true) => admin_events::release(&visit, order_id).await,
        (ShopPage::AdminRelease { .. }, false) => visit.redirect("/admin/held-orders"),
        (ShopPage::AdminCancelHeld { order_id }, true) => admin_events::cancel(&visit, order_id).await,
        (ShopPage::AdminCancelHeld { .. }, false) => visit.redirect("/admin/held-orders"),
        (ShopPage::AdminDeadLetters, _) => admin_events::letters(&visit, None).await,
        (ShopPage::AdminReplay { id }, true) => admin_events::replay(&visit, id).await,
        (ShopPage::AdminReplay { .. }, false) => visit.redirect("/admin/dead-letters"),
        (ShopPage::AdminRates, false) => admin_rates::show(&visit, None).await,
        (ShopPage::AdminRates, true) => admin_rates::save(&visit).await,
        (ShopPage::AdminAuditTrail, _) => admin_audit::show(&visit).await,
        (ShopPage::AdminWarm, true) => admin_cache::warm(&visit).await,
        (ShopPage::AdminWarm, false) => visit.redirect("/admin/cache"),
        (ShopPage::AdminVendors, _) => admin_vendors::show(&visit, None).await,
        (ShopPage::AdminSuspend { vendor_id }, true) => admin_vendors::suspend(&visit, vendor_id).await,
        (ShopPage::AdminReinstate { vendor_id }, true) => admin_vendors::reinstate(&visit, vendor_id).await,
        (ShopPage::AdminSuspend { .. } | ShopPage::AdminReinstate { .. }, false) => {
            visit.redirect("/admin/vendors")
        }
    }
}
