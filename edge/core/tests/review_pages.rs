//! Ratings and reviews as shoppers and vendors see them, against an in-memory origin: stars
//! with a text alternative on cards and product pages, the reviews and the vendor's answers,
//! the product's structured data, "Rate this product" on a delivered order, the review form
//! and its submission, and the vendor's answer form — in every language.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp, handle};
use linkedall_shared::*;

const SESSION: &str = "linkedall_session=abc.def.ghi";

/// An order whose one part (Shea butter, product 17) was delivered.
const DELIVERED: &str = r#"{"id":7,"state":"delivered","total":{"currency":"NGN","minor":500000},"parts":[{"order_id":7,"vendor_id":3,"state":"delivered","subtotal":{"currency":"NGN","minor":500000},"vendor_subtotal":{"currency":"NGN","minor":500000},"vendor_per_usd_micros":null,"items":[{"product_id":17,"name":"Shea butter 250 g","quantity":2,"unit_price":{"currency":"NGN","minor":250000},"vendor_unit_price":{"currency":"NGN","minor":250000}}],"delivery":null}],"placed_at":"2026-12-01T10:00:00Z","pay_by":"2026-12-01T10:30:00Z","per_usd_micros":null}"#;
const REVIEW: &str = r#"{"id":5,"product_id":17,"product_name":"Shea butter 250 g","author":"Amaka","stars":4,"text":"Smooth and fresh","written_at":"2026-12-05T09:00:00Z","answer":{"text":"Thank you, Amaka!","answered_at":"2026-12-06T09:00:00Z"}}"#;

/// An origin answering `(method, path)` from a table, recording every request it is sent.
#[derive(Default)]
struct ReviewHost {
    answers: HashMap<(String, String), (u16, Bytes)>,
    requests: RefCell<Vec<(String, String, String)>>,
}

impl ReviewHost {
    fn new() -> ReviewHost {
        let mut host = ReviewHost::default();
        host.answer("GET", "/api/v1/orders/7", 200, DELIVERED);
        host.answer("GET", "/api/v1/orders/7/reviews", 200, "[]");
        host.answer("POST", "/api/v1/products/17/reviews", 201, REVIEW);
        host.answer("GET", "/api/v1/vendor/products", 200, &serde_json::to_string(&storefront()).unwrap());
        host.answer("GET", "/api/v1/vendor/orders", 200, "[]");
        host.answer(
            "GET",
            "/api/v1/vendor/reviews",
            200,
            &format!(r#"{{"items":[{REVIEW}],"next_before":null}}"#),
        );
        host.answer("PUT", "/api/v1/vendor/reviews/5/answer", 200, REVIEW);
        host.documents("/api/v1/products/17", &wire::encode(&detail(Rating { count: 3, sum: 13 }, 2)));
        host.documents("/api/v1/products/18", &wire::encode(&detail(Rating::default(), 0)));
        host.documents(
            "/api/v1/home",
            &wire::encode(&HomeFeed { categories: vec![], featured: vec![card()] }),
        );
        host
    }

    fn answer(&mut self, method: &str, path: &str, status: u16, body: &str) {
        self.answers.insert((method.into(), path.into()), (status, Bytes::from(body.to_owned())));
    }

    fn documents(&mut self, path: &str, bytes: &[u8]) {
        self.answers.insert(("GET".into(), path.into()), (200, Bytes::from(bytes.to_vec())));
    }

    /// The bodies of the requests sent as `method path`.
    fn sent(&self, method: &str, path: &str) -> Vec<String> {
        self.requests
            .borrow()
            .iter()
            .filter(|(m, p, _)| m == method && p == path)
            .map(|r| r.2.clone())
            .collect()
    }
}

impl Host for ReviewHost {
    async fn cache_get(&self, _key: &CacheKey) -> Option<Cached> {
        None
    }
    async fn cache_put(&self, _key: &CacheKey, _entry: Cached) {}
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let full = req.uri().to_string();
        if support::is_bookkeeping(&full) {
            let rates = FxRates { as_of: "2026-11-30T00:00:00Z".into(), per_usd_micros: vec![] };
            return Ok(support::bookkeeping(&full, &[], &rates).expect("bookkeeping"));
        }
        let (method, path) = (req.method().to_string(), req.uri().path().to_owned());
        let body = String::from_utf8_lossy(req.body()).into_owned();
        self.requests.borrow_mut().push((method.clone(), path.clone(), body));
        let (status, body) = self
            .answers
            .get(&(method, path))
            .cloned()
            .unwrap_or((404, Bytes::from_static(br#"{"type":"/problems/not-found","status":404}"#)));
        let wire = body.first() == Some(&wire::WIRE_VERSION);
        let content_type = if wire { wire::MEDIA_TYPE } else { "application/json" };
        Ok(http::Response::builder().status(status).header("content-type", content_type).body(body).unwrap())
    }
    fn geo(&self, _req: &http::Request<Bytes>) -> Geo {
        Geo { country: Some("NG".into()), ..Geo::default() }
    }
    fn now(&self) -> Timestamp {
        Timestamp(1_800_000_000_000)
    }
}

fn review(id: i64, stars: u8, author: &str, text: &str, answer: Option<&str>) -> Review {
    Review {
        id,
        product_id: ProductId::new(17),
        product_name: "Shea butter 250 g".into(),
        author: author.into(),
        stars: Stars::new(stars).unwrap(),
        text: text.into(),
        written_at: format!("2026-12-0{id}T09:00:00Z"),
        answer: answer
            .map(|text| VendorAnswer { text: text.into(), answered_at: "2026-12-06T09:00:00Z".into() }),
    }
}

fn detail(rating: Rating, reviews: usize) -> ProductDetail {
    let id = if rating.count > 0 { 17 } else { 18 };
    ProductDetail {
        product: Product {
            id: ProductId::new(id),
            vendor_id: VendorId::new(3),
            category_id: CategoryId::new(2),
            name: "Shea butter 250 g".into(),
            slug: "shea-butter-250-g".into(),
            description: "Raw, from Tamale".into(),
            price: Money::new(Currency::NGN, 250_000),
            stock: Stock(9),
            image: format!("/images/products/{id}.svg"),
            photo: None,
            rating,
        },
        vendor: vendor(),
        category: Category {
            id: CategoryId::new(2),
            slug: "beauty".into(),
            name: "Beauty".into(),
            description: String::new(),
        },
        reviews: [
            review(3, 5, "Kofi", "Best </script> butter", None),
            review(2, 4, "Amaka", "Smooth and fresh", Some("Thank you, Amaka!")),
        ]
        .into_iter()
        .take(reviews)
        .collect(),
        photos: Vec::new(),
    }
}

fn vendor() -> Vendor {
    Vendor {
        id: VendorId::new(3),
        name: "Tamale Shea".into(),
        slug: "tamale-shea".into(),
        city: "Lagos".into(),
        country: "NG".into(),
        description: String::new(),
        ships_to: Default::default(),
    }
}

fn card() -> ProductCard {
    ProductCard {
        id: ProductId::new(17),
        name: "Shea butter 250 g".into(),
        slug: "shea-butter-250-g".into(),
        price: Money::new(Currency::NGN, 250_000),
        stock: Stock(9),
        image: "/images/products/17.svg".into(),
        photo: None,
        vendor_id: VendorId::new(3),
        vendor_name: "Tamale Shea".into(),
        vendor_city: "Lagos".into(),
        category_id: CategoryId::new(2),
        rating: Rating { count: 3, sum: 13 },
    }
}

fn storefront() -> VendorStorefront {
    VendorStorefront { vendor: vendor(), products: vec![card()], next_cursor: None }
}

fn get(host: &ReviewHost, path: &str, cookie: Option<&str>) -> http::Response<Bytes> {
    let mut request = http::Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    block_on(handle(request.body(Bytes::new()).unwrap(), host))
}

fn post(host: &ReviewHost, path: &str, form: &str, headers: &[(&str, &str)]) -> http::Response<Bytes> {
    let mut request = http::Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", SESSION);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    block_on(handle(request.body(Bytes::from(form.to_owned())).unwrap(), host))
}

fn text(response: &http::Response<Bytes>) -> String {
    String::from_utf8(response.body().to_vec()).unwrap()
}

fn location(response: &http::Response<Bytes>) -> &str {
    response.headers().get("location").map_or("", |v| v.to_str().unwrap())
}

/// The page's schema.org document.
fn structured_data(page: &str) -> serde_json::Value {
    let start = page.find(r#"<script type="application/ld+json">"#).expect("structured data") + 35;
    let end = start + page[start..].find("</script>").unwrap();
    serde_json::from_str(&page[start..end]).unwrap()
}

#[test]
fn a_product_page_shows_its_rating_reviews_and_answers_and_tells_search_engines() {
    let host = ReviewHost::new();
    let page = text(&get(&host, "/p/17-shea-butter-250-g", None));
    assert!(
        page.contains(r#"<span class="stars" aria-hidden="true">★★★★☆</span> Rated 4.3 out of 5"#),
        "{page}"
    );
    assert!(page.contains(r##"<a href="#reviews">3 reviews</a>"##));
    assert!(page.contains("<bdi>Kofi</bdi> · Verified buyer"));
    assert!(
        page.contains(r#"<span class="visually-hidden">5 out of 5 stars</span>"#),
        "each review's stars are said"
    );
    assert!(page.contains("The seller answered") && page.contains("Thank you, Amaka!"));
    assert!(
        page.find("Kofi").unwrap() < page.find("Amaka").unwrap(),
        "newest first, as the origin sent them"
    );
    assert!(!page.contains("Best </script>"), "review text is escaped");
    let data = structured_data(&page);
    assert_eq!(data["aggregateRating"]["ratingValue"], "4.3");
    assert_eq!(data["aggregateRating"]["reviewCount"], 3);
    assert_eq!(data["review"].as_array().unwrap().len(), 2);
    assert_eq!(data["review"][0]["reviewRating"]["ratingValue"], 5);
    assert_eq!(data["review"][0]["author"]["name"], "Kofi");
    assert_eq!(
        data["review"][0]["reviewBody"], "Best </script> butter",
        "escaped inside the script, intact as JSON"
    );

    let french = text(&get(&host, "/p/17-shea-butter-250-g?lang=fr", None));
    assert!(
        french.contains("Noté 4,3 sur 5")
            && french.contains("3 avis")
            && french.contains("Réponse du vendeur")
    );

    let unrated = text(&get(&host, "/p/18-shea-butter-250-g", None));
    assert!(unrated.contains("No reviews yet"), "{unrated}");
    assert!(!unrated.contains("Rated ") && !unrated.contains("★"));
    let data = structured_data(&unrated);
    assert!(data.get("aggregateRating").is_none() && data.get("review").is_none(), "{data}");
}

#[test]
fn cards_show_the_stars_with_a_text_alternative() {
    let host = ReviewHost::new();
    let page = text(&get(&host, "/", None));
    assert!(
        page.contains(r#"<span class="stars" aria-hidden="true">★★★★☆</span><span class="visually-hidden">Rated 4.3 out of 5</span> <span class="count">3 reviews</span>"#),
        "{page}"
    );
}

#[test]
fn a_delivered_item_is_rated_from_the_order_page_and_the_review_shows_there() {
    let mut host = ReviewHost::new();
    let order = text(&get(&host, "/orders/7", Some(SESSION)));
    assert!(order.contains(r#"<a class="button primary" href="/orders/7/review/17">Rate this product<span class="visually-hidden">: <bdi>Shea butter 250 g</bdi></span></a>"#), "{order}");

    let form = text(&get(&host, "/orders/7/review/17", Some(SESSION)));
    for stars in 1..=5 {
        assert!(
            form.contains(&format!(r#"<input type="radio" name="stars" value="{stars}" required>"#)),
            "{form}"
        );
    }
    assert!(form.contains("<legend>Your rating</legend>") && form.contains("5 stars: excellent"));
    assert!(form.contains(r#"<textarea id="text" name="text""#));

    // Forgetting the stars is said on the form, which keeps the text; nothing reaches the origin.
    let refused = post(&host, "/orders/7/review/17", "text=Smooth", &[]);
    assert_eq!(refused.status(), 422);
    assert!(
        text(&refused).contains("Choose from 1 to 5 stars.") && text(&refused).contains(">Smooth</textarea>")
    );
    let forged = post(&host, "/orders/7/review/17", "stars=1", &[("sec-fetch-site", "cross-site")]);
    assert_eq!(forged.status(), 403, "a form on another site cannot post a review");
    assert!(host.sent("POST", "/api/v1/products/17/reviews").is_empty());

    let posted = post(&host, "/orders/7/review/17", "stars=4&text=Smooth+and+fresh", &[]);
    assert_eq!((posted.status().as_u16(), location(&posted)), (303, "/orders/7?reviewed=17"));
    let sent: serde_json::Value =
        serde_json::from_str(&host.sent("POST", "/api/v1/products/17/reviews")[0]).unwrap();
    assert_eq!(sent, serde_json::json!({ "stars": 4, "text": "Smooth and fresh" }));

    host.answer("GET", "/api/v1/orders/7/reviews", 200, &format!("[{REVIEW}]"));
    let order = text(&get(&host, "/orders/7?reviewed=17", Some(SESSION)));
    assert!(order.contains("Thank you: your review is on the product page."), "{order}");
    assert!(
        order.contains("Your review")
            && order.contains("4 out of 5 stars")
            && order.contains("Smooth and fresh")
    );
    assert!(!order.contains("Rate this product"), "reviewed once");
    assert_eq!(location(&get(&host, "/orders/7/review/17", Some(SESSION))), "/orders/7", "no second form");

    // The origin's refusals, in the page's language.
    host.answer("GET", "/api/v1/orders/7/reviews", 200, "[]");
    host.answer(
        "POST",
        "/api/v1/products/17/reviews",
        409,
        r#"{"type":"/problems/already-reviewed","status":409}"#,
    );
    let again = post(&host, "/orders/7/review/17?lang=fr", "stars=4", &[]);
    assert_eq!(again.status(), 409);
    assert!(text(&again).contains("Vous avez déjà donné votre avis sur ce produit."), "{}", text(&again));
}

#[test]
fn an_item_not_yet_delivered_offers_no_rating() {
    let mut host = ReviewHost::new();
    let shipped = DELIVERED.replace("\"delivered\"", "\"shipped\"").replace(
        "\"vendor_per_usd_micros\":null,",
        "\"vendor_per_usd_micros\":null,\"tracking_note\":\"GIG waybill 4471\",",
    );
    assert!(shipped.contains("tracking_note"), "the fixture carries a note");
    host.answer("GET", "/api/v1/orders/7", 200, &shipped);
    let order = text(&get(&host, "/orders/7", Some(SESSION)));
    assert!(!order.contains("Rate this product"), "{order}");
    assert!(order.contains("Note from the seller: GIG waybill 4471"), "the seller's shipping note: {order}");
    assert!(host.sent("GET", "/api/v1/orders/7/reviews").is_empty(), "no reviews to read before delivery");
    let form = get(&host, "/orders/7/review/17", Some(SESSION));
    assert_eq!(form.status(), 403);
    assert!(text(&form).contains("You can review a product once it has been delivered to you."));
}

#[test]
fn a_vendor_answers_reviews_from_the_dashboard() {
    let host = ReviewHost::new();
    let dashboard = text(&get(&host, "/vendor", Some(SESSION)));
    assert!(dashboard.contains(r#"<h2 id="reviews">Reviews of your products</h2>"#), "{dashboard}");
    assert!(dashboard.contains(r#"<form class="stack" method="post" action="/vendor/reviews/5/answer">"#));
    assert!(dashboard.contains(">Thank you, Amaka!</textarea>") && dashboard.contains("Change my answer"));

    let empty = post(&host, "/vendor/reviews/5/answer", "answer=+", &[]);
    assert_eq!(empty.status(), 422);
    assert!(text(&empty).contains("Write an answer first"));
    assert!(host.sent("PUT", "/api/v1/vendor/reviews/5/answer").is_empty());

    let saved = post(&host, "/vendor/reviews/5/answer", "answer=A+new+lid+is+on+its+way", &[]);
    assert_eq!((saved.status().as_u16(), location(&saved)), (303, "/vendor?answered=1#reviews"));
    assert_eq!(
        host.sent("PUT", "/api/v1/vendor/reviews/5/answer"),
        [r#"{"text":"A new lid is on its way"}"#]
    );
    assert!(
        text(&get(&host, "/vendor?answered=1", Some(SESSION)))
            .contains("Your answer is on the product page.")
    );
}

#[test]
fn review_pages_in_french_and_arabic_carry_no_english() {
    let mut host = ReviewHost::new();
    for language in [Language::Fr, Language::Ar] {
        let lang = language.tag();
        host.answer("GET", "/api/v1/orders/7/reviews", 200, "[]");
        let mut pages = vec![
            ("product", text(&get(&host, &format!("/p/17-shea-butter-250-g?lang={lang}"), None))),
            ("unrated product", text(&get(&host, &format!("/p/18-shea-butter-250-g?lang={lang}"), None))),
            ("home", text(&get(&host, &format!("/?lang={lang}"), None))),
            ("order to rate", text(&get(&host, &format!("/orders/7?lang={lang}"), Some(SESSION)))),
            ("review form", text(&get(&host, &format!("/orders/7/review/17?lang={lang}"), Some(SESSION)))),
            (
                "refused review",
                text(&post(&host, &format!("/orders/7/review/17?lang={lang}"), "text=x", &[])),
            ),
            ("dashboard", text(&get(&host, &format!("/vendor?answered=1&lang={lang}"), Some(SESSION)))),
        ];
        host.answer("GET", "/api/v1/orders/7/reviews", 200, &format!("[{REVIEW}]"));
        pages.push((
            "reviewed order",
            text(&get(&host, &format!("/orders/7?reviewed=17&lang={lang}"), Some(SESSION))),
        ));
        for (what, page) in pages {
            assert!(page.contains(&format!(r#"<html lang="{lang}""#)), "{what} in {lang}: {page}");
            let english = support::english_left_in(&page, language);
            assert!(english.is_empty(), "the {what} page in {lang} says {english:?}:\n{page}");
        }
    }
    // The check finds review words left in English.
    let english = text(&get(&host, "/p/17-shea-butter-250-g", None));
    assert!(support::english_left_in(&english, Language::Fr).iter().any(|p| p == "The seller answered"));
}
