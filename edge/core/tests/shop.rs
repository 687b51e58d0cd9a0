//! The signed-in pages against an in-memory host whose origin answers like the real one's
//! JSON API: what the shopper's browser receives, and what the edge sends the origin.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp, handle};

const SESSION: &str = "linkedall_session=abc.def.ghi";
/// A Lagos shopper's cart: shea butter from a Nigerian vendor, a kikoi from a Kenyan one,
/// priced in naira (KSh 1,290 = ₦15,500 at the origin's rates).
const CART: &str = r#"{"items":[{"product_id":17,"name":"Shea butter 250 g","quantity":2,"unit_price":{"currency":"NGN","minor":250000},"line_total":{"currency":"NGN","minor":500000},"to_pay":{"currency":"NGN","minor":500000},"in_stock":9},{"product_id":21,"name":"Kikoi beach wrap","quantity":1,"unit_price":{"currency":"KES","minor":129000},"line_total":{"currency":"KES","minor":129000},"to_pay":{"currency":"NGN","minor":1550000},"in_stock":4}],"currency":"NGN","total":{"currency":"NGN","minor":2050000},"rates_as_of":"2026-12-07T09:00:00Z","delivery_choices":[{"option":"home","fee":{"currency":"NGN","minor":1560000},"days_min":7,"days_max":14},{"option":"pickup","fee":{"currency":"NGN","minor":1250000},"days_min":8,"days_max":15}]}"#;
/// The checkout form's answer for [`CART`]: the address, home delivery, and its total
/// (₦20,500 + ₦15,600 of delivery).
const QUOTE: &str = "name=Amaka+Obi&phone=0803+123+4567&city=Lagos&area=Lekki+Phase+1&directions=Blue+gate&delivery=home&currency=NGN&total_home=3610000&total_pickup=3300000";
const ORDER: &str = r#"{"id":7,"state":"created","total":{"currency":"NGN","minor":2050000},"parts":[{"order_id":7,"vendor_id":3,"state":"created","subtotal":{"currency":"NGN","minor":500000},"vendor_subtotal":{"currency":"NGN","minor":500000},"vendor_per_usd_micros":null,"items":[{"product_id":17,"name":"Shea butter 250 g","quantity":2,"unit_price":{"currency":"NGN","minor":250000},"vendor_unit_price":{"currency":"NGN","minor":250000}}],"delivery":{"option":"home","fee":{"currency":"NGN","minor":311800},"days_min":1,"days_max":3,"address":{"name":"Amaka Obi","phone":"+2348031234567","country":"NG","city":"Lagos","area":"Lekki Phase 1","directions":"Blue gate"}}},{"order_id":7,"vendor_id":9,"state":"created","subtotal":{"currency":"NGN","minor":1550000},"vendor_subtotal":{"currency":"KES","minor":129000},"vendor_per_usd_micros":129000000,"items":[{"product_id":21,"name":"Kikoi beach wrap","quantity":1,"unit_price":{"currency":"NGN","minor":1550000},"vendor_unit_price":{"currency":"KES","minor":129000}}],"delivery":{"option":"home","fee":{"currency":"NGN","minor":2325000},"days_min":7,"days_max":14,"address":{"name":"Amaka Obi","phone":"+2348031234567","country":"NG","city":"Lagos","area":"Lekki Phase 1","directions":"Blue gate"}}}],"placed_at":"1970-01-01T00:00:00Z","pay_by":"1970-01-01T00:30:00Z","per_usd_micros":1550000000}"#;

/// What the fake origin answers: status, headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, &'static str);

/// An origin that answers `(method, path)` from a table (401 for anything without the session
/// cookie, like the real one), records every request, and a cache that counts writes.
struct ShopHost {
    answers: HashMap<(String, String), Answer>,
    requests: RefCell<Vec<http::Request<Bytes>>>,
    cache_puts: RefCell<usize>,
}

impl ShopHost {
    fn new() -> ShopHost {
        let mut host = ShopHost {
            answers: HashMap::new(),
            requests: RefCell::default(),
            cache_puts: RefCell::default(),
        };
        host.answer("GET", "/api/v1/cart/items", 200, CART);
        host.answer("POST", "/api/v1/cart/guest", 200, CART);
        host.answer("POST", "/api/v1/cart/items", 200, CART);
        host.answer("GET", "/api/v1/orders/7", 200, ORDER);
        host.answer("POST", "/api/v1/orders", 201, ORDER);
        host
    }

    fn answer(&mut self, method: &str, path: &str, status: u16, body: &'static str) {
        self.answers.insert((method.into(), path.into()), (status, Vec::new(), body));
    }

    fn sent(&self, method: &str, path: &str) -> Vec<http::Request<Bytes>> {
        self.requests.borrow().iter().filter(|r| r.method() == method && r.uri() == path).cloned().collect()
    }
}

impl Host for ShopHost {
    async fn cache_get(&self, _key: &CacheKey) -> Option<Cached> {
        None
    }
    async fn cache_put(&self, _key: &CacheKey, _entry: Cached) {
        *self.cache_puts.borrow_mut() += 1;
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        // Answers by path; `sent` sees the query (the cart's `?currency=`).
        let key = (req.method().to_string(), req.uri().path().to_owned());
        let signed_in = req.headers().get("cookie").is_some_and(|c| c.to_str().unwrap().contains(SESSION));
        let public = key.1.starts_with("/api/v1/auth/") || key.1 == "/api/v1/cart/guest";
        self.requests.borrow_mut().push(req);
        let (status, headers, body) = match self.answers.get(&key) {
            _ if !signed_in && !public => {
                (401, Vec::new(), r#"{"status":401,"detail":"this needs a signed-in account"}"#)
            }
            Some((status, headers, body)) => (*status, headers.clone(), *body),
            None => (404, Vec::new(), r#"{"status":404,"detail":"no such thing"}"#),
        };
        let mut response = http::Response::builder().status(status);
        for (name, value) in headers {
            response = response.header(name, value);
        }
        Ok(response.body(Bytes::from_static(body.as_bytes())).unwrap())
    }
    /// Every shopper here is in Nigeria.
    fn geo(&self, _req: &http::Request<Bytes>) -> Geo {
        Geo { country: Some("NG".into()), ..Geo::default() }
    }
    fn now(&self) -> Timestamp {
        Timestamp(1_000_000)
    }
}

fn get(path: &str, cookie: Option<&str>) -> http::Request<Bytes> {
    let mut request = http::Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Bytes::new()).unwrap()
}

fn post(path: &str, form: &str, cookie: Option<&str>) -> http::Request<Bytes> {
    let mut request = http::Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Bytes::from(form.to_owned())).unwrap()
}

fn text(response: &http::Response<Bytes>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

#[test]
fn signed_in_pages_are_private_never_stored_and_bypass_the_cache() {
    let host = ShopHost::new();
    for (request, status) in [
        (get("/cart", Some(SESSION)), 200),
        (get("/checkout", Some(SESSION)), 200),
        (get("/orders/7", Some(SESSION)), 200),
        (get("/cart", None), 200),
        (get("/login", None), 200),
        (post("/checkout", &format!("idempotency_key=k1&{QUOTE}"), Some(SESSION)), 303),
    ] {
        let path = request.uri().to_string();
        let response = block_on(handle(request, &host));
        assert_eq!(response.status(), status, "{path}: {}", text(&response));
        assert_eq!(header(&response, "cache-control"), "private, no-store", "{path}");
        assert_eq!(header(&response, "cache-status"), "linkedall-edge; fwd=bypass", "{path}");
    }
    assert_eq!(*host.cache_puts.borrow(), 0, "nothing private reaches the host cache");
}

#[test]
fn shop_pages_carry_the_security_headers() {
    let host = ShopHost::new();
    for (request, what) in [
        (get("/login", None), "login"),
        (get("/register", None), "register"),
        (get("/cart", Some(SESSION)), "cart"),
        (get("/orders/7", Some(SESSION)), "order"),
        (get("/orders/8", Some(SESSION)), "an order that is not there"),
    ] {
        let response = block_on(handle(request, &host));
        assert!(header(&response, "content-type").starts_with("text/html"), "{what}");
        assert_eq!(
            header(&response, "content-security-policy"),
            linkedall_edge::security_headers::CONTENT_SECURITY_POLICY,
            "{what}"
        );
        assert_eq!(header(&response, "referrer-policy"), "strict-origin-when-cross-origin", "{what}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{what}");
    }
}

#[test]
fn the_cart_shows_the_origins_lines_and_totals() {
    let host = ShopHost::new();
    let response = block_on(handle(get("/cart", Some(SESSION)), &host));
    let body = text(&response);
    assert!(body.contains("Shea butter 250 g"), "{body}");
    assert!(body.contains("₦2,500") && body.contains("₦5,000"), "{body}");
    // The Kenyan line in naira first, the seller's own price second; one total, in naira.
    assert!(body.contains("₦15,500 <small class=\"seller\">KSh 1,290 from the seller</small>"), "{body}");
    assert_eq!(body.matches("<p class=\"total\">").count(), 1, "{body}");
    assert!(body.contains("₦20,500") && body.contains("converted at today"), "{body}");
    assert!(body.contains(r#"href="/checkout""#));
    assert!(body.contains(r#"<html lang="en""#) && body.contains("Your cart"), "{body}");
}

fn with_headers(path: &str, headers: &[(&str, &str)]) -> http::Request<Bytes> {
    let mut request = http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Bytes::new()).unwrap()
}

#[test]
fn the_cart_and_checkout_speak_the_markets_language_with_its_amounts() {
    let host = ShopHost::new();
    // The language the shopper chose (remembered in a cookie), as on catalog pages.
    let french = text(&block_on(handle(
        with_headers("/cart", &[("cookie", &format!("{SESSION}; la_lang=fr"))]),
        &host,
    )));
    assert!(french.contains(r#"<html lang="fr""#) && french.contains("Votre panier"), "{french}");
    assert!(french.contains("2\u{202f}500\u{a0}₦") && french.contains("Passer la commande"), "{french}");
    assert!(french.contains("Retirer") && !french.contains(">Remove<"), "{french}");
    let arabic = text(&block_on(handle(get("/checkout?lang=ar", Some(SESSION)), &host)));
    assert!(arabic.contains(r#"dir="rtl""#) && arabic.contains("تأكيد الطلب"), "{arabic}");
    assert!(arabic.contains("<bdi>Shea butter 250 g</bdi>"), "a Latin name isolated in Arabic text");
    let order = text(&block_on(handle(get("/orders/7?lang=pt", Some(SESSION)), &host)));
    assert!(order.contains("Pedido n.º 7") && order.contains("A aguardar pagamento"), "{order}");
    assert!(order.contains("Pagar 20\u{202f}500\u{a0}₦"), "{order}");
    assert!(order.contains("Feito em 1 jan. 1970") && order.contains("15\u{202f}500\u{a0}₦"), "{order}");
    assert!(order.contains("1\u{202f}290\u{a0}KSh no vendedor"), "{order}");
    let login = text(&block_on(handle(get("/login?lang=sw", None), &host)));
    assert!(login.contains("Nenosiri") && login.contains(">Ingia</button>"), "{login}");
}

#[test]
fn the_shoppers_cookie_reaches_the_origin_and_the_origins_set_cookie_comes_back() {
    let mut host = ShopHost::new();
    host.answers.insert(
        ("POST".into(), "/api/v1/auth/login".into()),
        (
            200,
            vec![("set-cookie", "linkedall_session=new; Path=/; HttpOnly")],
            r#"{"user_id":1,"role":"shopper","vendor_id":null,"token":"new"}"#,
        ),
    );
    let response = block_on(handle(
        post("/login", "email=amina%40example.com&password=+secret+pass&next=%2Fcheckout", None),
        &host,
    ));
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/login?signed_in=1&next=%2Fcheckout");
    let cookies: Vec<&str> =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cookies[0], "linkedall_session=new; Path=/; HttpOnly");
    assert!(cookies[1].starts_with("la_account=1.amina%40example.com; "), "{cookies:?}");
    let login = &host.sent("POST", "/api/v1/auth/login")[0];
    let sent: serde_json::Value = serde_json::from_slice(login.body()).unwrap();
    assert_eq!(sent, serde_json::json!({"email": "amina@example.com", "password": " secret pass"}));

    block_on(handle(get("/cart", Some(&format!("theme=dark; {SESSION}"))), &host));
    // Priced in the shopper's currency, their market's.
    // … and marked for whether each shop delivers to their country.
    let cart = &host.sent("GET", "/api/v1/cart/items?currency=NGN&to=NG")[0];
    assert_eq!(cart.headers()["cookie"], format!("theme=dark; {SESSION}").as_str());
}

/// `request` as a browser sends it from a page at `site`.
fn from_site(
    mut request: http::Request<Bytes>,
    site: &str,
    fetch_site: Option<&str>,
) -> http::Request<Bytes> {
    let headers = request.headers_mut();
    headers.insert("host", "shop.example".parse().unwrap());
    headers.insert("origin", site.parse().unwrap());
    if let Some(fetch_site) = fetch_site {
        headers.insert("sec-fetch-site", fetch_site.parse().unwrap());
    }
    request
}

#[test]
fn a_cross_site_form_post_is_refused() {
    let host = ShopHost::new();
    for (request, what) in [
        (post("/cart", "product_id=17&quantity=5", Some(SESSION)), "add to cart"),
        (post("/checkout", "idempotency_key=k", Some(SESSION)), "checkout"),
        (post("/orders/7/pay", "", Some(SESSION)), "pay"),
        (post("/vendor/orders/7/ship", "", Some(SESSION)), "ship"),
        (post("/login", "email=attacker%40example.com&password=x", None), "login"),
        (post("/logout", "", Some(SESSION)), "logout"),
    ] {
        for (site, fetch_site) in
            [("https://evil.example", Some("cross-site")), ("https://evil.example", None)]
        {
            let response = block_on(handle(from_site(request.clone(), site, fetch_site), &host));
            assert_eq!(response.status(), 403, "{what} from {site}");
            assert!(text(&response).contains("another site"), "{what}: the shop's error page says why");
            assert!(header(&response, "content-type").starts_with("text/html"));
        }
    }
    assert!(
        host.requests.borrow().iter().all(|r| r.method() == "GET"),
        "nothing was sent on to the origin: {:?}",
        host.requests.borrow().iter().map(|r| r.uri().to_string()).collect::<Vec<_>>()
    );
    // The shop's own pages, and clients that are no browser, still post.
    let own = from_site(
        post("/cart", "product_id=17&quantity=1", Some(SESSION)),
        "https://shop.example",
        Some("same-origin"),
    );
    assert_ne!(block_on(handle(own, &host)).status(), 403);
    let old_browser =
        from_site(post("/cart", "product_id=17&quantity=1", Some(SESSION)), "https://shop.example", None);
    assert_ne!(block_on(handle(old_browser, &host)).status(), 403);
    assert_eq!(host.sent("POST", "/api/v1/cart/items?currency=NGN&to=NG").len(), 2);
}

#[test]
fn logout_by_get_does_not_sign_out() {
    let mut host = ShopHost::new();
    host.answer("POST", "/api/v1/auth/logout", 204, "");
    let page = block_on(handle(get("/logout", Some(SESSION)), &host));
    assert_eq!(page.status(), 200);
    assert!(
        text(&page).contains(r#"method="post" action="/logout""#),
        "a button that posts: {}",
        text(&page)
    );
    assert!(host.sent("POST", "/api/v1/auth/logout").is_empty(), "a GET signed nobody out");
    let signed_out = block_on(handle(post("/logout", "", Some(SESSION)), &host));
    assert_eq!(signed_out.status(), 303);
    assert_eq!(host.sent("POST", "/api/v1/auth/logout").len(), 1);
}

#[test]
fn without_a_session_every_private_page_sends_the_shopper_to_login_and_back() {
    let host = ShopHost::new();
    for (request, next) in [
        (get("/checkout", None), "%2Fcheckout"),
        (get("/orders/7", None), "%2Forders%2F7"),
        (get("/vendor", None), "%2Fvendor"),
    ] {
        let response = block_on(handle(request, &host));
        assert_eq!(response.status(), 303);
        assert_eq!(header(&response, "location"), format!("/login?next={next}"));
    }
    let login = text(&block_on(handle(get("/login?next=%2Fcheckout", None), &host)));
    assert!(login.contains(r#"name="next" value="/checkout""#), "{login}");
}

#[test]
fn a_guest_fills_a_cart_in_the_browser_and_it_becomes_theirs_when_they_sign_in() {
    let host = ShopHost::new();
    // Signed out, "Add to cart" keeps the line in the browser and shows the cart.
    let added =
        block_on(handle(post("/cart", "product_id=17&quantity=2&back=%2Fp%2F17-shea-butter", None), &host));
    assert_eq!((added.status().as_u16(), header(&added, "location")), (303, "/cart"));
    let cookie = header(&added, "set-cookie").to_owned();
    assert!(cookie.starts_with("la_cart=17-2; Path=/;") && cookie.contains("HttpOnly"), "{cookie}");
    let more = block_on(handle(post("/cart", "product_id=21&quantity=1", Some("la_cart=17-2")), &host));
    assert!(header(&more, "set-cookie").starts_with("la_cart=17-2.21-1;"));

    // The cart page prices the browser's lines at the origin, in the shopper's currency.
    let page = block_on(handle(get("/cart", Some("la_cart=17-2.21-1")), &host));
    assert_eq!(page.status(), 200);
    let body = text(&page);
    assert!(body.contains("Shea butter 250 g") && body.contains("₦20,500"), "{body}");
    assert!(body.contains("Your cart is kept in this browser"), "{body}");
    let priced = &host.sent("POST", "/api/v1/cart/guest?currency=NGN")[0];
    let asked: serde_json::Value = serde_json::from_slice(priced.body()).unwrap();
    assert_eq!(
        asked,
        serde_json::json!({"items": [{"product_id": 17, "quantity": 2}, {"product_id": 21, "quantity": 1}]})
    );
    let removed = block_on(handle(post("/cart", "remove=17", Some("la_cart=17-2.21-1")), &host));
    assert!(header(&removed, "set-cookie").starts_with("la_cart=21-1;"));

    // Checking out asks who they are; once signed in, the lines move into their own cart.
    let checkout = block_on(handle(get("/checkout", Some("la_cart=17-2.21-1")), &host));
    assert_eq!(header(&checkout, "location"), "/login?next=%2Fcheckout");
    assert!(host.sent("GET", "/api/v1/addresses").is_empty(), "nothing more is asked before signing in");
    let signed_in = format!("{SESSION}; la_account=1.amaka%40example.com; la_cart=17-2.21-1");
    let checked = block_on(handle(get("/login?signed_in=1&next=%2Fcheckout", Some(&signed_in)), &host));
    assert_eq!(header(&checked, "location"), "/checkout");
    let moved: Vec<serde_json::Value> = host
        .sent("POST", "/api/v1/cart/items")
        .iter()
        .filter(|r| r.headers().get("cookie").is_some_and(|c| c.to_str().unwrap().contains(SESSION)))
        .map(|r| serde_json::from_slice(r.body()).unwrap())
        .collect();
    assert_eq!(
        moved,
        [
            serde_json::json!({"product_id": 17, "quantity": 2}),
            serde_json::json!({"product_id": 21, "quantity": 1})
        ]
    );
    assert!(
        header(&checked, "set-cookie").contains("la_cart=; Path=/; Max-Age=0"),
        "the browser's copy is forgotten"
    );
}

#[test]
fn a_login_never_sends_the_shopper_to_another_site() {
    let mut host = ShopHost::new();
    host.answer("POST", "/api/v1/auth/login", 200, r#"{"role":"shopper"}"#);
    let response =
        block_on(handle(post("/login", "email=a%40b.co&password=x&next=%2F%2Fevil.example", None), &host));
    assert_eq!(header(&response, "location"), "/login?signed_in=1&next=%2F");
    let checked = block_on(handle(get("/login?signed_in=1&next=%2F%2Fevil.example", Some(SESSION)), &host));
    assert_eq!(header(&checked, "location"), "/");
}

#[test]
fn after_signing_in_the_browser_goes_on_only_if_it_kept_the_cookie_and_is_told_why_if_not() {
    let host = ShopHost::new();
    let kept = block_on(handle(get("/login?signed_in=1&next=%2Fcheckout", Some(SESSION)), &host));
    assert_eq!((kept.status().as_u16(), header(&kept, "location")), (303, "/checkout"));
    let dropped = block_on(handle(get("/login?signed_in=1&next=%2Fcheckout", None), &host));
    assert_eq!(dropped.status(), 200);
    let page = text(&dropped);
    assert!(page.contains("this browser did not keep the shop&#39;s sign-in cookie"), "{page}");
    assert!(page.contains(r#"name="next" value="/checkout""#), "the form still goes on to checkout");
}

#[test]
fn the_session_cookie_is_secure_exactly_when_the_shopper_came_over_https() {
    let mut host = ShopHost::new();
    host.answers.insert(
        ("POST".into(), "/api/v1/auth/login".into()),
        (
            200,
            vec![(
                "set-cookie",
                "linkedall_session=new; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=604800",
            )],
            r#"{"user_id":5,"role":"shopper"}"#,
        ),
    );
    let sign_in = |proto: Option<&str>| {
        let mut request = http::Request::post("http://192.168.1.20:8080/login")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        let response =
            block_on(handle(request.body(Bytes::from_static(b"email=a%40b.co&password=x")).unwrap(), &host));
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let lan = sign_in(None);
    assert_eq!(
        lan[0], "linkedall_session=new; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800",
        "a phone on the LAN"
    );
    assert!(lan.iter().all(|c| !c.contains("Secure")), "{lan:?}");
    let https = sign_in(Some("https"));
    assert!(https.iter().all(|c| c.contains("; Secure")), "{https:?}");
}

#[test]
fn the_header_names_the_signed_in_shopper_and_offers_a_sign_out_button() {
    let host = ShopHost::new();
    let claims = r#"{"sub":"5","role":"shopper","exp":4102444800}"#;
    let token = format!("e30.{}.c2ln", linkedall_shared::image_signature::base64url(claims.as_bytes()));
    let cookie = format!("linkedall_session={token}; la_account=5.ama%40example.com");
    // The sign-out page asks the origin nothing: only its header is the shopper's.
    let cart = text(&block_on(handle(get("/logout", Some(&cookie)), &host)));
    assert!(cart.contains("<bdi>ama@example.com</bdi>"), "{cart}");
    assert!(
        cart.contains(r#"<form class="sign-out" method="post" action="/logout"><button type="submit">Sign out</button></form>"#),
        "{cart}"
    );
    assert!(!cart.contains(r#"href="/login""#), "no “Sign in” for a signed-in shopper");
    let someone_else = format!("linkedall_session={token}; la_account=6.eve%40example.com");
    let cart = text(&block_on(handle(get("/logout", Some(&someone_else)), &host)));
    assert!(cart.contains("My account") && !cart.contains("eve@example.com"), "{cart}");
}

#[test]
fn the_logout_page_does_not_offer_to_sign_out_a_shopper_who_is_signed_out() {
    let host = ShopHost::new();
    let page = text(&block_on(handle(get("/logout", None), &host)));
    assert!(page.contains("You are signed out") && page.contains(r#"href="/login""#), "{page}");
    assert!(!page.contains("Sign out"), "{page}");
    let french = text(&block_on(handle(get("/logout?lang=fr", Some(SESSION)), &host)));
    assert!(french.contains("Se déconnecter de Linked All sur cet appareil"), "{french}");
    let signed_out = block_on(handle(post("/logout", "", Some(SESSION)), &host));
    let cookies: Vec<&str> =
        signed_out.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("la_account=; ") && c.contains("Max-Age=0")), "{cookies:?}");
}

/// The key in the checkout form, as the browser would submit it.
fn form_key(page: &str) -> String {
    let marker = r#"name="idempotency_key" value=""#;
    let start = page.find(marker).expect("checkout form has a key") + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[test]
fn a_double_submitted_checkout_reuses_the_forms_idempotency_key() {
    let host = ShopHost::new();
    let page = text(&block_on(handle(get("/checkout", Some(SESSION)), &host)));
    let key = form_key(&page);
    assert!(key.len() >= 16, "a random key: {key}");
    let other = form_key(&text(&block_on(handle(get("/checkout", Some(SESSION)), &host))));
    assert_ne!(key, other, "each rendered form gets its own key");
    assert!(
        page.contains(r#"name="currency" value="NGN""#)
            && page.contains(r#"name="total_home" value="3610000""#)
    );
    assert!(page.contains("Home delivery</strong> — ₦15,600 · \u{2068}7–14\u{2069} days"), "{page}");
    assert!(page.contains("Total with delivery ₦36,100"), "{page}");
    assert!(
        host.sent("GET", "/api/v1/cart/items?currency=NGN&to=NG").len() >= 2,
        "the fees are asked for Nigeria"
    );
    for _ in 0..2 {
        let response = block_on(handle(
            post("/checkout", &format!("idempotency_key={key}&{QUOTE}"), Some(SESSION)),
            &host,
        ));
        assert_eq!(response.status(), 303);
        assert_eq!(header(&response, "location"), "/orders/7");
    }
    let sent = host.sent("POST", "/api/v1/orders");
    assert_eq!(sent.len(), 2);
    for request in sent {
        assert_eq!(request.headers()["idempotency-key"], key.as_str());
        // The origin buys its own cart at its own prices, if they still make the quoted total,
        // delivered where the shopper said.
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        let address = serde_json::json!({"name": "Amaka Obi", "phone": "0803 123 4567", "country": "NG",
            "city": "Lagos", "area": "Lekki Phase 1", "directions": "Blue gate"});
        assert_eq!(
            body,
            serde_json::json!({"currency": "NGN", "total_minor": 3_610_000,
                "delivery": {"option": "home", "address": address}})
        );
    }
}

#[test]
fn a_refused_checkout_shows_the_origins_message_and_keeps_the_key_for_the_retry() {
    let mut host = ShopHost::new();
    host.answer(
        "POST",
        "/api/v1/orders",
        409,
        r#"{"status":409,"detail":"only 1 unit of “Shea butter 250 g” (product 17) is left"}"#,
    );
    let response = block_on(handle(
        post("/checkout", &format!("idempotency_key=retry-me-1&{QUOTE}"), Some(SESSION)),
        &host,
    ));
    assert_eq!(response.status(), 409);
    let body = text(&response);
    // A sentence for the shopper; the origin's own text (with its product number) is logged.
    assert!(body.contains("the stock or the order changed"), "{body}");
    assert!(!body.contains("(product 17)"), "{body}");
    assert_eq!(form_key(&body), "retry-me-1");
}

#[test]
fn a_changed_quote_shows_the_new_total_to_confirm_with_the_same_key() {
    let mut host = ShopHost::new();
    host.answer(
        "POST",
        "/api/v1/orders",
        409,
        r#"{"type":"/problems/quote-changed","status":409,"detail":"prices or exchange rates changed: the total is now ₦20,500.00"}"#,
    );
    let response = block_on(handle(
        post("/checkout", &format!("idempotency_key=rates-moved&{QUOTE}"), Some(SESSION)),
        &host,
    ));
    assert_eq!(response.status(), 409);
    let body = text(&response);
    assert!(body.contains("exchange rates changed since this page was shown"), "{body}");
    assert!(body.contains(r#"name="total_home" value="3610000""#), "the new quote is in the form: {body}");
    assert!(body.contains(r#"value="Lekki Phase 1""#), "what the shopper typed is kept: {body}");
    assert_eq!(form_key(&body), "rates-moved");
    let french = text(&block_on(handle(
        post("/checkout?lang=fr", &format!("idempotency_key=rates-moved&{QUOTE}"), Some(SESSION)),
        &host,
    )));
    assert!(french.contains("les taux de change ont changé"), "{french}");
}

#[test]
fn a_wrong_address_is_shown_back_field_by_field_in_the_shoppers_language_and_orders_nothing() {
    let host = ShopHost::new();
    let typed = "idempotency_key=k2&name=Amaka+Obi&phone=12345&city=Lagos&area=&delivery=home&currency=NGN&total_home=3610000";
    let response = block_on(handle(post("/checkout", typed, Some(SESSION)), &host));
    assert_eq!(response.status(), 422);
    let page = text(&response);
    assert!(page.contains("Enter a phone number we can call, like +234 803 123 4567"), "{page}");
    assert!(page.contains("Enter your area, estate or street."), "{page}");
    assert!(page.contains(r#"aria-describedby="phone-problem""#) && !page.contains("name-problem"), "{page}");
    assert!(
        page.contains(r#"value="12345""#) && page.contains(r#"value="Amaka Obi""#),
        "typed values are kept"
    );
    assert_eq!(form_key(&page), "k2");
    assert!(host.sent("POST", "/api/v1/orders").is_empty(), "nothing is ordered");
    let french = text(&block_on(handle(post("/checkout?lang=fr", typed, Some(SESSION)), &host)));
    assert!(french.contains("Saisissez un numéro que nous pouvons appeler"), "{french}");
}

#[test]
fn checkout_fills_the_form_with_the_shoppers_last_address_here_or_the_one_they_pick() {
    let mut host = ShopHost::new();
    host.answer(
        "GET",
        "/api/v1/addresses",
        200,
        r#"[{"name":"Amaka Obi","phone":"+2348031234567","country":"NG","city":"Lagos","area":"Lekki Phase 1","directions":"Blue gate"},
            {"name":"Wanjiru","phone":"+254712345678","country":"KE","city":"Nairobi","area":"Westlands","directions":""},
            {"name":"Amaka Obi","phone":"+2348031234567","country":"NG","city":"Ikeja","area":"Allen Avenue","directions":""}]"#,
    );
    let page = text(&block_on(handle(get("/checkout", Some(SESSION)), &host)));
    assert!(page.contains(r#"value="Lekki Phase 1""#) && page.contains("Blue gate"), "the last one: {page}");
    assert!(page.contains("Deliver to one of your addresses"), "{page}");
    assert!(
        page.contains(r#"<a href="/checkout?address=1"><bdi>Amaka Obi, Allen Avenue, Ikeja</bdi></a>"#),
        "{page}"
    );
    assert!(!page.contains("Westlands"), "another country's address is not offered: {page}");
    let picked = text(&block_on(handle(get("/checkout?address=1", Some(SESSION)), &host)));
    assert!(picked.contains(r#"value="Allen Avenue""#) && !picked.contains("Blue gate"), "{picked}");
    let beyond = text(&block_on(handle(get("/checkout?address=9", Some(SESSION)), &host)));
    assert!(
        beyond.contains(
            r#"id="area" name="area" autocomplete="address-line1" required maxlength="100" value="""#
        ),
        "an empty form: {beyond}"
    );
}

#[test]
fn a_line_whose_shop_does_not_deliver_here_is_marked_and_the_cart_cannot_be_ordered() {
    let mut host = ShopHost::new();
    host.answer(
        "GET",
        "/api/v1/cart/items",
        200,
        r#"{"items":[{"product_id":21,"name":"Kikoi beach wrap","quantity":1,"unit_price":{"currency":"KES","minor":129000},"line_total":{"currency":"KES","minor":129000},"to_pay":{"currency":"NGN","minor":1550000},"in_stock":4,"delivers":false}],"currency":"NGN","total":{"currency":"NGN","minor":1550000},"rates_as_of":"","delivery_choices":[{"option":"home","fee":{"currency":"NGN","minor":300000},"days_min":7,"days_max":14}]}"#,
    );
    for path in ["/cart", "/checkout"] {
        let body = text(&block_on(handle(get(path, Some(SESSION)), &host)));
        assert!(body.contains("Does not deliver to your country"), "{path}: {body}");
        assert!(body.contains("A shop in your cart does not deliver to this country"), "{path}: {body}");
        assert!(!body.contains(r#"href="/checkout""#) && !body.contains("Place order"), "{path}: {body}");
    }
}

#[test]
fn a_cart_that_cannot_be_converted_says_why_and_offers_no_order_button() {
    let mut host = ShopHost::new();
    host.answer(
        "GET",
        "/api/v1/cart/items",
        200,
        r#"{"items":[{"product_id":21,"name":"Kikoi beach wrap","quantity":1,"unit_price":{"currency":"KES","minor":129000},"line_total":{"currency":"KES","minor":129000},"to_pay":null,"in_stock":4}],"currency":"NGN","total":null,"rates_as_of":"","delivery_choices":[]}"#,
    );
    for path in ["/cart", "/checkout"] {
        let body = text(&block_on(handle(get(path, Some(SESSION)), &host)));
        assert!(body.contains("cannot be paid in your currency right now"), "{path}: {body}");
        assert!(body.contains("KSh 1,290"), "{path}: the seller's price is still shown: {body}");
        assert!(
            !body.contains(r#"action="/checkout""#) && !body.contains(r#"href="/checkout""#),
            "{path}: {body}"
        );
    }
}

#[test]
fn the_confirmation_shows_the_order_number_and_a_pay_button_that_pays_through_the_sandbox() {
    const SESSION_JSON: &str = r#"{"provider":"sandbox","reference":"sbx_7_ab","authorization_url":"/orders/7/sandbox","amount":{"currency":"NGN","minor":2050000},"method":"mobile_money"}"#;
    let mut host = ShopHost::new();
    host.answer("POST", "/api/v1/orders/7/pay", 201, SESSION_JSON);
    host.answer("GET", "/api/v1/orders/7/payment", 200, SESSION_JSON);
    host.answer("POST", "/api/v1/payments/sandbox/sbx_7_ab", 200, ORDER);
    host.answer("POST", "/api/v1/payments/sandbox/sbx_7_ab/fail", 200, ORDER);
    let page = text(&block_on(handle(get("/orders/7", Some(SESSION)), &host)));
    assert!(page.contains("Order number 7"), "{page}");
    // Names, the day, the locked rates and how long they hold (the host's clock is 1000 s
    // after 1970; the order must be paid by 1800 s).
    assert!(page.contains("<bdi>Kikoi beach wrap</bdi>") && page.contains("Placed on 1 Jan 1970"), "{page}");
    assert!(
        page.contains("1 × ₦15,500 <small class=\"seller\">(KSh 1,290 from the seller)</small>"),
        "{page}"
    );
    assert!(page.contains("Pay within 14 minutes") && page.contains("locked for this order"), "{page}");
    assert!(page.contains("Pay ₦20,500"), "{page}");
    assert!(page.contains("Lekki Phase 1, Lagos") && page.contains("+2348031234567"), "{page}");
    assert!(page.contains("Home delivery · \u{2068}7–14\u{2069} days") && page.contains("₦26,368"), "{page}");
    assert!(page.contains(r#"action="/orders/7/pay""#));
    assert!(page.contains(r#"value="mobile_money""#) && page.contains("Mobile money (M-Pesa"), "{page}");

    // Paying by mobile money opens that charge and, with the sandbox, its test-mode page.
    let response = block_on(handle(post("/orders/7/pay", "method=mobile_money", Some(SESSION)), &host));
    assert_eq!((response.status().as_u16(), header(&response, "location")), (303, "/orders/7/sandbox"));
    let asked: serde_json::Value =
        serde_json::from_slice(host.sent("POST", "/api/v1/orders/7/pay")[0].body()).unwrap();
    assert_eq!(asked, serde_json::json!({"method": "mobile_money"}));
    let sandbox = text(&block_on(handle(get("/orders/7/sandbox", Some(SESSION)), &host)));
    assert!(sandbox.contains("Test mode: no real money moves"), "{sandbox}");
    assert!(sandbox.contains("Pay ₦20,500") && sandbox.contains("approve it there"), "{sandbox}");
    for button in ["Approve the payment", "Make it fail", "Cancel and go back"] {
        assert!(sandbox.contains(button), "{button}: {sandbox}");
    }

    // Failing it comes back to the order, which says nothing was taken.
    let failed =
        block_on(handle(post("/orders/7/sandbox", "reference=sbx_7_ab&action=fail", Some(SESSION)), &host));
    assert_eq!(header(&failed, "location"), "/orders/7?payment=failed");
    assert_eq!(host.sent("POST", "/api/v1/payments/sandbox/sbx_7_ab/fail").len(), 1);
    let told = text(&block_on(handle(get("/orders/7?payment=failed", Some(SESSION)), &host)));
    assert!(told.contains("nothing was taken"), "{told}");
    let french = text(&block_on(handle(get("/orders/7?payment=cancelled&lang=fr", Some(SESSION)), &host)));
    assert!(french.contains("Vous avez annulé le paiement"), "{french}");

    // Approving it pays the order.
    let approved = block_on(handle(
        post("/orders/7/sandbox", "reference=sbx_7_ab&action=approve", Some(SESSION)),
        &host,
    ));
    assert_eq!((approved.status().as_u16(), header(&approved, "location")), (303, "/orders/7"));
    assert_eq!(host.sent("POST", "/api/v1/payments/sandbox/sbx_7_ab").len(), 1);
}

#[test]
fn paying_on_delivery_confirms_the_order_and_says_what_to_have_ready() {
    let confirmed: &'static str = Box::leak(
        ORDER
            .replacen(r#""state":"created""#, r#""state":"confirmed""#, 1)
            .replace(
                r#""per_usd_micros":1550000000}"#,
                r#""per_usd_micros":1550000000,"pay_on_delivery":true}"#,
            )
            .into_boxed_str(),
    );
    let mut host = ShopHost::new();
    host.answer("POST", "/api/v1/orders/7/pay-on-delivery", 200, confirmed);
    let page = text(&block_on(handle(get("/orders/7", Some(SESSION)), &host)));
    assert!(
        page.contains(r#"value="pay_on_delivery""#)
            && page.contains("Pay on delivery (cash or mobile money at the door)"),
        "{page}"
    );
    let response = block_on(handle(post("/orders/7/pay", "method=pay_on_delivery", Some(SESSION)), &host));
    assert_eq!((response.status().as_u16(), header(&response, "location")), (303, "/orders/7"));
    assert_eq!(host.sent("POST", "/api/v1/orders/7/pay-on-delivery").len(), 1);
    assert!(host.sent("POST", "/api/v1/orders/7/pay").is_empty(), "no charge is opened");
    host.answer("GET", "/api/v1/orders/7", 200, confirmed);
    let page = text(&block_on(handle(get("/orders/7", Some(SESSION)), &host)));
    assert!(page.contains("Confirmed — you pay on delivery") && !page.contains("Paid — confirmed"), "{page}");
    assert!(page.contains("Have ₦20,500 ready for the rider"), "{page}");
}

#[test]
fn an_origin_failure_on_a_private_page_is_an_error_page_not_a_panic() {
    let mut host = ShopHost::new();
    host.answer("GET", "/api/v1/cart/items", 500, "boom");
    host.answer("GET", "/api/v1/orders", 200, "not json");
    for path in ["/cart", "/orders"] {
        let response = block_on(handle(get(path, Some(SESSION)), &host));
        assert_eq!(response.status(), 502, "{path}");
        assert_eq!(header(&response, "cache-control"), "private, no-store");
    }
}

#[test]
fn a_forgotten_password_is_asked_by_mail_and_the_link_sets_a_new_one_and_signs_in() {
    let mut host = ShopHost::new();
    let login = text(&block_on(handle(get("/login", None), &host)));
    assert!(login.contains(r#"<a href="/forgot-password">Forgot your password?</a>"#), "{login}");
    host.answer("POST", "/api/v1/auth/password-reset", 202, r#"{"detail":"on its way"}"#);
    let asked =
        block_on(handle(post("/forgot-password?lang=fr", "email=+amina%40example.com+", None), &host));
    assert_eq!(asked.status(), 202);
    let page = text(&asked);
    assert!(page.contains("Si cette adresse a un compte, un lien est en route"), "{page}");
    assert!(!page.contains(r#"name="email""#), "the form gives way to the sentence: {page}");
    let sent: serde_json::Value =
        serde_json::from_slice(host.sent("POST", "/api/v1/auth/password-reset")[0].body()).unwrap();
    assert_eq!(sent, serde_json::json!({"email": "amina@example.com", "language": "fr"}));

    let form = text(&block_on(handle(get("/reset-password?token=t0k3n", None), &host)));
    assert!(
        form.contains(r#"name="token" value="t0k3n""#) && form.contains("autocomplete=\"new-password\""),
        "{form}"
    );
    host.answers.insert(
        ("POST".into(), "/api/v1/auth/password-reset/confirm".into()),
        (
            200,
            vec![("set-cookie", "linkedall_session=new; Path=/; HttpOnly")],
            r#"{"user_id":1,"role":"shopper","vendor_id":null,"token":"new"}"#,
        ),
    );
    let saved = block_on(handle(post("/reset-password", "token=t0k3n&password=a+new+long+one", None), &host));
    assert_eq!(saved.status(), 303);
    assert_eq!(header(&saved, "location"), "/login?signed_in=1&next=%2F");
    assert!(header(&saved, "set-cookie").starts_with("linkedall_session=new"), "signed in");
    let sent: serde_json::Value =
        serde_json::from_slice(host.sent("POST", "/api/v1/auth/password-reset/confirm")[0].body()).unwrap();
    assert_eq!(sent, serde_json::json!({"token": "t0k3n", "password": "a new long one"}));

    host.answer(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        400,
        r#"{"type":"/problems/reset-link-invalid","status":400,"detail":"expired"}"#,
    );
    let used = block_on(handle(post("/reset-password", "token=t0k3n&password=a+new+long+one", None), &host));
    assert_eq!(used.status(), 400);
    let page = text(&used);
    assert!(
        page.contains("This link has expired or was used already.")
            && page.contains(r#"href="/forgot-password""#),
        "{page}"
    );
}

#[test]
fn no_shop_page_in_french_or_arabic_falls_back_to_english() {
    const SESSION_JSON: &str = r#"{"provider":"sandbox","reference":"sbx_7_ab","authorization_url":"/orders/7/sandbox","amount":{"currency":"NGN","minor":2050000},"method":"bank_transfer"}"#;
    let mut host = ShopHost::new();
    host.answer("GET", "/api/v1/orders/7/payment", 200, SESSION_JSON);
    host.answer("POST", "/api/v1/auth/password-reset", 202, r#"{"detail":"on its way"}"#);
    host.answer(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        400,
        r#"{"type":"/problems/reset-link-invalid","status":400,"detail":"expired"}"#,
    );
    host.answer("GET", "/api/v1/orders", 200, Box::leak(format!("[{ORDER}]").into_boxed_str()));
    let bad_phone = "idempotency_key=k9&name=Amaka&phone=1&city=&area=Lekki&delivery=home&currency=NGN&total_home=3610000";
    // The check finds English where there is some: the English checkout, read as a French page.
    let english_page = text(&block_on(handle(get("/checkout", Some(SESSION)), &host)));
    let found = support::english_left_in(&english_page, linkedall_shared::Language::Fr);
    assert!(found.iter().any(|p| p == "Where should we deliver?"), "{found:?}");
    for language in [linkedall_shared::Language::Fr, linkedall_shared::Language::Ar] {
        let lang = language.tag();
        let pages = [
            ("cart", get(&format!("/cart?lang={lang}"), Some(SESSION))),
            ("guest cart", get(&format!("/cart?lang={lang}"), Some("la_cart=17-2.21-1"))),
            ("checkout", get(&format!("/checkout?lang={lang}"), Some(SESSION))),
            ("checkout refused", post(&format!("/checkout?lang={lang}"), bad_phone, Some(SESSION))),
            ("order", get(&format!("/orders/7?lang={lang}"), Some(SESSION))),
            (
                "order after a failed payment",
                get(&format!("/orders/7?payment=failed&lang={lang}"), Some(SESSION)),
            ),
            ("test-mode payment", get(&format!("/orders/7/sandbox?lang={lang}"), Some(SESSION))),
            ("orders", get(&format!("/orders?lang={lang}"), Some(SESSION))),
            ("sign in", get(&format!("/login?lang={lang}"), None)),
            ("register", get(&format!("/register?lang={lang}"), None)),
            ("sign out", get(&format!("/logout?lang={lang}"), Some(SESSION))),
            ("forgot password", get(&format!("/forgot-password?lang={lang}"), None)),
            ("reset link sent", post(&format!("/forgot-password?lang={lang}"), "email=a%40b.example", None)),
            ("new password", get(&format!("/reset-password?token=abc&lang={lang}"), None)),
            (
                "used reset link",
                post(&format!("/reset-password?lang={lang}"), "token=used&password=long+enough+one", None),
            ),
        ];
        for (what, request) in pages {
            let response = block_on(handle(request, &host));
            let page = text(&response);
            assert!(page.contains(&format!(r#"<html lang="{lang}""#)), "{what} in {lang}: {page}");
            let english = support::english_left_in(&page, language);
            assert!(english.is_empty(), "the {what} page in {lang} says {english:?}:\n{page}");
        }
    }
}
