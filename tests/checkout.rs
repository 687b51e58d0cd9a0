//! End to end, the signed-in pages: a shopper registers, signs in, fills a cart, checks out
//! and pays through the native edge host in front of a real origin on PostgreSQL. Everything
//! is asserted on the HTML and headers the shopper's browser receives.

mod support;

use linkedall_shared::ProductList;
use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use support::{Shop, is_plain, spawn_shop};

/// A browser's view of the shop: a cookie jar (its `Cookie` header), no automatic redirects.
struct Browser<'a> {
    shop: &'a Shop,
    cookie: Option<String>,
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers.get(LOCATION).map_or("", |v| v.to_str().unwrap())
    }
}

impl Browser<'_> {
    async fn send(&mut self, request: reqwest::RequestBuilder) -> Answer {
        // A shopper in Nigeria, as the load balancer in front of the edge says.
        let request = request.header("x-linkedall-country", "NG");
        let request = match &self.cookie {
            Some(cookie) => request.header(COOKIE, cookie),
            None => request,
        };
        let response = request.send().await.expect("edge answers");
        let headers = response.headers().clone();
        for set in headers.get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (name, value) = set.split(';').next().unwrap().split_once('=').unwrap();
            let mut jar: Vec<(String, String)> = self
                .cookie
                .iter()
                .flat_map(|c| c.split("; "))
                .filter_map(|pair| pair.split_once('='))
                .filter(|(n, _)| *n != name)
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            if !set.contains("Max-Age=0") {
                jar.push((name.to_owned(), value.to_owned()));
            }
            let header: Vec<String> = jar.iter().map(|(n, v)| format!("{n}={v}")).collect();
            self.cookie = (!header.is_empty()).then(|| header.join("; "));
        }
        Answer { status: response.status().as_u16(), headers, body: response.text().await.unwrap() }
    }

    async fn get(&mut self, path: &str) -> Answer {
        let request = self.shop.client.get(self.shop.edge_url(path));
        self.send(request).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Answer {
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let request = self
            .shop
            .client
            .post(self.shop.edge_url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    /// Registers (signed in at once), signs out, and signs in again through the pages.
    async fn sign_up_and_in(&mut self, email: &str) {
        let password = "correct horse battery";
        let registered =
            self.post("/register", &[("email", email), ("password", password), ("next", "/")]).await;
        assert_eq!(registered.status, 303, "{}", registered.body);
        assert!(self.cookie.is_some(), "registration signs the shopper in");
        assert_eq!(self.post("/logout", &[]).await.status, 303);
        // Signed out: only the session and account cookies go (a guest's cart stays).
        self.cookie = self
            .cookie
            .as_ref()
            .map(|c| c.split("; ").filter(|pair| pair.starts_with("la_cart=")).collect::<Vec<_>>().join("; "))
            .filter(|c| !c.is_empty());
        let signed_in =
            self.post("/login", &[("email", email), ("password", password), ("next", "/checkout")]).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        assert!(signed_in.headers[SET_COOKIE].to_str().unwrap().starts_with("linkedall_session="));
        // Signing in lands on a check that the browser kept the cookie, then goes on.
        assert_eq!(signed_in.location(), "/login?signed_in=1&next=%2Fcheckout");
        let checked = self.get(signed_in.location()).await;
        assert_eq!((checked.status, checked.location()), (303, "/checkout"), "{}", checked.body);
    }
}

/// The value of the form field `name` in `page`.
fn field(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page.find(&marker).unwrap_or_else(|| panic!("the form has {name}: {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn form_key(page: &str) -> String {
    field(page, "idempotency_key")
}

/// The checkout form of `page` as a shopper in Lagos fills it: their address, home delivery,
/// and the quote the page shows for it.
fn checkout_form(page: &str) -> Vec<(&'static str, String)> {
    vec![
        ("idempotency_key", form_key(page)),
        ("currency", field(page, "currency")),
        ("total_home", field(page, "total_home")),
        ("delivery", "home".into()),
        ("name", "Ada Obi".into()),
        ("phone", "0803 123 4567".into()),
        ("city", "Lagos".into()),
        ("area", "Lekki Phase 1".into()),
        ("directions", "Blue gate".into()),
    ]
}

impl Browser<'_> {
    /// Pays order `order_path` by mobile money on the sandbox's test-mode page: the answer to
    /// approving it.
    async fn pay(&mut self, order_path: &str) -> Answer {
        let chosen = self.post(&format!("{order_path}/pay"), &[("method", "mobile_money")]).await;
        assert_eq!(
            (chosen.status, chosen.location()),
            (303, format!("{order_path}/sandbox").as_str()),
            "{}",
            chosen.body
        );
        let page = self.get(chosen.location()).await;
        assert!(page.body.contains("Test mode: no real money moves"), "{}", page.body);
        let reference = field(&page.body, "reference");
        self.post(&format!("{order_path}/sandbox"), &[("reference", &reference), ("action", "approve")]).await
    }

    /// Places the order of the checkout `page` (delivered to Lagos); the answer.
    async fn place_order(&mut self, page: &str) -> Answer {
        let form = checkout_form(page);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.post("/checkout", &form).await
    }
}

#[tokio::test]
async fn a_shopper_registers_signs_in_checks_out_and_pays_and_sees_the_order_number() {
    let Some(shop) = spawn_shop().await else { return };
    let list: ProductList = shop.api("/api/v1/products?category=fashion&limit=100").await;
    let product = list
        .items
        .iter()
        .find(|p| {
            p.stock.units() >= 2 && is_plain(&p.name) && p.price.currency == linkedall_shared::Currency::NGN
        })
        .expect("a plain-named product in stock, priced in naira like the shopper's cart");
    let mut browser = Browser { shop: &shop, cookie: None };

    // Before signing in, the cart lives in the browser; signing up brings it along.
    let product_page = browser.get(&product.path()).await;
    assert!(product_page.body.contains(r#"action="/cart""#), "the product page has an add-to-cart form");
    let id = product.id.to_string();
    let added =
        browser.post("/cart", &[("product_id", &id), ("quantity", "2"), ("back", &product.path())]).await;
    assert_eq!((added.status, added.location()), (303, "/cart"));
    let guest = browser.get("/cart").await;
    assert_eq!(guest.status, 200, "{}", guest.body);
    assert_eq!(guest.headers["cache-control"], "private, no-store");
    assert!(
        guest.body.contains(&product.name) && guest.body.contains("kept in this browser"),
        "{}",
        guest.body
    );

    browser.sign_up_and_in("ada@example.com").await;

    let cart = browser.get("/cart").await;
    assert_eq!(cart.status, 200);
    assert_eq!(cart.headers["cache-control"], "private, no-store");
    assert_eq!(cart.headers["cache-status"], "linkedall-edge; fwd=bypass");
    assert!(cart.body.contains(&product.name), "{}", cart.body);
    let total = linkedall_edge::amounts::amount(
        linkedall_shared::Money::new(product.price.currency, product.price.minor * 2),
        linkedall_shared::Language::En,
    );
    assert!(cart.body.contains(&total), "the origin's total {total} is shown");

    let checkout = browser.get("/checkout").await;
    assert!(checkout.body.contains("Home delivery"), "{}", checkout.body);
    let placed = browser.place_order(&checkout.body).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let order_path = placed.location().to_owned();
    let order_id = order_path.strip_prefix("/orders/").expect("redirect to the confirmation").to_owned();
    let again = browser.place_order(&checkout.body).await;
    assert_eq!(again.location(), order_path, "a resubmitted form gets the same order");

    let confirmation = browser.get(&order_path).await;
    assert!(confirmation.body.contains(&format!("Order number {order_id}")), "{}", confirmation.body);
    assert!(confirmation.body.contains("Awaiting payment"));
    let paid = browser.pay(&order_path).await;
    assert_eq!((paid.status, paid.location()), (303, order_path.as_str()), "{}", paid.body);
    let confirmation = browser.get(&order_path).await;
    assert!(confirmation.body.contains(&format!("Order number {order_id}")));
    assert!(confirmation.body.contains("Paid — confirmed"), "{}", confirmation.body);

    let orders = browser.get("/orders").await;
    assert!(orders.body.contains(&format!("/orders/{order_id}")));
    shop.stop().await;
}

#[tokio::test]
async fn checking_out_more_than_the_stock_shows_which_product_ran_out() {
    let Some(shop) = spawn_shop().await else { return };
    let list: ProductList = shop.api("/api/v1/products?category=groceries&limit=100").await;
    let product = list
        .items
        .iter()
        .find(|p| (1..99).contains(&p.stock.units()) && is_plain(&p.name))
        .expect("a plain-named product with fewer than 99 units");
    let mut browser = Browser { shop: &shop, cookie: None };
    browser.sign_up_and_in("kofi@example.com").await;
    let too_many = (product.stock.units() + 1).to_string();
    let id = product.id.to_string();
    let added = browser.post("/cart", &[("product_id", &id), ("quantity", &too_many)]).await;
    assert_eq!(added.status, 303, "{}", added.body);
    let checkout = browser.get("/checkout").await.body;
    let key = form_key(&checkout);
    let refused = browser.place_order(&checkout).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains(&product.name), "the message names the product: {}", refused.body);
    assert!(refused.body.contains(r#"role="alert""#));
    assert_eq!(form_key(&refused.body), key, "the retry reuses the key");
    shop.stop().await;
}

#[tokio::test]
async fn a_vendor_sees_stock_and_ships_a_paid_order_from_the_dashboard() {
    let Some(shop) = spawn_shop().await else { return };
    let http = reqwest::Client::new();
    let vendor = shop
        .origin
        .register(serde_json::json!({"email": "zainab@example.com", "password": "correct horse battery",
            "role": "vendor", "shop": {"name": "Zainab Textiles", "city": "Kano", "country": "NG"}}))
        .await;
    let token = vendor["token"].as_str().unwrap().to_owned();
    let product: serde_json::Value = http
        .post(shop.origin_url("/api/v1/vendor/products"))
        .bearer_auth(&token)
        .json(
            &serde_json::json!({"category_id": 1, "name": "Indigo adire wrapper", "description": "Hand-dyed",
            "price_minor": 1_500_000, "stock": 4}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let product_id = product["product"]["id"].as_i64().unwrap().to_string();

    let mut shopper = Browser { shop: &shop, cookie: None };
    shopper.sign_up_and_in("chidi@example.com").await;
    shopper.post("/cart", &[("product_id", &product_id), ("quantity", "1")]).await;
    let checkout = shopper.get("/checkout").await.body;
    let order_path = shopper.place_order(&checkout).await.location().to_owned();
    let paid = shopper.pay(&order_path).await;
    assert_eq!((paid.status, paid.location()), (303, order_path.as_str()), "{}", paid.body);
    let order_id = order_path.trim_start_matches("/orders/");

    let mut seller = Browser { shop: &shop, cookie: Some(format!("linkedall_session={token}")) };
    let dashboard = seller.get("/vendor").await;
    assert_eq!(dashboard.status, 200, "{}", dashboard.body);
    assert_eq!(dashboard.headers["cache-control"], "private, no-store");
    assert!(
        dashboard.body.contains("Indigo adire wrapper")
            && dashboard.body.contains(">3 <small>Only 3 left</small>"),
        "{}",
        dashboard.body
    );
    assert!(
        dashboard.body.contains("Lekki Phase 1, Lagos") && dashboard.body.contains("+2348031234567"),
        "the vendor sees where to ship and whom to call: {}",
        dashboard.body
    );
    let ship = format!("/vendor/orders/{order_id}/ship");
    assert!(dashboard.body.contains(&ship), "a Ship button for the paid order");
    assert_eq!(seller.post(&ship, &[]).await.location(), "/vendor");
    let dashboard = seller.get("/vendor").await;
    assert!(!dashboard.body.contains(&ship) && dashboard.body.contains("Shipped"));

    let refused = shopper.get("/vendor").await;
    assert_eq!(refused.status, 403, "a shopper is told the dashboard is for vendors");
    shop.stop().await;
}
