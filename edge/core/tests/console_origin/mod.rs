//! An in-memory host whose origin answers the vendor and admin APIs like the real one: who is
//! signed in comes from the session cookie (`linkedall_session=vendor`, `=admin`,
//! `=shopper`), vendor routes refuse anyone but the vendor and admin routes anyone but an
//! admin (403, problem JSON), and nobody signed in gets 401. Every request is recorded.

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;

use bytes::Bytes;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp};
use linkedall_shared::{
    Category, CategoryId, Currency, Money, Product, ProductCard, ProductDetail, ProductId, Stock, Vendor,
    VendorId, VendorStorefront,
};

pub const VENDOR: &str = "linkedall_session=vendor";
pub const ADMIN: &str = "linkedall_session=admin";
pub const SHOPPER: &str = "linkedall_session=shopper";

pub struct ConsoleOrigin {
    answers: HashMap<(String, String), (u16, Vec<u8>)>,
    pub requests: RefCell<Vec<http::Request<Bytes>>>,
    pub cache_puts: RefCell<usize>,
}

fn dakar_wax() -> Vendor {
    Vendor {
        id: VendorId::new(3),
        name: "Dakar Wax".into(),
        slug: "dakar-wax".into(),
        city: "Dakar".into(),
        country: "SN".into(),
        description: "Pagnes".into(),
        ships_to: Default::default(),
    }
}

fn fabrics() -> Category {
    Category {
        id: CategoryId::new(2),
        slug: "fabrics".into(),
        name: "Fabrics".into(),
        description: String::new(),
    }
}

pub fn card(id: i64, name: &str, minor: i64, stock: u32) -> ProductCard {
    ProductCard {
        id: ProductId::new(id),
        name: name.into(),
        slug: linkedall_shared::slugify(name),
        price: Money::new(Currency::XOF, minor),
        stock: Stock(stock),
        image: format!("/images/products/{id}.svg"),
        photo: None,
        vendor_id: VendorId::new(3),
        vendor_name: "Dakar Wax".into(),
        vendor_city: "Dakar".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    }
}

pub fn detail(id: i64, name: &str, vendor: i64) -> ProductDetail {
    ProductDetail {
        product: Product {
            id: ProductId::new(id),
            vendor_id: VendorId::new(vendor),
            category_id: CategoryId::new(2),
            name: name.into(),
            slug: linkedall_shared::slugify(name),
            description: "Six yards".into(),
            price: Money::new(Currency::XOF, 12_500),
            stock: Stock(8),
            image: format!("/images/products/{id}.svg"),
            photo: None,
            rating: Default::default(),
        },
        vendor: dakar_wax(),
        category: fabrics(),
        reviews: Vec::new(),
        photos: Vec::new(),
    }
}

/// The hash of a product's `n`th photo in these tests (32 hex digits).
pub fn photo_hash(n: usize) -> String {
    format!("{n:032x}")
}

/// `detail` with `count` photos, the first its main one.
pub fn with_photos(mut detail: ProductDetail, count: usize) -> ProductDetail {
    detail.photos = (1..=count)
        .map(|n| linkedall_shared::Photo {
            product: detail.product.id,
            hash: photo_hash(n),
            format: linkedall_shared::PhotoFormat::Jpeg,
            width: 1600,
            height: 1200,
            thumbhash: String::new(),
        })
        .collect();
    detail.product.photo = detail.photos.first().cloned();
    detail
}

impl ConsoleOrigin {
    /// A vendor with two products and one paid order to ship; a held order, a dead letter and
    /// two exchange rates for the admin.
    pub fn new() -> ConsoleOrigin {
        let mut origin = ConsoleOrigin {
            answers: HashMap::new(),
            requests: RefCell::default(),
            cache_puts: RefCell::default(),
        };
        let storefront = VendorStorefront {
            vendor: dakar_wax(),
            products: vec![card(5, "Pagne wax Éclat", 12_500, 8), card(6, "Bazin riche bleu", 30_000, 2)],
            next_cursor: None,
        };
        origin.json("GET", "/api/v1/vendor/products?limit=100", 200, &storefront);
        origin.raw(
            "GET",
            "/api/v1/vendor/orders",
            200,
            r#"[{"order_id":41,"vendor_id":3,"state":"confirmed","subtotal":{"currency":"NGN","minor":6000000},"vendor_subtotal":{"currency":"XOF","minor":25000},"vendor_per_usd_micros":605000000,"items":[{"product_id":5,"name":"Pagne wax Éclat","quantity":2,"unit_price":{"currency":"NGN","minor":3000000},"vendor_unit_price":{"currency":"XOF","minor":12500}}]},{"order_id":40,"vendor_id":3,"state":"shipped","subtotal":{"currency":"XOF","minor":30000},"vendor_subtotal":{"currency":"XOF","minor":30000},"vendor_per_usd_micros":null,"items":[{"product_id":6,"name":"Bazin riche bleu","quantity":1,"unit_price":{"currency":"XOF","minor":30000},"vendor_unit_price":{"currency":"XOF","minor":30000}}],"collect_on_delivery":{"currency":"XOF","minor":30000}}]"#,
        );
        origin.json("GET", "/api/v1/categories", 200, &vec![fabrics()]);
        origin.json("GET", "/api/v1/products/5", 200, &detail(5, "Pagne wax Éclat", 3));
        origin.json("GET", "/api/v1/products/9", 200, &detail(9, "Someone else's", 4));
        origin.json("POST", "/api/v1/vendor/products", 201, &detail(12, "Pagne wax Soleil", 3));
        origin.raw("PUT", "/api/v1/vendor/shop", 204, "");
        origin.raw(
            "GET",
            "/api/v1/vendor/earnings",
            200,
            r#"{"currency":"XOF","months":[{"month":"2026-12","orders":3,"delivered":{"currency":"XOF","minor":37500},"on_the_way":{"currency":"XOF","minor":12500}},{"month":"2026-11","orders":1,"delivered":{"currency":"XOF","minor":30000},"on_the_way":{"currency":"XOF","minor":0}}]}"#,
        );
        origin.json("PATCH", "/api/v1/vendor/products/5", 200, &detail(5, "Pagne wax Éclat", 3));
        origin.raw(
            "POST",
            "/api/v1/vendor/products/5/photos",
            201,
            r#"{"photo":{"product":5,"hash":"ab","format":"jpeg","width":1600,"height":1200,"thumbhash":""},"photos":[]}"#,
        );
        // Product 6 has two photos (the first its main one); product 7 has as many as it may.
        origin.json("GET", "/api/v1/products/6", 200, &with_photos(detail(6, "Bazin riche bleu", 3), 2));
        origin.json("GET", "/api/v1/products/7", 200, &with_photos(detail(7, "Pagne wax Lune", 3), 8));
        origin.raw(
            "DELETE",
            &format!("/api/v1/vendor/products/6/photos/{}", photo_hash(2)),
            200,
            r#"{"photos":[]}"#,
        );
        origin.raw(
            "POST",
            &format!("/api/v1/vendor/products/6/photos/{}/main", photo_hash(2)),
            200,
            r#"{"photos":[]}"#,
        );
        origin.raw("POST", "/api/v1/vendor/orders/41/ship", 200, r#"{"order_id":41,"vendor_id":3,"state":"shipped","subtotal":{"currency":"XOF","minor":25000},"vendor_subtotal":{"currency":"XOF","minor":25000},"vendor_per_usd_micros":null,"items":[]}"#);
        origin.raw("GET", "/api/v1/admin/events/lag", 200, r#"{"unsent":3,"oldest_unsent_secs":12.4}"#);
        origin.raw("POST", "/admin/purge", 202, r#"{"seq":17,"selectors":2}"#);
        origin.raw(
            "GET",
            "/api/v1/admin/orders/held",
            200,
            r#"{"held":[{"order_id":77,"score":80,"reasons":["a large order from an account opened today"],"held_at":"2026-12-07T03:04:05Z"}]}"#,
        );
        origin.raw("POST", "/api/v1/admin/orders/77/release", 200, r#"{"order_id":77,"released":true}"#);
        origin.raw(
            "POST",
            "/api/v1/admin/orders/77/cancel",
            200,
            r#"{"order_id":77,"cancelled":true,"state":"cancelled"}"#,
        );
        origin.raw(
            "GET",
            "/api/v1/admin/dead-letters",
            200,
            r#"{"dead_letters":[{"id":"0192f5e4-7a1b-7c3d-8e9f-0a1b2c3d4e5f","consumer":"inventory","event_id":"e-1","event_type":"order.placed","error":"stock row missing","deliveries":5,"created_at":"2026-12-07T02:00:00Z","replayed_at":null}]}"#,
        );
        origin.raw(
            "POST",
            "/api/v1/admin/dead-letters/0192f5e4-7a1b-7c3d-8e9f-0a1b2c3d4e5f/replay",
            422,
            r#"{"type":"/problems/unprocessable","status":422,"detail":"consumer inventory failed again: stock row missing"}"#,
        );
        origin.raw(
            "GET",
            "/api/v1/fx-rates",
            200,
            r#"{"as_of":"2026-12-07T01:00:00Z","per_usd_micros":[["KES",129500000],["XOF",605000000]]}"#,
        );
        origin.raw(
            "PUT",
            "/api/v1/admin/fx-rates",
            200,
            r#"{"as_of":"2026-12-07T03:00:00Z","per_usd_micros":[["KES",130000000],["XOF",605000000]]}"#,
        );
        origin.raw("POST", "/api/v1/auth/register", 201, r#"{"role":"vendor","user_id":31}"#);
        origin.raw(
            "GET",
            "/api/v1/admin/audit-trail",
            200,
            r#"{"actions":[{"id":9,"admin_id":2,"admin_email":"amina@linkedall.example","actor":"admin_account","action":"POST /api/v1/admin/orders/{id}/release","target":"/api/v1/admin/orders/77/release","detail":"","status":200,"client_ip":"102.89.1.7","at":"2026-12-07T03:05:00.000Z"},{"id":8,"admin_id":null,"admin_email":null,"actor":"operators_token","action":"POST /api/v1/admin/dead-letters/{id}/replay","target":"/api/v1/admin/dead-letters/0192f5e4-7a1b-7c3d-8e9f-0a1b2c3d4e5f/replay","detail":"","status":422,"client_ip":"10.0.0.2","at":"2026-12-07T03:01:00.000Z"}],"next_before":8}"#,
        );
        origin
    }

    pub fn json(&mut self, method: &str, path: &str, status: u16, document: &impl serde::Serialize) {
        self.answers.insert((method.into(), path.into()), (status, serde_json::to_vec(document).unwrap()));
    }

    pub fn raw(&mut self, method: &str, path: &str, status: u16, body: &str) {
        self.answers.insert((method.into(), path.into()), (status, body.as_bytes().to_vec()));
    }

    /// The requests the origin received for `method` and `path`.
    pub fn sent(&self, method: &str, path: &str) -> Vec<http::Request<Bytes>> {
        self.requests.borrow().iter().filter(|r| r.method() == method && r.uri() == path).cloned().collect()
    }

    /// Whether any request reached the origin under `prefix`.
    pub fn reached(&self, prefix: &str) -> bool {
        self.requests.borrow().iter().any(|r| r.uri().path().starts_with(prefix))
    }
}

fn problem(status: u16, kind: &str, detail: &str) -> Vec<u8> {
    format!(r#"{{"type":"/problems/{kind}","status":{status},"detail":"{detail}"}}"#).into_bytes()
}

impl Host for ConsoleOrigin {
    async fn cache_get(&self, _key: &CacheKey) -> Option<Cached> {
        None
    }
    async fn cache_put(&self, _key: &CacheKey, _entry: Cached) {
        *self.cache_puts.borrow_mut() += 1;
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let key = (req.method().to_string(), req.uri().to_string());
        let cookie = req.headers().get("cookie").map_or("", |c| c.to_str().unwrap()).to_owned();
        let role = ["vendor", "admin", "shopper"]
            .into_iter()
            .find(|role| cookie.contains(&format!("linkedall_session={role}")));
        let path = req.uri().path().to_owned();
        self.requests.borrow_mut().push(req);
        let public = path.starts_with("/api/v1/auth/")
            || path == "/api/v1/categories"
            || path == "/api/v1/fx-rates"
            || path.starts_with("/api/v1/products/");
        let (status, body) = if role.is_none() && !public {
            (401, problem(401, "unauthenticated", "this needs a signed-in account"))
        } else if path.starts_with("/api/v1/vendor/") && role != Some("vendor") {
            (403, problem(403, "forbidden", "only vendor accounts can manage products and ship orders"))
        } else if (path.starts_with("/api/v1/admin/") || path.starts_with("/admin/")) && role != Some("admin")
        {
            (403, problem(403, "forbidden", "this is for admins (or the operators' admin token)"))
        } else {
            match self.answers.get(&key) {
                Some((status, body)) => (*status, body.clone()),
                None => (404, problem(404, "not-found", "no such thing")),
            }
        };
        let content_type = if status >= 400 { "application/problem+json" } else { "application/json" };
        Ok(http::Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Bytes::from(body))
            .unwrap())
    }
    fn geo(&self, _req: &http::Request<Bytes>) -> Geo {
        Geo::default()
    }
    fn now(&self) -> Timestamp {
        Timestamp(1_000_000)
    }
}
