//! The admin console's shops page (suspend, reinstate), its operations panels (the event
//! readers' lag, the Cloudflare purge queue, warming on demand) and what a suspended vendor
//! reads, against the in-memory origin of `console_origin`: in the admin's language, with
//! what the edge asks the origin on their behalf.

mod console_origin;

use bytes::Bytes;
use console_origin::{ADMIN, ConsoleOrigin, SHOPPER, VENDOR};
use futures_executor::block_on;
use linkedall_edge::handle;

fn get(path: &str, cookie: &str) -> http::Request<Bytes> {
    http::Request::get(path).header("cookie", cookie).body(Bytes::new()).unwrap()
}

fn post(path: &str, form: &str, cookie: &str) -> http::Request<Bytes> {
    http::Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(Bytes::from(form.to_owned()))
        .unwrap()
}

fn text(response: &http::Response<Bytes>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

fn location(response: &http::Response<Bytes>) -> &str {
    response.headers().get("location").map_or("", |v| v.to_str().unwrap())
}

fn in_language(cookie: &str, language: &str) -> String {
    format!("{cookie}; la_lang={language}")
}

/// English sentences of these pages that a translated page must not carry.
const ENGLISH_TELLS: &[&str] = &[
    "Shops",
    "Reinstate",
    "Open shops",
    "its vendor reads",
    "Suspended since",
    "Event readers",
    "Waiting",
    "Last handled",
    "never",
    "Forwarding purges",
    "Warm now",
    "most requested",
    "Administration pages",
    "problems/",
];

fn assert_no_english(page: &str, what: &str) {
    for tell in ENGLISH_TELLS {
        assert!(!page.contains(tell), "{what} says {tell:?}:\n{page}");
    }
}

const SHOPS: &str = r#"{"vendors":[
  {"id":3,"name":"Dakar Wax","city":"Dakar","country":"SN","products":12,"suspended_at":null,"suspension_reason":null},
  {"id":4,"name":"Ikeja Gadgets","city":"Lagos","country":"NG","products":40,"suspended_at":"2026-12-07T03:04:05Z","suspension_reason":"contrefaçons signalées"}]}"#;

fn with_shops() -> ConsoleOrigin {
    let mut origin = ConsoleOrigin::new();
    origin.raw("GET", "/api/v1/admin/vendors?state=all", 200, SHOPS);
    origin.raw("GET", "/api/v1/admin/vendors?state=all&q=3", 200, SHOPS);
    origin.raw(
        "POST",
        "/api/v1/admin/vendors/3/suspend",
        200,
        r#"{"id":3,"name":"Dakar Wax","city":"Dakar","country":"SN","products":12,"suspended_at":"2026-12-07T04:00:00Z","suspension_reason":"faux bazin"}"#,
    );
    origin.raw(
        "POST",
        "/api/v1/admin/vendors/4/reinstate",
        409,
        r#"{"type":"/problems/illegal-transition","status":409,"detail":"cannot reinstate shop 4: it is not suspended"}"#,
    );
    origin
}

#[test]
fn an_admin_reads_each_shops_standing_in_french_and_suspends_one_with_a_reason() {
    let origin = with_shops();
    let response = block_on(handle(get("/admin/vendors", &in_language(ADMIN, "fr")), &origin));
    let page = text(&response);
    assert_eq!(response.status(), 200, "{page}");
    for shown in [
        "Boutiques",
        "Dakar Wax",
        "Ouverte",
        "Suspendue depuis le 2026-12-07 03:04 (UTC)",
        "Motif : contrefaçons signalées",
        r#"action="/admin/vendors/3/suspend""#,
        r#"action="/admin/vendors/4/reinstate""#,
        r#"aria-label="Suspendre Dakar Wax""#,
        r#"aria-current="page">Boutiques"#,
    ] {
        assert!(page.contains(shown), "missing {shown:?}:\n{page}");
    }
    assert!(!page.contains(r#"action="/admin/vendors/4/suspend""#), "a suspended shop is only reinstated");
    assert_no_english(&page, "the French shops page");

    // No reason: a sentence, and nothing reaches the origin.
    let refused =
        block_on(handle(post("/admin/vendors/3/suspend", "reason=+", &in_language(ADMIN, "fr")), &origin));
    assert_eq!(refused.status(), 422);
    assert!(text(&refused).contains("Indiquez pourquoi la boutique est suspendue"), "{}", text(&refused));
    assert!(origin.sent("POST", "/api/v1/admin/vendors/3/suspend").is_empty());

    let suspended = block_on(handle(post("/admin/vendors/3/suspend", "reason=faux+bazin", ADMIN), &origin));
    assert_eq!((suspended.status().as_u16(), location(&suspended)), (303, "/admin/vendors?q=3&suspended=3"));
    let sent: serde_json::Value =
        serde_json::from_slice(origin.sent("POST", "/api/v1/admin/vendors/3/suspend")[0].body()).unwrap();
    assert_eq!(sent, serde_json::json!({ "reason": "faux bazin" }));
    let after =
        text(&block_on(handle(get("/admin/vendors?q=3&suspended=3", &in_language(ADMIN, "fr")), &origin)));
    assert!(after.contains("Dakar Wax est suspendue : ses produits ont quitté le catalogue"), "{after}");

    // Another admin got there first: said on the page, not the origin's words.
    let conflict =
        block_on(handle(post("/admin/vendors/4/reinstate", "", &in_language(ADMIN, "fr")), &origin));
    assert_eq!(conflict.status(), 409);
    assert!(
        text(&conflict).contains("Un autre administrateur a modifié cette boutique"),
        "{}",
        text(&conflict)
    );
    assert!(!text(&conflict).contains("not suspended"));
}

#[test]
fn the_shops_page_reads_in_arabic_without_english() {
    let origin = with_shops();
    let page = text(&block_on(handle(get("/admin/vendors", &in_language(ADMIN, "ar")), &origin)));
    assert!(page.contains("المتاجر") && page.contains("إعادة") && page.contains(r#"dir="rtl""#), "{page}");
    assert_no_english(&page, "the Arabic shops page");
}

#[test]
fn only_admins_reach_the_shops_page_and_its_forms() {
    let origin = with_shops();
    let page = block_on(handle(get("/admin/vendors", &in_language(SHOPPER, "fr")), &origin));
    assert_eq!(page.status(), 403);
    assert!(text(&page).contains("réservées aux administrateurs"));
    let suspend = block_on(handle(post("/admin/vendors/3/suspend", "reason=spite", SHOPPER), &origin));
    assert_eq!(suspend.status(), 403, "the origin refused the shopper");
    let warm = block_on(handle(post("/admin/cache/warm", "", SHOPPER), &origin));
    assert_eq!(warm.status(), 403);
    assert!(
        origin.sent("POST", "/api/v1/admin/cache/warmings").is_empty(),
        "nothing warmed, nothing reported"
    );
}

#[test]
fn the_cache_page_shows_the_cloudflare_queue_or_that_forwarding_is_off() {
    let mut origin = ConsoleOrigin::new();
    origin.raw(
        "GET",
        "/api/v1/admin/cache/cloudflare",
        200,
        r#"{"forwarding":true,"queued":50,"next_call_in_secs":87.2,"reported_secs_ago":3.1}"#,
    );
    let page = text(&block_on(handle(get("/admin/cache", &in_language(ADMIN, "fr")), &origin)));
    assert!(page.contains("Purges en attente d’envoi à Cloudflare : 50."), "{page}");
    assert!(page.contains("permet le prochain appel dans 88 secondes"), "{page}");
    assert!(page.contains(r#"action="/admin/cache/warm""#) && page.contains("Préchauffer"), "{page}");
    assert_no_english(&page, "the French cache page");

    origin.raw("GET", "/api/v1/admin/cache/cloudflare", 200, r#"{"forwarding":false}"#);
    let off = text(&block_on(handle(get("/admin/cache", ADMIN), &origin)));
    assert!(off.contains("Forwarding purges to Cloudflare is off"), "{off}");
}

#[test]
fn warming_on_demand_reports_what_it_fetched_to_the_audit_trail_and_says_it() {
    let mut origin = ConsoleOrigin::new();
    origin.raw("POST", "/api/v1/admin/cache/warmings", 204, "");
    let warmed = block_on(handle(post("/admin/cache/warm", "", ADMIN), &origin));
    assert_eq!(warmed.status(), 303, "{}", text(&warmed));
    // This instance served no catalog page: its list is empty.
    assert_eq!(location(&warmed), "/admin/cache?warmed=0&of=0&failed=0");
    let report: serde_json::Value =
        serde_json::from_slice(origin.sent("POST", "/api/v1/admin/cache/warmings")[0].body()).unwrap();
    assert_eq!(report, serde_json::json!({ "fetched": 0, "failed": 0, "listed": 0 }));
    let said = text(&block_on(handle(
        get("/admin/cache?warmed=0&of=0&failed=0", &in_language(ADMIN, "fr")),
        &origin,
    )));
    assert!(said.contains("n’a encore servi aucune page du catalogue"), "{said}");
    let said = text(&block_on(handle(get("/admin/cache?warmed=14&of=16&failed=2", ADMIN), &origin)));
    assert!(
        said.contains(
            "Done: 14 pages fetched, of the 16 most requested on this edge. 2 could not be fetched."
        ),
        "{said}"
    );
}

#[test]
fn the_dead_letters_page_shows_how_far_each_reader_is_behind() {
    let mut origin = ConsoleOrigin::new();
    let without = text(&block_on(handle(get("/admin/dead-letters", &in_language(ADMIN, "fr")), &origin)));
    assert!(without.contains("Le retard des lecteurs n’a pas pu être lu"), "an older origin: {without}");
    assert!(without.contains("order.placed"), "the dead letters still show: {without}");
    origin.raw(
        "GET",
        "/api/v1/admin/events/lag/consumers",
        200,
        r#"{"consumers":[
          {"consumer":"order-analytics","waiting":4,"oldest_waiting_secs":11.6,"last_processed_at":"2026-12-07T03:04:05.123Z","dead_letters":1},
          {"consumer":"recommendations","waiting":0,"oldest_waiting_secs":0.0,"last_processed_at":null,"dead_letters":0}]}"#,
    );
    let page = text(&block_on(handle(get("/admin/dead-letters", &in_language(ADMIN, "fr")), &origin)));
    for shown in [
        "Lecteurs d’événements",
        r#"<tr class="behind"><th scope="row" dir="ltr">order-analytics</th><td>4</td><td>12 s</td><td dir="ltr">2026-12-07 03:04:05</td><td>1</td></tr>"#,
        r#"<td dir="ltr">jamais</td>"#,
    ] {
        assert!(page.contains(shown), "missing {shown:?}:\n{page}");
    }
    assert_no_english(&page, "the French dead letters page");
}

#[test]
fn a_suspended_vendor_reads_on_their_dashboard_why_and_since_when() {
    let mut origin = ConsoleOrigin::new();
    let open = text(&block_on(handle(get("/vendor", &in_language(VENDOR, "fr")), &origin)));
    assert!(!open.contains("suspendue"), "an open shop (or an older origin) shows no notice");
    origin.raw(
        "GET",
        "/api/v1/vendor/standing",
        200,
        r#"{"id":3,"name":"Dakar Wax","city":"Dakar","country":"SN","products":2,"suspended_at":"2026-12-07T03:04:05Z","suspension_reason":"faux bazin signalé"}"#,
    );
    let page = text(&block_on(handle(get("/vendor", &in_language(VENDOR, "fr")), &origin)));
    for shown in [
        "Votre boutique est suspendue",
        "Leur motif : faux bazin signalé",
        "Suspendue depuis le 2026-12-07 03:04 (UTC).",
    ] {
        assert!(page.contains(shown), "missing {shown:?}:\n{page}");
    }
    let swahili = text(&block_on(handle(get("/vendor", &in_language(VENDOR, "sw")), &origin)));
    assert!(swahili.contains("Duka lako limesimamishwa"), "{swahili}");
}
