//! What issue 15 asks of the pages a shopper and a crawler see: a header that knows who is
//! signed in on pages cached for everyone, the shop's 404 page for browsers, meta and
//! structured data, pages in the market's language and format, and the crawler files.

mod support;

use std::cell::RefCell;
use std::collections::HashMap;

use bytes::Bytes;
use futures_executor::block_on;
use linkedall_edge::{CacheKey, Cached, Geo, Host, OriginError, Timestamp, handle};
use linkedall_shared::*;

/// An origin with a home feed, a product, and a catalog of `ids` behind the product listing.
struct CatalogHost {
    documents: HashMap<String, Vec<u8>>,
    ids: Vec<i64>,
    cache: RefCell<HashMap<CacheKey, Cached>>,
    fetches: RefCell<Vec<String>>,
}

impl Host for CatalogHost {
    async fn cache_get(&self, key: &CacheKey) -> Option<Cached> {
        self.cache.borrow().get(key).cloned()
    }
    async fn cache_put(&self, key: &CacheKey, entry: Cached) {
        self.cache.borrow_mut().insert(key.clone(), entry);
    }
    async fn fetch_origin(&self, req: http::Request<Bytes>) -> Result<http::Response<Bytes>, OriginError> {
        let path = req.uri().to_string();
        if support::is_bookkeeping(&path) {
            let rates = FxRates { as_of: "2026-11-30T00:00:00Z".into(), per_usd_micros: vec![] };
            return Ok(support::bookkeeping(&path, &[], &rates).expect("bookkeeping"));
        }
        self.fetches.borrow_mut().push(path.clone());
        if let Some(bytes) = self.documents.get(&path) {
            return Ok(http::Response::new(Bytes::from(bytes.clone())));
        }
        if let Some(query) = path.strip_prefix("/api/v1/search?") {
            return Ok(http::Response::new(Bytes::from(wire::encode(&self.listing(query)))));
        }
        if let Some(query) = path.strip_prefix("/api/v1/products?") {
            return Ok(http::Response::new(Bytes::from(wire::encode(&self.products(query)))));
        }
        Ok(http::Response::builder()
            .status(404)
            .header("content-type", "application/problem+json")
            .body(Bytes::from_static(
                br#"{"type":"/problems/not-found","status":404,"detail":"no route for this path"}"#,
            ))
            .unwrap())
    }
    fn geo(&self, req: &http::Request<Bytes>) -> Geo {
        Geo {
            country: req.headers().get("x-country").and_then(|v| v.to_str().ok()).map(str::to_owned),
            ..Geo::default()
        }
    }
    fn now(&self) -> Timestamp {
        Timestamp(1_800_000_000_000)
    }
}

impl CatalogHost {
    /// The origin's product listing (the sitemaps read it): ascending ids after `cursor`.
    fn products(&self, query: &str) -> ProductList {
        let param = |name: &str| {
            query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')).map(str::to_owned)
        };
        let limit: usize = param("limit").unwrap().parse().unwrap();
        assert!((1..=100).contains(&limit), "the origin takes 1 to 100");
        let after: i64 = param("cursor").map_or(0, |c| c.parse().unwrap());
        let items: Vec<ProductCard> = self
            .ids
            .iter()
            .filter(|id| **id > after)
            .take(limit)
            .map(|id| card(*id, "Kitenge skirt"))
            .collect();
        let more = items.last().is_some_and(|last| self.ids.iter().any(|id| *id > last.id.get()));
        ProductList {
            category: None,
            next_cursor: more.then(|| Cursor::after(items.last().unwrap().id)),
            items,
        }
    }

    /// The origin's search and category listing: `limit` ids a page, newest first.
    fn listing(&self, query: &str) -> SearchResults {
        let param = |name: &str| {
            query.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')).map(str::to_owned)
        };
        let limit: usize = param("limit").unwrap().parse().unwrap();
        assert!((1..=100).contains(&limit), "the origin takes 1 to 100");
        let page: usize = param("page").map_or(1, |p| p.parse().unwrap());
        let mut ids = self.ids.clone();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let items: Vec<ProductCard> =
            ids.iter().skip((page - 1) * limit).take(limit).map(|id| card(*id, "Kitenge skirt")).collect();
        SearchResults {
            query: param("q").unwrap_or_default(),
            category: param("category").map(|_| fashion()),
            categories: vec![fashion()],
            items,
            count: ResultCount { at_least: ids.len() as u32, exact: true },
            page: page as u32,
            has_next: ids.len() > page * limit,
        }
    }

    fn origin_calls(&self) -> usize {
        self.fetches.borrow().len()
    }
}

fn card(id: i64, name: &str) -> ProductCard {
    ProductCard {
        id: ProductId::new(id),
        name: name.into(),
        slug: slugify(name),
        price: Money::new(Currency::KES, 250_000),
        stock: Stock(3),
        image: format!("/images/products/{id}.svg"),
        photo: None,
        vendor_id: VendorId::new(1),
        vendor_name: "Gikomba Styles Ltd".into(),
        vendor_city: "Nairobi".into(),
        category_id: CategoryId::new(2),
        rating: Default::default(),
    }
}

fn fashion() -> Category {
    Category {
        id: CategoryId::new(2),
        slug: "fashion".into(),
        name: "Fashion".into(),
        description: "Wax".into(),
    }
}

fn host(ids: Vec<i64>) -> CatalogHost {
    let mut documents = HashMap::new();
    let home = HomeFeed { categories: vec![fashion()], featured: vec![card(1, "Kitenge skirt")] };
    documents.insert("/api/v1/home".into(), wire::encode(&home));
    let detail = ProductDetail {
        product: Product {
            id: ProductId::new(1),
            vendor_id: VendorId::new(1),
            category_id: CategoryId::new(2),
            name: "Kitenge skirt".into(),
            slug: "kitenge-skirt".into(),
            description: "Hand-sewn from Nairobi wax print </script><b>".into(),
            price: Money::new(Currency::KES, 250_000),
            stock: Stock(3),
            image: "/images/products/1.svg".into(),
            photo: None,
            rating: Default::default(),
        },
        vendor: Vendor {
            id: VendorId::new(1),
            name: "Gikomba Styles Ltd".into(),
            slug: "gikomba-styles-ltd".into(),
            city: "Nairobi".into(),
            country: "KE".into(),
            description: "Fashion".into(),
            ships_to: Default::default(),
        },
        category: fashion(),
        reviews: Vec::new(),
        photos: Vec::new(),
    };
    documents.insert("/api/v1/products/1".into(), wire::encode(&detail));
    documents.insert("/api/v1/categories".into(), wire::encode(&vec![fashion()]));
    CatalogHost { documents, ids, cache: RefCell::default(), fetches: RefCell::default() }
}

fn get(host: &CatalogHost, path: &str, headers: &[(&str, &str)]) -> http::Response<Bytes> {
    let mut request = http::Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    block_on(handle(request.body(Bytes::new()).unwrap(), host))
}

fn text(response: &http::Response<Bytes>) -> &str {
    std::str::from_utf8(response.body()).unwrap()
}

fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> &'a str {
    response.headers().get(name).map_or("", |v| v.to_str().unwrap())
}

/// A session cookie as the origin issues it (a JWT for user 5, valid until 2100), and the
/// edge's note of the email it signed in with.
fn signed_in_cookie() -> String {
    let claims = r#"{"sub":"5","role":"shopper","exp":4102444800}"#;
    let token = format!("e30.{}.c2ln", image_signature::base64url(claims.as_bytes()));
    format!("linkedall_session={token}; la_account=5.ama%40example.com")
}

#[test]
fn a_page_cached_for_everyone_shows_each_shopper_their_own_header() {
    let host = host(vec![1]);
    let visitor = get(&host, "/", &[("x-country", "KE")]);
    assert!(text(&visitor).contains(r#"<a href="/login">Sign in</a>"#), "{}", text(&visitor));
    assert!(!text(&visitor).contains("Sign out"));
    assert!(header(&visitor, "cache-control").starts_with("public"));
    let cookie = signed_in_cookie();
    let shopper = get(&host, "/", &[("x-country", "KE"), ("cookie", &cookie)]);
    assert!(header(&shopper, "cache-status").contains("; hit"), "the same cached page");
    assert_eq!(host.origin_calls(), 1);
    let page = text(&shopper);
    assert!(page.contains("<bdi>ama@example.com</bdi>") && !page.contains(r#"href="/login""#), "{page}");
    assert!(page.contains(r#"<form class="sign-out" method="post" action="/logout">"#));
    assert!(header(&shopper, "cache-control").starts_with("private"), "nobody else's cache keeps it");
    assert!(header(&shopper, "vary").contains("Cookie"));
    // Each version has its own validator: a browser holding the visitor's page does not get a
    // 304 for it once signed in, nor the other way round.
    let (anonymous_tag, signed_in_tag) = (header(&visitor, "etag"), header(&shopper, "etag"));
    assert_ne!(anonymous_tag, signed_in_tag);
    let revalidate = |cookie: Option<&str>, tag: &str| {
        let mut headers = vec![("x-country", "KE"), ("if-none-match", tag)];
        headers.extend(cookie.map(|c| ("cookie", c)));
        get(&host, "/", &headers).status().as_u16()
    };
    assert_eq!(revalidate(Some(&cookie), anonymous_tag), 200);
    assert_eq!(revalidate(Some(&cookie), signed_in_tag), 304);
    assert_eq!(revalidate(None, signed_in_tag), 200);
    assert_eq!(revalidate(None, anonymous_tag), 304);
    // The cache keeps the page without anyone's corner in it.
    let cache = host.cache.borrow();
    let stored = cache.iter().find(|(key, _)| key.path() == "/").map(|(_, entry)| entry).unwrap();
    let stored = std::str::from_utf8(&stored.body).unwrap();
    assert!(stored.contains("<!--linkedall:account:en-->") && !stored.contains("ama@example.com"));
}

#[test]
fn browsers_get_the_shops_404_page_in_their_language_and_api_clients_keep_problem_json() {
    let host = host(vec![1]);
    let html = "text/html,application/xhtml+xml,*/*;q=0.8";
    for path in ["/about", "/help", "/p/99999999-nothing"] {
        let page = get(&host, path, &[("x-country", "SN"), ("accept", html)]);
        assert_eq!(page.status(), 404, "{path}");
        assert!(header(&page, "content-type").starts_with("text/html"), "{path}");
        let body = text(&page);
        assert!(body.contains(r#"<html lang="fr""#) && body.contains("pas trouvé cette page"), "{body}");
        assert!(
            !body.contains("no route") && !body.contains("99999999") && !body.contains("problem"),
            "{body}"
        );
        assert!(body.contains(r#"<meta name="robots" content="noindex">"#), "kept out of search results");
        assert!(body.contains(r#"<a href="/login">Se connecter</a>"#), "the header is filled: {body}");
        assert!(header(&page, "content-security-policy").contains("default-src"), "{path}");
    }
    let api = get(&host, "/about", &[("x-country", "SN")]);
    assert_eq!((api.status().as_u16(), header(&api, "content-type")), (404, "application/problem+json"));
    let api = get(&host, "/api/v1/nothing", &[("accept", html)]);
    assert_eq!(header(&api, "content-type"), "application/problem+json", "the API answers JSON");
}

#[test]
fn a_search_page_shows_the_count_the_form_and_both_page_links() {
    let host = host((1..=60).collect());
    let page = get(&host, "/search?utm_source=x&q=Kitenge&page=2", &[("x-country", "KE")]);
    assert_eq!(page.status(), 200);
    assert_eq!(
        host.fetches.borrow().last().map(String::as_str),
        Some("/api/v1/search?q=kitenge&page=2&limit=24")
    );
    let html = text(&page);
    assert!(html.contains(r#"<p class="count" role="status">60 results</p>"#), "{html}");
    assert!(html.contains(r#"<a href="/search?q=kitenge" rel="prev">Previous page</a>"#), "{html}");
    assert!(html.contains(r#"<span>Page 2</span>"#), "{html}");
    assert!(html.contains(r#"<a href="/search?q=kitenge&#38;page=3" rel="next">Next page</a>"#), "{html}");
    assert!(html.contains(r#"<form method="get" action="/search">"#), "a GET form: no JavaScript needed");
    assert!(html.contains(r#"<option value="relevance" selected>Best match</option>"#), "{html}");
    assert!(html.contains("Price up to (KES)"), "prices typed in the shopper's currency");
    // The last page has no next link.
    let last = get(&host, "/search?q=kitenge&page=3", &[("x-country", "KE")]);
    assert!(!text(&last).contains(r#"rel="next""#) && text(&last).contains(r#"rel="prev""#));
}

#[test]
fn a_filtered_category_page_asks_the_origin_for_the_shoppers_country_and_keeps_its_canonical() {
    let host = host((1..=5).collect());
    let site = [("x-country", "KE"), ("host", "shop.example"), ("x-forwarded-proto", "https")];
    let page = get(&host, "/c/fashion?ships_to=me&sort=price_asc&max_price=5000", &site);
    assert_eq!(page.status(), 200);
    assert_eq!(
        host.fetches.borrow().last().map(String::as_str),
        Some(
            "/api/v1/search?category=fashion&sort=price_asc&max_price=5000&currency=KES&ships_to=KE&limit=24"
        )
    );
    let html = text(&page);
    assert!(html.contains(r#"<link rel="canonical" href="https://shop.example/c/fashion">"#), "{html}");
    assert!(html.contains("<details class=\"refine\" open>"), "a refined page shows its filters");
    assert!(html.contains(r#"name="ships_to" value="me" checked"#), "{html}");
    assert!(html.contains(r#"<option value="price_asc" selected>"#));
    assert!(!html.contains(r#"value="relevance""#), "a category has no relevance sort");
    // Senegal and Côte d'Ivoire share prices and language, not deliveries.
    let calls = host.origin_calls();
    get(&host, "/c/fashion?ships_to=me", &[("x-country", "SN")]);
    get(&host, "/c/fashion?ships_to=me", &[("x-country", "CI")]);
    assert_eq!(host.origin_calls(), calls + 2, "ships-to pages are per country");
    get(&host, "/c/fashion?sort=newest", &[("x-country", "SN")]);
    get(&host, "/c/fashion", &[("x-country", "CI")]);
    assert_eq!(host.origin_calls(), calls + 3, "other pages are shared by the currency");
    // The plain second page is its own canonical page.
    let second = get(&host, "/c/fashion?page=2", &site);
    assert!(text(&second).contains(r#"<link rel="canonical" href="https://shop.example/c/fashion?page=2">"#));
}

#[test]
fn a_bad_listing_address_is_a_sentence_not_the_parsers_message() {
    let host = host(vec![1]);
    let page = get(&host, "/c/fashion?page=abc", &[("x-country", "KE")]);
    assert_eq!(page.status(), 400);
    assert!(!text(&page).contains("page must be") && !text(&page).contains("`"), "{}", text(&page));
    assert!(text(&page).contains("That page of results does not exist."), "{}", text(&page));
    let french = get(&host, "/search?q=pagne&min_price=9&max_price=1", &[("x-country", "SN")]);
    assert_eq!(french.status(), 400);
    assert!(text(&french).contains("Le prix minimum dépasse le prix maximum."), "{}", text(&french));
    assert_eq!(host.origin_calls(), 0, "refused at the edge");
}

#[test]
fn a_product_page_tells_search_engines_what_it_sells() {
    let host = host(vec![1]);
    let site = [("x-country", "KE"), ("host", "shop.example"), ("x-forwarded-proto", "https")];
    let page = get(&host, "/p/1-kitenge-skirt", &site);
    let body = text(&page);
    assert!(
        body.contains(r#"<link rel="canonical" href="https://shop.example/p/1-kitenge-skirt">"#),
        "{body}"
    );
    // The same cached page, asked for under another name, names that one.
    let lan = get(&host, "/p/1-kitenge-skirt", &[("x-country", "KE"), ("host", "192.168.1.20:8080")]);
    assert!(
        text(&lan).contains(r#"<link rel="canonical" href="http://192.168.1.20:8080/p/1-kitenge-skirt">"#)
    );
    assert!(
        body.contains(
            r#"<meta name="description" content="Hand-sewn from Nairobi wax print &#60;/script&#62;"#
        ),
        "{body}"
    );
    // Every script element the page opens (structured data, the real-user beacon) closes once:
    // a description holding `</script>` would add a closing tag of its own.
    assert_eq!(
        body.matches("</script>").count(),
        body.matches("<script").count(),
        "the description is escaped everywhere"
    );
    let start = body.find(r#"<script type="application/ld+json">"#).expect("structured data") + 35;
    let json = &body[start..start + body[start..].find("</script>").unwrap()];
    assert!(!json.contains('<'), "no product text can close the script element");
    let data: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(data["@type"], "Product");
    assert_eq!(data["name"], "Kitenge skirt");
    assert_eq!(data["image"][0], "/images/products/1.svg");
    assert_eq!(data["offers"]["price"], "2500.00");
    assert_eq!(data["offers"]["priceCurrency"], "KES");
    assert_eq!(data["offers"]["availability"], "https://schema.org/LimitedAvailability");
    assert!(data["description"].as_str().unwrap().contains("</script>"), "decoded as written");
    let home = text(&get(&host, "/", &site)).to_owned();
    assert!(
        home.contains(r#"<link rel="canonical" href="https://shop.example/">"#)
            && home.contains(r#"<meta name="description""#)
    );
    assert!(!home.contains("noindex"));
}

#[test]
fn french_arabic_portuguese_and_swahili_pages_translate_categories_and_write_amounts_their_way() {
    let host = host(vec![1]);
    let french = text(&get(&host, "/", &[("x-country", "SN")])).to_owned();
    assert!(french.contains(r#"<a href="/c/fashion">Mode</a>"#), "{french}");
    assert!(french.contains("2\u{202f}500\u{a0}KSh"), "{french}");
    assert!(!french.contains(">Fashion<"));
    let product = text(&get(&host, "/p/1-kitenge-skirt", &[("x-country", "AO")])).to_owned();
    assert!(product.contains(">Moda</a>") && product.contains("2\u{202f}500\u{a0}KSh"), "{product}");
    let swahili = text(&get(&host, "/", &[("x-country", "TZ"), ("cookie", "la_lang=sw")])).to_owned();
    assert!(swahili.contains(">Mitindo</a>"), "{swahili}");
    let arabic = text(&get(&host, "/p/1-kitenge-skirt", &[("x-country", "EG")])).to_owned();
    assert!(arabic.contains(r#"dir="rtl""#) && arabic.contains(">الأزياء</a>"), "{arabic}");
    assert!(arabic.contains("<h1><bdi>Kitenge skirt</bdi></h1>"), "{arabic}");
    assert!(arabic.contains(r#"<p dir="auto">Hand-sewn"#), "the vendor's own text keeps its direction");
    assert!(
        arabic.contains("<bdi>Gikomba Styles Ltd</bdi></a>، ويُشحن من <bdi>Nairobi, KE</bdi>."),
        "{arabic}"
    );
    assert!(arabic.contains("\u{2068}KSh 2,500\u{2069}"), "amounts isolated in right-to-left text");
}

#[test]
fn robots_and_favicon_are_served_for_crawlers_and_browsers() {
    let host = host(vec![1]);
    let robots = get(&host, "/robots.txt", &[("host", "shop.example"), ("x-forwarded-proto", "https")]);
    assert_eq!(header(&robots, "content-type"), "text/plain; charset=utf-8");
    assert!(text(&robots).contains("Sitemap: https://shop.example/sitemap.xml"), "{}", text(&robots));
    assert!(text(&robots).contains("Disallow: /checkout"));
    let icon = get(&host, "/favicon.ico", &[]);
    assert_eq!((icon.status().as_u16(), header(&icon, "content-type")), (200, "image/x-icon"));
    assert_eq!(&icon.body()[..4], &[0, 0, 1, 0], "an ICO file");
    assert!(icon.body().len() < 8_000);
    assert!(header(&icon, "cache-control").contains("max-age=2592000"));
    assert_eq!(host.origin_calls(), 0, "neither asks the origin");
}

#[test]
fn the_sitemap_index_covers_every_product_in_files_of_at_most_five_thousand() {
    // 12,000 products and one far beyond them: the index must reach it.
    let mut ids: Vec<i64> = (1..=12_000).collect();
    ids.push(123_456);
    let host = host(ids);
    let site = [("host", "shop.example"), ("x-forwarded-proto", "https")];
    let index = get(&host, "/sitemap.xml", &site);
    assert_eq!(header(&index, "content-type"), "application/xml; charset=utf-8");
    let index = text(&index).to_owned();
    assert!(index.contains("<loc>https://shop.example/sitemaps/pages.xml</loc>"));
    assert_eq!(index.matches("/sitemaps/products-").count(), 25, "{index}");
    assert!(index.contains("/sitemaps/products-25.xml") && !index.contains("products-26"));
    assert!(host.origin_calls() <= 40, "{} calls to find the highest id", host.origin_calls());
    let calls = host.origin_calls();
    get(&host, "/sitemap.xml", &site);
    assert_eq!(host.origin_calls(), calls, "the highest id is kept");

    let first = text(&get(&host, "/sitemaps/products-1.xml", &site)).to_owned();
    assert_eq!(first.matches("<url>").count(), 5_000);
    assert!(first.contains("<loc>https://shop.example/p/1-kitenge-skirt</loc>"));
    assert!(first.contains("/p/5000-kitenge-skirt<") && !first.contains("/p/5001-"));
    assert!(host.origin_calls() - calls <= 51, "a file is a bounded number of listing calls");
    let third = text(&get(&host, "/sitemaps/products-3.xml", &site)).to_owned();
    assert_eq!(third.matches("<url>").count(), 2_000);
    let last = text(&get(&host, "/sitemaps/products-25.xml", &site)).to_owned();
    assert_eq!(last.matches("<url>").count(), 1);
    assert!(last.contains("/p/123456-kitenge-skirt"));
    let pages = text(&get(&host, "/sitemaps/pages.xml", &site)).to_owned();
    assert!(
        pages.contains("<loc>https://shop.example/</loc>")
            && pages.contains("https://shop.example/c/fashion<")
    );
    let empty = self::host(vec![]);
    assert_eq!(text(&get(&empty, "/sitemap.xml", &site)).matches("/sitemaps/products-").count(), 0);
}

#[test]
fn each_shopper_sees_their_own_markets_shops_first_on_the_home_shelf() {
    let mut host = host(vec![1]);
    let priced = |id: i64, name: &str, price: Money, vendor: &str, city: &str| ProductCard {
        price,
        vendor_name: vendor.into(),
        vendor_city: city.into(),
        ..card(id, name)
    };
    let featured = vec![
        priced(1, "Kitenge fabric", Money::new(Currency::KES, 125_000), "Gikomba Fabrics", "Nairobi"),
        priced(2, "Tecno Spark 20", Money::new(Currency::NGN, 18_950_000), "Ikeja Phone Hub", "Lagos"),
        priced(3, "Rooibos tea", Money::new(Currency::ZAR, 4_500), "Woodstock Foods", "Cape Town"),
    ];
    host.documents
        .insert("/api/v1/home".into(), wire::encode(&HomeFeed { categories: vec![fashion()], featured }));
    let order = |country: &str| {
        let page = text(&get(&host, "/", &[("x-country", country)])).to_owned();
        let mut shops: Vec<(usize, &str)> = ["Gikomba Fabrics", "Ikeja Phone Hub", "Woodstock Foods"]
            .into_iter()
            .map(|shop| (page.find(shop).unwrap_or_else(|| panic!("{shop} is on the page")), shop))
            .collect();
        shops.sort();
        shops.into_iter().map(|(_, shop)| shop).collect::<Vec<_>>()
    };
    assert_eq!(order("NG"), ["Ikeja Phone Hub", "Gikomba Fabrics", "Woodstock Foods"]);
    assert_eq!(order("ZA"), ["Woodstock Foods", "Gikomba Fabrics", "Ikeja Phone Hub"]);
    assert_eq!(order("KE"), ["Gikomba Fabrics", "Ikeja Phone Hub", "Woodstock Foods"]);
}

#[test]
fn no_catalog_page_in_french_or_arabic_falls_back_to_english() {
    let host = host(vec![1]);
    for (language, country) in [(Language::Fr, "SN"), (Language::Ar, "EG")] {
        for path in [
            "/",
            "/c/fashion",
            "/p/1-kitenge-skirt",
            "/search?q=kitenge",
            "/search?q=kitenge&sort=price_desc&in_stock=1&ships_to=me&page=2",
            "/c/fashion?sort=newest&min_price=100&page=2",
            "/c/fashion?page=99",
            "/search?q=nothing-matches",
            "/about",
        ] {
            for cookie in [None, Some(signed_in_cookie())] {
                let mut headers = vec![("x-country", country), ("accept", "text/html")];
                if let Some(cookie) = &cookie {
                    headers.push(("cookie", cookie.as_str()));
                }
                let page = text(&get(&host, path, &headers)).to_owned();
                assert!(page.contains(&format!(r#"<html lang="{}""#, language.tag())), "{path}: {page}");
                let english = support::english_left_in(&page, language);
                assert!(english.is_empty(), "{path} in {language:?} says {english:?}:\n{page}");
            }
        }
    }
}
