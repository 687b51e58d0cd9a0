//! The vendor and admin consoles against an in-memory origin that answers like the real one
//! (see `console_origin`): what a vendor or an admin sees, in their language, and what the edge
//! asks the origin on their behalf.

mod console_origin;

use bytes::Bytes;
use console_origin::{ADMIN, ConsoleOrigin, SHOPPER, VENDOR, photo_hash};
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

const BOUNDARY: &str = "----linkedall-console-test";

/// What a browser sends for the photo form with one file.
fn photo_upload(path: &str, photo: &[u8], cookie: &str) -> http::Request<Bytes> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"IMG_2041.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(photo);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    http::Request::post(path)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("cookie", cookie)
        .header("sec-fetch-site", "same-origin")
        .body(Bytes::from(body))
        .unwrap()
}

fn text(response: &http::Response<Bytes>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

fn french(cookie: &str) -> String {
    format!("{cookie}; la_lang=fr")
}

/// Words that would betray an English (or developer's) sentence on a translated page.
const ENGLISH_TELLS: &[&str] = &[
    "Orders to ship",
    "Your products",
    "Mark shipped",
    "dashboard",
    "Add a product",
    "Search your products",
    "Save",
    "Upload",
    "problems/",
    "\"detail\"",
    "Administration pages",
    "Release",
    "Replay",
    "Refresh",
];

fn assert_no_english(page: &str, what: &str) {
    for tell in ENGLISH_TELLS {
        assert!(!page.contains(tell), "{what} says {tell:?}:\n{page}");
    }
}

#[test]
fn a_french_vendor_reads_the_whole_dashboard_in_french_with_prices_as_french_pages_write_them() {
    let origin = ConsoleOrigin::new();
    let response = block_on(handle(get("/vendor", &french(VENDOR)), &origin));
    let page = text(&response);
    assert_eq!(response.status(), 200, "{page}");
    for french in [
        "Dakar Wax — votre boutique",
        "Commandes à expédier",
        "Vos produits",
        "Marquer expédiée",
        "Marquer livrée",
        "Ajouter un produit",
        "2 × Pagne wax Éclat",
        "12\u{202f}500\u{a0}CFA",
        // What the vendor is paid for the part the shopper paid in naira: in CFA.
        "25\u{202f}000\u{a0}CFA",
        "Plus que 2",
        // Earnings per month, newest first, in the shop's currency.
        "Revenus",
        "<td>déc. 2026</td><td>3</td><td>37\u{202f}500\u{a0}CFA</td><td>12\u{202f}500\u{a0}CFA</td>",
        "<td>nov. 2026</td><td>1</td>",
    ] {
        assert!(page.contains(french), "missing {french:?}:\n{page}");
    }
    assert!(page.contains(r#"<html lang="fr""#));
    assert!(!page.contains("NGN") && !page.contains('₦'), "the vendor sees their own currency:\n{page}");
    assert_no_english(&page, "the French dashboard");
    assert_eq!(header(&response, "cache-control"), "private, no-store");
    assert_eq!(*origin.cache_puts.borrow(), 0, "a vendor's page is never cached");
}

#[test]
fn the_paid_part_offers_shipping_and_the_shipped_part_offers_delivery() {
    let origin = ConsoleOrigin::new();
    let page = text(&block_on(handle(get("/vendor", VENDOR), &origin)));
    assert!(page.contains(r#"action="/vendor/orders/41/ship""#), "{page}");
    assert!(page.contains(r#"action="/vendor/orders/40/deliver""#), "{page}");
    assert!(!page.contains(r#"action="/vendor/orders/41/deliver""#));
    // The shipped part is paid on delivery: what to collect, and a refusal at the door.
    assert!(page.contains("Collect CFA 30,000 at the door"), "{page}");
    assert!(
        page.contains(r#"action="/vendor/orders/40/refused""#)
            && !page.contains(r#"action="/vendor/orders/41/refused""#)
    );
    let shipped = block_on(handle(post("/vendor/orders/41/ship", "", VENDOR), &origin));
    assert_eq!((shipped.status().as_u16(), header(&shipped, "location")), (303, "/vendor"));
    let sent = origin.sent("POST", "/api/v1/vendor/orders/41/ship");
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body().is_empty(), "no note, no body");
    assert!(page.contains(r#"<label for="tracking-41">"#), "a note may go with the shipping: {page}");

    let with_note = "tracking_note=+GIG+waybill+4471+";
    block_on(handle(post("/vendor/orders/41/ship", with_note, VENDOR), &origin));
    let sent = origin.sent("POST", "/api/v1/vendor/orders/41/ship");
    let body: serde_json::Value = serde_json::from_slice(sent[1].body()).unwrap();
    assert_eq!(body, serde_json::json!({ "tracking_note": "GIG waybill 4471" }));
}

#[test]
fn a_vendor_says_where_their_shop_delivers_from_the_dashboard() {
    let origin = ConsoleOrigin::new();
    let page = text(&block_on(handle(get("/vendor", &french(VENDOR)), &origin)));
    assert!(page.contains("Où vous livrez"), "{page}");
    assert!(
        page.contains(r#"value="country" checked"#) && !page.contains(r#"value="africa" checked"#),
        "{page}"
    );
    let saved = block_on(handle(post("/vendor/shop", "ships_to=africa", &french(VENDOR)), &origin));
    assert_eq!(saved.status(), 200);
    assert!(text(&saved).contains("Enregistré"), "{}", text(&saved));
    let sent: serde_json::Value =
        serde_json::from_slice(origin.sent("PUT", "/api/v1/vendor/shop")[0].body()).unwrap();
    assert_eq!(sent, serde_json::json!({"ships_to": "africa"}));
    let refused = block_on(handle(post("/vendor/shop", "ships_to=mars", &french(VENDOR)), &origin));
    assert_eq!(refused.status(), 422);
    assert_eq!(origin.sent("PUT", "/api/v1/vendor/shop").len(), 1, "nothing sent for a zone we do not know");
}

#[test]
fn the_vendors_search_lists_only_the_products_it_names() {
    let origin = ConsoleOrigin::new();
    let page = text(&block_on(handle(get("/vendor?q=bazin", VENDOR), &origin)));
    assert!(page.contains("Bazin riche bleu") && page.contains(r#"value="bazin""#), "{page}");
    assert!(!page.contains(">Pagne wax Éclat<"), "{page}");
    let nothing = text(&block_on(handle(get("/vendor?q=kente", &french(VENDOR)), &origin)));
    assert!(nothing.contains("Aucun de vos produits ne correspond à « kente »"), "{nothing}");
}

#[test]
fn a_new_product_is_sent_in_whole_units_of_the_shops_currency_and_opens_its_form_for_a_photo() {
    let origin = ConsoleOrigin::new();
    let form = text(&block_on(handle(get("/vendor/products/new", &french(VENDOR)), &origin)));
    assert!(form.contains("Prix en XOF") && form.contains(r#"<option value="2">"#), "{form}");
    assert_no_english(&form, "the French product form");
    let created = block_on(handle(
        post(
            "/vendor/products/new",
            "name=Pagne+wax+Soleil&description=6+yards&category_id=2&price=12+500&stock=8",
            VENDOR,
        ),
        &origin,
    ));
    assert_eq!(created.status(), 303, "{}", text(&created));
    assert_eq!(header(&created, "location"), "/vendor/products/12?saved=1");
    let sent = origin.sent("POST", "/api/v1/vendor/products");
    let body: serde_json::Value = serde_json::from_slice(sent[0].body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"category_id":2,"name":"Pagne wax Soleil","description":"6 yards","price_minor":12500,"stock":8})
    );
}

#[test]
fn a_mistyped_price_is_a_french_sentence_and_nothing_reaches_the_origin() {
    let origin = ConsoleOrigin::new();
    let response = block_on(handle(
        post("/vendor/products/new", "name=Pagne&category_id=2&price=douze&stock=8", &french(VENDOR)),
        &origin,
    ));
    let page = text(&response);
    assert_eq!(response.status(), 422);
    assert!(page.contains("Écrivez le prix en chiffres, par exemple 2500."), "{page}");
    assert!(page.contains(r#"value="douze""#), "what the vendor typed stays in the form");
    assert!(origin.sent("POST", "/api/v1/vendor/products").is_empty());
}

#[test]
fn editing_a_product_patches_it_and_another_vendors_product_is_refused() {
    let origin = ConsoleOrigin::new();
    let form = text(&block_on(handle(get("/vendor/products/5", VENDOR), &origin)));
    assert!(form.contains(r#"value="12500""#) && form.contains(r#"accept="image/*""#), "{form}");
    assert!(form.contains("capture=\"environment\"") && form.contains("/assets/photo-upload."), "{form}");
    let saved = block_on(handle(
        post("/vendor/products/5", "name=Pagne+wax+%C3%89clat&price=13000&stock=4", VENDOR),
        &origin,
    ));
    assert_eq!(header(&saved, "location"), "/vendor/products/5?saved=1");
    let body: serde_json::Value =
        serde_json::from_slice(origin.sent("PATCH", "/api/v1/vendor/products/5")[0].body()).unwrap();
    assert_eq!(body["price_minor"], 13000);
    assert!(body.get("category_id").is_none(), "a product keeps its category");
    let theirs = block_on(handle(get("/vendor/products/9", VENDOR), &origin));
    assert_eq!(theirs.status(), 403);
}

#[test]
fn a_photo_reaches_the_upload_pipeline_as_the_browser_sent_it() {
    let origin = ConsoleOrigin::new();
    let request = photo_upload("/vendor/products/5/photo", b"\xff\xd8\xff\xe0 a jpeg", VENDOR);
    let sent_body = request.body().clone();
    let response = block_on(handle(request, &origin));
    assert_eq!(
        (response.status().as_u16(), header(&response, "location")),
        (303, "/vendor/products/5?photo=1")
    );
    let forwarded = &origin.sent("POST", "/api/v1/vendor/products/5/photos")[0];
    assert_eq!(forwarded.body(), &sent_body);
    assert_eq!(
        forwarded.headers()["content-type"],
        format!("multipart/form-data; boundary={BOUNDARY}").as_str()
    );
    assert!(forwarded.headers()["cookie"].to_str().unwrap().contains(VENDOR));
    let after = text(&block_on(handle(get("/vendor/products/5?photo=1", &french(VENDOR)), &origin)));
    assert!(after.contains("Votre photo est sur la page du produit."), "{after}");
}

#[test]
fn a_refused_photo_is_a_sentence_in_the_vendors_language_never_the_pipelines_words() {
    for (kind, status, sentence) in [
        ("photo-polyglot", 422, "Ce fichier cache autre chose qu’une image"),
        ("photo-too-large", 422, "Cette photo est trop grande."),
        ("payload-too-large", 413, "Cette photo est trop grande."),
        ("photo-unsupported-format", 415, "Ce fichier n’est pas une photo lisible par la boutique."),
        ("photo-empty", 422, "Le fichier est vide."),
    ] {
        let mut origin = ConsoleOrigin::new();
        origin.raw(
            "POST",
            "/api/v1/vendor/products/5/photos",
            status,
            &format!(r#"{{"type":"/problems/{kind}","status":{status},"detail":"image refused: {kind} (developer text)"}}"#),
        );
        let response =
            block_on(handle(photo_upload("/vendor/products/5/photo", b"GIF89a", &french(VENDOR)), &origin));
        let page = text(&response);
        assert_eq!(response.status(), status, "{kind}");
        let alert = page.split(r#"role="alert">"#).nth(1).unwrap_or_default();
        assert!(alert.starts_with(sentence), "{kind}: the alert says {alert:.120}");
        assert!(!page.contains("developer text") && !page.contains(kind), "{kind}");
        assert_no_english(&page, kind);
    }
}

#[test]
fn the_form_lists_the_photos_in_order_with_plain_forms_to_remove_them_or_make_one_main() {
    let origin = ConsoleOrigin::new();
    let response = block_on(handle(get("/vendor/products/6", VENDOR), &origin));
    let form = text(&response);
    assert_eq!(response.status(), 200, "{form}");
    assert_eq!(header(&response, "cache-control"), "private, no-store");
    let (first, second) = (photo_hash(1), photo_hash(2));
    let list = form.split(r#"<ol class="console-photos">"#).nth(1).unwrap().split("</ol>").next().unwrap();
    let items: Vec<&str> = list.split("<li>").skip(1).collect();
    assert_eq!(items.len(), 2, "{list}");
    assert!(items[0].contains(&first) && items[0].contains("Main photo"), "{}", items[0]);
    assert!(!items[0].contains("/main\""), "the main photo has no \"Make main\": {}", items[0]);
    assert!(
        items[1].contains(&format!(r#"action="/vendor/products/6/photos/{second}/main""#)),
        "{}",
        items[1]
    );
    assert!(
        items[1].contains(&format!(r#"action="/vendor/products/6/photos/{second}/remove""#)),
        "{}",
        items[1]
    );
    assert!(
        items[1].contains(r#"aria-label="Make main: photo 2""#) && items[1].contains("Photo 2"),
        "{}",
        items[1]
    );
    assert!(list.contains("/cdn-cgi/image/width=160,format=auto/media/products/6/"), "thumbnails: {list}");
    assert!(form.contains(r#"action="/vendor/products/6/photo""#) && form.contains("Add a photo"), "{form}");

    let made_main =
        block_on(handle(post(&format!("/vendor/products/6/photos/{second}/main"), "", VENDOR), &origin));
    assert_eq!(
        (made_main.status().as_u16(), header(&made_main, "location")),
        (303, "/vendor/products/6?main=1")
    );
    assert_eq!(origin.sent("POST", &format!("/api/v1/vendor/products/6/photos/{second}/main")).len(), 1);
    let removed =
        block_on(handle(post(&format!("/vendor/products/6/photos/{second}/remove"), "", VENDOR), &origin));
    assert_eq!(
        (removed.status().as_u16(), header(&removed, "location")),
        (303, "/vendor/products/6?removed=1")
    );
    assert_eq!(origin.sent("DELETE", &format!("/api/v1/vendor/products/6/photos/{second}")).len(), 1);
    let after = text(&block_on(handle(get("/vendor/products/6?removed=1", &french(VENDOR)), &origin)));
    assert!(after.contains("La photo a été retirée de la page du produit."), "{after}");
    assert!(after.contains("Photo principale") && after.contains("Retirer la photo 2"), "{after}");
    assert_no_english(&after, "the French photo list");
    assert!(
        !after.contains("Main photo") && !after.contains("Make main") && !after.contains("Add a photo"),
        "{after}"
    );

    // A photo already gone (removed in another window) is a sentence, not an error page.
    let gone = block_on(handle(
        post(&format!("/vendor/products/6/photos/{}/remove", photo_hash(9)), "", &french(VENDOR)),
        &origin,
    ));
    assert_eq!(gone.status(), 404);
    assert!(text(&gone).contains("Cette photo avait déjà été retirée."), "{}", text(&gone));
}

#[test]
fn a_product_with_eight_photos_offers_no_upload_and_a_ninth_is_a_sentence() {
    let mut origin = ConsoleOrigin::new();
    let full = text(&block_on(handle(get("/vendor/products/7", &french(VENDOR)), &origin)));
    assert_eq!(full.matches("<li>").count(), 8, "{full}");
    assert!(!full.contains(r#"type="file""#), "{full}");
    assert!(full.contains("Ce produit a autant de photos que permis."), "{full}");
    origin.raw(
        "POST",
        "/api/v1/vendor/products/7/photos",
        409,
        r#"{"type":"/problems/too-many-photos","status":409,"detail":"product 7 has 8 photos (developer text)"}"#,
    );
    let refused =
        block_on(handle(photo_upload("/vendor/products/7/photo", b"\xff\xd8\xff", &french(VENDOR)), &origin));
    assert_eq!(refused.status(), 409);
    let page = text(&refused);
    let alert = page.split(r#"role="alert">"#).nth(1).unwrap_or_default();
    assert!(
        alert.starts_with("Ce produit a autant de photos que permis. Retirez-en une avant"),
        "{alert:.160}"
    );
    assert!(!page.contains("developer text"));
    let arabic =
        text(&block_on(handle(get("/vendor/products/6", &format!("{VENDOR}; la_lang=ar")), &origin)));
    assert!(arabic.contains("الصورة الرئيسية") && arabic.contains("أضف صورة"), "{arabic}");
    assert!(
        !arabic.contains("Main photo") && !arabic.contains("Remove") && !arabic.contains("Add a photo"),
        "{arabic}"
    );
}

#[test]
fn a_photo_posted_from_another_site_is_refused_before_the_origin() {
    let origin = ConsoleOrigin::new();
    let mut request = photo_upload("/vendor/products/5/photo", b"\xff\xd8\xff", VENDOR);
    request.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(block_on(handle(request, &origin)).status(), 403);
    assert!(!origin.reached("/api/v1/vendor/products/5/photos"));
}

#[test]
fn a_shopper_is_told_the_vendor_and_admin_pages_are_not_theirs() {
    let origin = ConsoleOrigin::new();
    let vendor = block_on(handle(get("/vendor", &french(SHOPPER)), &origin));
    assert_eq!(vendor.status(), 403);
    assert!(text(&vendor).contains("Ces pages sont réservées aux vendeurs."), "{}", text(&vendor));
    for path in [
        "/admin",
        "/admin/cache",
        "/admin/held-orders",
        "/admin/dead-letters",
        "/admin/rates",
        "/admin/audit-trail",
    ] {
        let response = block_on(handle(get(path, &french(SHOPPER)), &origin));
        assert_eq!(response.status(), 403, "{path}");
        assert!(text(&response).contains("réservées aux administrateurs"), "{path}: {}", text(&response));
        assert_eq!(header(&response, "cache-control"), "private, no-store", "{path}");
    }
    let purge = block_on(handle(post("/admin/cache", "everything=on", SHOPPER), &origin));
    assert_eq!(purge.status(), 403, "the origin refused the shopper's purge");
    assert!(!origin.reached("/api/v1/admin/orders") && !origin.reached("/api/v1/admin/dead-letters"));
    let nobody = block_on(handle(http::Request::get("/admin/cache").body(Bytes::new()).unwrap(), &origin));
    assert_eq!(
        (nobody.status().as_u16(), header(&nobody, "location")),
        (303, "/login?next=%2Fadmin%2Fcache")
    );
}

#[test]
fn an_admin_purges_a_product_and_reads_the_journal_entry_it_became() {
    let origin = ConsoleOrigin::new();
    let form = text(&block_on(handle(get("/admin/cache", &french(ADMIN)), &origin)));
    assert!(form.contains("Rafraîchir des pages") && form.contains("3 en attente d’envoi"), "{form}");
    assert_no_english(&form, "the French cache page");
    let purged = block_on(handle(post("/admin/cache", "product=42&category=2&url=&prefix=", ADMIN), &origin));
    assert_eq!(header(&purged, "location"), "/admin/cache?purged=17", "{}", text(&purged));
    let body: serde_json::Value =
        serde_json::from_slice(origin.sent("POST", "/admin/purge")[0].body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"tags":["product:42","category:2"],"urls":[],"prefixes":[],"everything":false})
    );
    let after = text(&block_on(handle(get("/admin/cache?purged=17", &french(ADMIN)), &origin)));
    assert!(after.contains("entrée 17 du journal des purges"), "{after}");
    let nothing = block_on(handle(post("/admin/cache", "product=&url=", &french(ADMIN)), &origin));
    assert_eq!(nothing.status(), 422);
    assert!(text(&nothing).contains("Indiquez quoi rafraîchir"));
    assert_eq!(origin.sent("POST", "/admin/purge").len(), 1, "a form naming nothing is not sent");
}

#[test]
fn an_admin_releases_a_held_order_and_replays_a_dead_letter() {
    let origin = ConsoleOrigin::new();
    let held = text(&block_on(handle(get("/admin/held-orders", ADMIN), &origin)));
    assert!(held.contains("a large order from an account opened today") && held.contains("80"), "{held}");
    let released = block_on(handle(post("/admin/held-orders/77/release", "", ADMIN), &origin));
    assert_eq!(header(&released, "location"), "/admin/held-orders?released=77");
    assert_eq!(origin.sent("POST", "/api/v1/admin/orders/77/release").len(), 1);
    let french_held = text(&block_on(handle(get("/admin/held-orders", &french(ADMIN)), &origin)));
    assert!(french_held.contains("Annuler et rembourser"), "{french_held}");
    let cancelled = block_on(handle(post("/admin/held-orders/77/cancel", "", ADMIN), &origin));
    assert_eq!(header(&cancelled, "location"), "/admin/held-orders?cancelled=77");
    assert_eq!(origin.sent("POST", "/api/v1/admin/orders/77/cancel").len(), 1);
    let said = text(&block_on(handle(get("/admin/held-orders?cancelled=77", &french(ADMIN)), &origin)));
    assert!(said.contains("La commande 77 est annulée"), "{said}");

    let letters = text(&block_on(handle(get("/admin/dead-letters", &french(ADMIN)), &origin)));
    assert!(letters.contains("order.placed") && letters.contains("stock row missing"), "{letters}");
    assert!(letters.contains("Rejouer"), "{letters}");
    let replay = "/admin/dead-letters/0192f5e4-7a1b-7c3d-8e9f-0a1b2c3d4e5f/replay";
    let failed = block_on(handle(post(replay, "", &french(ADMIN)), &origin));
    assert_eq!(failed.status(), 422);
    assert!(text(&failed).contains("Le nouvel essai a échoué ; la lettre reste."), "{}", text(&failed));
    assert!(!text(&failed).contains("failed again"), "the origin's detail is not the sentence");
}

#[test]
fn an_admin_sets_only_the_rates_they_changed() {
    let origin = ConsoleOrigin::new();
    let page = text(&block_on(handle(get("/admin/rates", &french(ADMIN)), &origin)));
    assert!(page.contains(r#"name="rate_KES" value="129,5""#), "{page}");
    let saved = block_on(handle(
        post(
            "/admin/rates",
            "rate_KES=130&was_KES=129%2C5&rate_XOF=605&was_XOF=605&rate_NGN=&was_NGN=",
            ADMIN,
        ),
        &origin,
    ));
    assert_eq!(header(&saved, "location"), "/admin/rates?saved=1", "{}", text(&saved));
    let body: serde_json::Value =
        serde_json::from_slice(origin.sent("PUT", "/api/v1/admin/fx-rates")[0].body()).unwrap();
    assert_eq!(body, serde_json::json!({"per_usd_micros":{"KES":130000000}}));
    let bad =
        block_on(handle(post("/admin/rates", "rate_KES=lots&was_KES=129%2C5", &french(ADMIN)), &origin));
    assert_eq!(bad.status(), 422);
    assert!(text(&bad).contains("Un taux est un nombre supérieur à zéro"));
}

#[test]
fn admins_read_who_did_what_when_and_from_where_in_their_language() {
    let origin = ConsoleOrigin::new();
    let page = text(&block_on(handle(get("/admin/audit-trail", &french(ADMIN)), &origin)));
    for shown in [
        "Commande retenue libérée — <span>fait</span>",
        "amina@linkedall.example",
        "2026-12-07 03:05:00",
        "102.89.1.7",
        "Lettre morte rejouée",
        "refusé (422)",
        "Le jeton des opérateurs",
        r#"href="/admin/audit-trail?before=8""#,
    ] {
        assert!(page.contains(shown), "missing {shown:?}:\n{page}");
    }
    assert_no_english(&page, "the French audit trail");
    let older = block_on(handle(get("/admin/audit-trail?before=8", ADMIN), &origin));
    assert_eq!(older.status(), 404, "the fake origin has no older page: the edge asked for it");
    assert_eq!(origin.sent("GET", "/api/v1/admin/audit-trail?before=8").len(), 1);
}

#[test]
fn a_vendor_opens_a_shop_and_lands_on_their_dashboard() {
    let origin = ConsoleOrigin::new();
    let form = text(&block_on(handle(
        http::Request::get("/open-shop?lang=fr").body(Bytes::new()).unwrap(),
        &origin,
    )));
    assert!(form.contains("Ouvrez votre boutique") && form.contains("Nom de la boutique"), "{form}");
    assert!(form.contains("Où vous livrez") && form.contains(r#"value="country" checked"#), "{form}");
    assert_no_english(&form, "the French open-shop form");
    let opened = block_on(handle(
        http::Request::post("/open-shop")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Bytes::from_static(
                b"shop_name=Dakar+Wax&city=Dakar&country=sn&ships_to=region&email=awa%40dakarwax.example&password=correct+horse",
            ))
            .unwrap(),
        &origin,
    ));
    assert_eq!(header(&opened, "location"), "/login?signed_in=1&next=%2Fvendor", "{}", text(&opened));
    let sent: serde_json::Value =
        serde_json::from_slice(origin.sent("POST", "/api/v1/auth/register")[0].body()).unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"email":"awa@dakarwax.example","password":"correct horse","role":"vendor",
            "shop":{"name":"Dakar Wax","city":"Dakar","country":"SN","ships_to":"region"}})
    );
    let bad = block_on(handle(
        http::Request::post("/open-shop")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", "la_lang=fr")
            .body(Bytes::from_static(b"shop_name=Dakar+Wax&city=Dakar&country=Senegal"))
            .unwrap(),
        &origin,
    ));
    assert_eq!(bad.status(), 422);
    assert!(text(&bad).contains("Écrivez le pays avec son code à deux lettres"));
    assert_eq!(origin.sent("POST", "/api/v1/auth/register").len(), 1);
}
