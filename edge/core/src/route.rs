//! Which page a request asks for: parsed once from the method, path and query into a
//! [`Route`], so handlers receive typed values and hostile URLs stop here.

use linkedall_shared::{Browse, BrowseError, Cursor, ProductId, VendorId};

/// The longest search text the edge forwards (the origin refuses longer).
pub const MAX_QUERY_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    /// A category, sorted, filtered and paged by `browse` (whose own `category` is unused).
    Category {
        slug: String,
        browse: Browse,
    },
    Product {
        id: ProductId,
        slug: String,
    },
    Vendor {
        id: VendorId,
        slug: String,
        cursor: Option<Cursor>,
    },
    /// Search: `browse.words` empty shows the search form alone.
    Search {
        browse: Browse,
    },
    Asset {
        hashed_name: String,
    },
    /// `/cdn-cgi/image/<options>/<source>`: a product photo resized (see [`crate::images`]).
    /// Both parts are raw here; the image route parses and answers each with its own problem.
    Image {
        options: String,
        source: String,
    },
    /// A signed-in shopper's or vendor's page (cart, checkout, orders, dashboard): rendered per
    /// request, never cached. Reached by GET and POST alike; see [`crate::shop`].
    Shop(ShopPage),
    /// `/robots.txt`, `/favicon.ico`, `/sitemap.xml` and its parts: for crawlers and browsers
    /// (see [`crate::crawlers`]).
    Crawler(CrawlerFile),
    /// A catalog-looking URL that cannot name anything (e.g. `/p/abc`): a 404 page.
    NotFound {
        reason: String,
    },
    /// A search or category page whose sort or filters cannot be read: a 400 page saying which.
    BadFilter {
        error: BrowseError,
    },
    /// Anything else goes to the origin untouched.
    Proxy,
}

/// The files crawlers and browsers ask for by a fixed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrawlerFile {
    Robots,
    Favicon,
    /// `/sitemap.xml`: the index of the sitemaps below.
    SitemapIndex,
    /// `/sitemaps/pages.xml`: the home page and the categories.
    PagesSitemap,
    /// `/sitemaps/products-<n>.xml`: the products of the n-th range of ids (from 1).
    ProductSitemap {
        part: u32,
    },
}

/// The private pages, each a form and its submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShopPage {
    Login,
    Register,
    Logout,
    /// Asking for a password reset link by email.
    ForgotPassword,
    /// The page a reset link opens: choosing the new password.
    ResetPassword,
    Cart,
    Checkout,
    /// "My orders".
    Orders,
    /// One order: its confirmation page.
    Order {
        id: i64,
    },
    /// Pay for an order (POST only).
    Pay {
        id: i64,
    },
    /// The sandbox payment provider's test-mode page for an order's open charge, and its
    /// answer (approve, fail, cancel).
    SandboxPay {
        id: i64,
    },
    /// Rating and reviewing a product of a delivered order: the form, and its submission.
    Review {
        order_id: i64,
        product_id: i64,
    },
    /// A vendor's answer to a review of their product (POST only; the form is on the
    /// dashboard).
    AnswerReview {
        review_id: i64,
    },
    /// Opening a shop: a vendor's account and shop in one form.
    OpenShop,
    /// The vendor dashboard: products (searchable, `?q=`), stock, parts to ship.
    Vendor,
    /// Where the vendor's shop delivers (POST only).
    VendorShop,
    /// Setting many products' stock from a CSV file: the form (GET) and its preview (POST,
    /// multipart).
    VendorStock,
    /// Applying the previewed stock sheet (POST only).
    VendorStockApply,
    /// The shop's stock sheet as a CSV file to download.
    VendorStockSheet,
    /// The form that adds a product, and its submission.
    NewProduct,
    /// One of the vendor's products: its form (name, price, stock …) and its photo.
    EditProduct {
        id: i64,
    },
    /// A product photo, uploaded from the product's form and added after its others (POST
    /// only, multipart).
    ProductPhoto {
        id: i64,
    },
    /// Remove one of a product's photos (POST only, from the product's form).
    RemovePhoto {
        id: i64,
        photo: PhotoHash,
    },
    /// Make one of a product's photos its main one (POST only, from the product's form).
    MainPhoto {
        id: i64,
        photo: PhotoHash,
    },
    /// Ship a vendor's part of an order (POST only).
    Ship {
        order_id: i64,
    },
    /// Mark a vendor's shipped part of an order delivered (POST only).
    Deliver {
        order_id: i64,
    },
    /// Mark a vendor's shipped part, paid on delivery, refused at the door (POST only).
    Refused {
        order_id: i64,
    },
    /// The admin console's first page: how the events flow, and the other pages.
    Admin,
    /// Purging the edge caches.
    AdminCache,
    /// Orders held for fraud review, each with a "Release" button.
    AdminHeldOrders,
    /// Release a held order (POST only).
    AdminRelease {
        order_id: i64,
    },
    /// Cancel a held order and refund it (POST only).
    AdminCancelHeld {
        order_id: i64,
    },
    /// Events a consumer could not handle, each with a "Replay" button.
    AdminDeadLetters,
    /// Replay one dead letter (POST only).
    AdminReplay {
        id: DeadLetterId,
    },
    /// The exchange rates: view and set.
    AdminRates,
    /// Who did what in the admin console (`?before=` pages back).
    AdminAuditTrail,
    /// Fetch this edge's most requested pages now (POST only).
    AdminWarm,
    /// Shops: search, and suspend or reinstate one.
    AdminVendors,
    /// Suspend a shop, with a reason (POST only).
    AdminSuspend {
        vendor_id: i64,
    },
    /// Reinstate a suspended shop (POST only).
    AdminReinstate {
        vendor_id: i64,
    },
}

/// A dead letter's id: a UUID, kept as its 128 bits so that [`ShopPage`] stays `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadLetterId(pub u128);

impl DeadLetterId {
    /// The hyphenated form (`8-4-4-4-12` hex digits, any case); anything else is `None`.
    pub fn parse(raw: &str) -> Option<DeadLetterId> {
        let groups: Vec<&str> = raw.split('-').collect();
        let shape = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]);
        let hex: String = groups.concat();
        (shape && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u128::from_str_radix(&hex, 16).ok())
            .flatten()
            .map(DeadLetterId)
    }
}

impl std::fmt::Display for DeadLetterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex = format!("{:032x}", self.0);
        write!(f, "{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
    }
}

/// A product photo's content hash (32 lowercase hex digits), kept as its 128 bits so that
/// [`ShopPage`] stays `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoHash(pub u128);

impl PhotoHash {
    /// 32 lowercase hex digits (as the origin names photos); anything else is `None`.
    pub fn parse(raw: &str) -> Option<PhotoHash> {
        linkedall_shared::valid_hash(raw).then(|| u128::from_str_radix(raw, 16).ok()).flatten().map(PhotoHash)
    }
}

impl std::fmt::Display for PhotoHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl ShopPage {
    fn parse(segments: &[&str]) -> Option<ShopPage> {
        let id = |raw: &str| {
            raw.parse::<i64>().ok().filter(|id| *id > 0 && raw.bytes().all(|b| b.is_ascii_digit()))
        };
        Some(match segments {
            ["login"] => ShopPage::Login,
            ["register"] => ShopPage::Register,
            ["logout"] => ShopPage::Logout,
            ["forgot-password"] => ShopPage::ForgotPassword,
            ["reset-password"] => ShopPage::ResetPassword,
            ["cart"] => ShopPage::Cart,
            ["checkout"] => ShopPage::Checkout,
            ["orders"] => ShopPage::Orders,
            ["orders", raw] => ShopPage::Order { id: id(raw)? },
            ["orders", raw, "pay"] => ShopPage::Pay { id: id(raw)? },
            ["orders", raw, "sandbox"] => ShopPage::SandboxPay { id: id(raw)? },
            ["orders", raw, "review", product] => {
                ShopPage::Review { order_id: id(raw)?, product_id: id(product)? }
            }
            ["vendor", "reviews", raw, "answer"] => ShopPage::AnswerReview { review_id: id(raw)? },
            ["open-shop"] => ShopPage::OpenShop,
            ["vendor"] => ShopPage::Vendor,
            ["vendor", "shop"] => ShopPage::VendorShop,
            ["vendor", "stock"] => ShopPage::VendorStock,
            ["vendor", "stock", "apply"] => ShopPage::VendorStockApply,
            ["vendor", "stock.csv"] => ShopPage::VendorStockSheet,
            ["vendor", "products", "new"] => ShopPage::NewProduct,
            ["vendor", "products", raw] => ShopPage::EditProduct { id: id(raw)? },
            ["vendor", "products", raw, "photo"] => ShopPage::ProductPhoto { id: id(raw)? },
            ["vendor", "products", raw, "photos", hash, "remove"] => {
                ShopPage::RemovePhoto { id: id(raw)?, photo: PhotoHash::parse(hash)? }
            }
            ["vendor", "products", raw, "photos", hash, "main"] => {
                ShopPage::MainPhoto { id: id(raw)?, photo: PhotoHash::parse(hash)? }
            }
            ["vendor", "orders", raw, "ship"] => ShopPage::Ship { order_id: id(raw)? },
            ["vendor", "orders", raw, "deliver"] => ShopPage::Deliver { order_id: id(raw)? },
            ["vendor", "orders", raw, "refused"] => ShopPage::Refused { order_id: id(raw)? },
            ["admin"] => ShopPage::Admin,
            ["admin", "cache"] => ShopPage::AdminCache,
            ["admin", "held-orders"] => ShopPage::AdminHeldOrders,
            ["admin", "held-orders", raw, "release"] => ShopPage::AdminRelease { order_id: id(raw)? },
            ["admin", "held-orders", raw, "cancel"] => ShopPage::AdminCancelHeld { order_id: id(raw)? },
            ["admin", "dead-letters"] => ShopPage::AdminDeadLetters,
            ["admin", "dead-letters", raw, "replay"] => {
                ShopPage::AdminReplay { id: DeadLetterId::parse(raw)? }
            }
            ["admin", "rates"] => ShopPage::AdminRates,
            ["admin", "audit-trail"] => ShopPage::AdminAuditTrail,
            ["admin", "cache", "warm"] => ShopPage::AdminWarm,
            ["admin", "vendors"] => ShopPage::AdminVendors,
            ["admin", "vendors", raw, "suspend"] => ShopPage::AdminSuspend { vendor_id: id(raw)? },
            ["admin", "vendors", raw, "reinstate"] => ShopPage::AdminReinstate { vendor_id: id(raw)? },
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ShopPage::Login => "login",
            ShopPage::Register => "register",
            ShopPage::Logout => "logout",
            ShopPage::ForgotPassword => "forgot_password",
            ShopPage::ResetPassword => "reset_password",
            ShopPage::Cart => "cart",
            ShopPage::Checkout => "checkout",
            ShopPage::Orders => "orders",
            ShopPage::Order { .. } => "order",
            ShopPage::Pay { .. } => "pay",
            ShopPage::SandboxPay { .. } => "sandbox_pay",
            ShopPage::Review { .. } => "review",
            ShopPage::AnswerReview { .. } => "answer_review",
            ShopPage::OpenShop => "open_shop",
            ShopPage::Vendor => "vendor_dashboard",
            ShopPage::VendorShop => "vendor_shop",
            ShopPage::VendorStock => "vendor_stock",
            ShopPage::VendorStockApply => "vendor_stock_apply",
            ShopPage::VendorStockSheet => "vendor_stock_sheet",
            ShopPage::NewProduct => "vendor_new_product",
            ShopPage::EditProduct { .. } => "vendor_product",
            ShopPage::ProductPhoto { .. } => "vendor_photo",
            ShopPage::RemovePhoto { .. } => "vendor_photo_remove",
            ShopPage::MainPhoto { .. } => "vendor_photo_main",
            ShopPage::Ship { .. } => "ship",
            ShopPage::Deliver { .. } => "deliver",
            ShopPage::Refused { .. } => "refused_at_door",
            ShopPage::Admin => "admin",
            ShopPage::AdminCache => "admin_cache",
            ShopPage::AdminHeldOrders => "admin_held_orders",
            ShopPage::AdminRelease { .. } => "admin_release",
            ShopPage::AdminCancelHeld { .. } => "admin_cancel_held",
            ShopPage::AdminDeadLetters => "admin_dead_letters",
            ShopPage::AdminReplay { .. } => "admin_replay",
            ShopPage::AdminRates => "admin_rates",
            ShopPage::AdminAuditTrail => "admin_audit_trail",
            ShopPage::AdminWarm => "admin_warm",
            ShopPage::AdminVendors => "admin_vendors",
            ShopPage::AdminSuspend { .. } => "admin_suspend",
            ShopPage::AdminReinstate { .. } => "admin_reinstate",
        }
    }
}

impl Route {
    pub fn parse(method: &http::Method, path: &str, query: Option<&str>) -> Route {
        let catalog_method = method == http::Method::GET || method == http::Method::HEAD;
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if let Some(page) = ShopPage::parse(&segments) {
            return Route::Shop(page);
        }
        if matches!(segments.first(), Some(&("orders" | "vendor"))) {
            return not_found(format!("“{}” is not a page of the shop", short(path)));
        }
        match (catalog_method, segments.as_slice()) {
            (true, [""]) => Route::Home,
            (true, ["c", slug]) => match browse(query) {
                _ if !is_slug(slug) => not_found(format!("there is no category called “{}”", short(slug))),
                Ok(browse) => {
                    Route::Category { slug: (*slug).to_owned(), browse: Browse { category: None, ..browse } }
                }
                Err(error) => Route::BadFilter { error },
            },
            (true, ["p", id_slug]) => {
                match split_id_slug(id_slug).map(|(id, slug)| (ProductId::parse(id), slug)) {
                    Some((Ok(id), slug)) => Route::Product { id, slug },
                    _ => not_found(format!("“{}” is not a product address", short(id_slug))),
                }
            }
            (true, ["v", id_slug]) => {
                match (split_id_slug(id_slug).map(|(id, slug)| (VendorId::parse(id), slug)), cursor(query)) {
                    (Some((Ok(id), slug)), Ok(cursor)) => Route::Vendor { id, slug, cursor },
                    _ => not_found(format!("“{}” is not a shop address", short(id_slug))),
                }
            }
            (true, ["search"]) => match browse(query) {
                Ok(mut browse) => {
                    browse.words =
                        browse.words.chars().take(MAX_QUERY_CHARS).collect::<String>().trim().to_owned();
                    Route::Search { browse }
                }
                Err(error) => Route::BadFilter { error },
            },
            (true, ["assets", name]) => Route::Asset { hashed_name: (*name).to_owned() },
            (true, ["robots.txt"]) => Route::Crawler(CrawlerFile::Robots),
            (true, ["favicon.ico"]) => Route::Crawler(CrawlerFile::Favicon),
            (true, ["sitemap.xml"]) => Route::Crawler(CrawlerFile::SitemapIndex),
            (true, ["sitemaps", "pages.xml"]) => Route::Crawler(CrawlerFile::PagesSitemap),
            (true, ["sitemaps", name]) => match name
                .strip_prefix("products-")
                .and_then(|rest| rest.strip_suffix(".xml"))
                .filter(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|part| *part > 0)
            {
                Some(part) => Route::Crawler(CrawlerFile::ProductSitemap { part }),
                None => not_found(format!("there is no sitemap called “{}”", short(name))),
            },
            (true, ["cdn-cgi", "image", options, source @ ..]) if !source.is_empty() => {
                Route::Image { options: (*options).to_owned(), source: source.join("/") }
            }
            _ => Route::Proxy,
        }
    }

    /// Short name for metrics and logs.
    pub fn label(&self) -> &'static str {
        match self {
            Route::Home => "home",
            Route::Category { .. } => "category",
            Route::Product { .. } => "product",
            Route::Vendor { .. } => "vendor",
            Route::Search { .. } => "search",
            Route::Asset { .. } => "asset",
            Route::Image { .. } => "image",
            Route::Shop(page) => page.label(),
            Route::Crawler(CrawlerFile::Robots) => "robots",
            Route::Crawler(CrawlerFile::Favicon) => "favicon",
            Route::Crawler(_) => "sitemap",
            Route::NotFound { .. } => "not_found",
            Route::BadFilter { .. } => "bad_filter",
            Route::Proxy => "proxy",
        }
    }
}

fn not_found(reason: String) -> Route {
    Route::NotFound { reason }
}

/// The first value of `name` in a query string, decoded.
pub fn param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The sort, filters and page of a search or category page (unknown parameters ignored).
fn browse(query: Option<&str>) -> Result<Browse, BrowseError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    Browse::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn cursor(query: Option<&str>) -> Result<Option<Cursor>, String> {
    match param(query, "cursor").filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(raw) => Cursor::parse(&raw).map(Some).map_err(|e| e.to_string()),
    }
}

/// `42-tecno-spark` → (`42`, `tecno-spark`); `42` alone → (`42`, ``).
fn split_id_slug(id_slug: &str) -> Option<(&str, String)> {
    let (id, slug) = id_slug.split_once('-').unwrap_or((id_slug, ""));
    (!id.is_empty()).then(|| (id, slug.to_owned()))
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 80
        && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::Method;

    fn get(path: &str, query: Option<&str>) -> Route {
        Route::parse(&Method::GET, path, query)
    }

    #[test]
    fn catalog_urls_parse_into_typed_routes() {
        assert_eq!(get("/", None), Route::Home);
        assert_eq!(
            get("/c/fashion", Some("page=2&sort=price_asc&utm_source=x")),
            Route::Category {
                slug: "fashion".into(),
                browse: Browse {
                    page: 2,
                    sort: Some(linkedall_shared::Sort::PriceLowHigh),
                    ..Browse::default()
                }
            }
        );
        assert_eq!(
            get("/p/42-tecno-spark", None),
            Route::Product { id: ProductId::new(42), slug: "tecno-spark".into() }
        );
        assert_eq!(get("/p/42", None), Route::Product { id: ProductId::new(42), slug: String::new() });
        assert_eq!(
            get("/v/7-ikeja-gadgets", None),
            Route::Vendor { id: VendorId::new(7), slug: "ikeja-gadgets".into(), cursor: None }
        );
        assert_eq!(
            get("/search", Some("q=+shea+butter+")),
            Route::Search { browse: Browse { words: "shea butter".into(), page: 1, ..Browse::default() } }
        );
        assert_eq!(
            get("/cdn-cgi/image/width=400,format=auto/media/products/4/ab.jpg", Some("sig=k.x")),
            Route::Image {
                options: "width=400,format=auto".into(),
                source: "media/products/4/ab.jpg".into()
            }
        );
    }

    #[test]
    fn shop_pages_parse_for_any_method_and_bad_order_ids_are_not_found() {
        assert_eq!(Route::parse(&Method::POST, "/cart", None), Route::Shop(ShopPage::Cart));
        assert_eq!(get("/orders/42", None), Route::Shop(ShopPage::Order { id: 42 }));
        assert_eq!(
            Route::parse(&Method::POST, "/orders/42/pay", None),
            Route::Shop(ShopPage::Pay { id: 42 })
        );
        assert_eq!(
            Route::parse(&Method::POST, "/vendor/orders/7/ship", None),
            Route::Shop(ShopPage::Ship { order_id: 7 })
        );
        for path in ["/orders/abc", "/orders/-1", "/orders/0", "/vendor/x", "/vendor/products/x"] {
            assert!(matches!(get(path, None), Route::NotFound { .. }), "{path}");
        }
        assert_eq!(get("/vendor/products/new", None), Route::Shop(ShopPage::NewProduct));
        assert_eq!(get("/vendor/products/9", None), Route::Shop(ShopPage::EditProduct { id: 9 }));
        let hash = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            get(&format!("/vendor/products/9/photos/{hash}/main"), None),
            Route::Shop(ShopPage::MainPhoto { id: 9, photo: PhotoHash(0x0123456789abcdef0123456789abcdef) })
        );
        assert_eq!(PhotoHash::parse(hash).map(|h| h.to_string()).as_deref(), Some(hash));
        assert!(!matches!(get("/vendor/products/9/photos/0123ABCDEF/remove", None), Route::Shop(_)));
        assert_eq!(
            Route::parse(&Method::POST, "/vendor/orders/7/deliver", None),
            Route::Shop(ShopPage::Deliver { order_id: 7 })
        );
        assert_eq!(
            Route::parse(&Method::POST, "/vendor/orders/7/refused", None),
            Route::Shop(ShopPage::Refused { order_id: 7 })
        );
        assert_eq!(get("/orders/7/sandbox", None), Route::Shop(ShopPage::SandboxPay { id: 7 }));
        assert_eq!(
            get("/orders/7/review/17", None),
            Route::Shop(ShopPage::Review { order_id: 7, product_id: 17 })
        );
        assert!(matches!(get("/orders/7/review/x", None), Route::NotFound { .. }));
        assert_eq!(
            Route::parse(&Method::POST, "/vendor/reviews/5/answer", None),
            Route::Shop(ShopPage::AnswerReview { review_id: 5 })
        );
        let letter = "0192F5E4-7a1b-7c3d-8e9f-0a1b2c3d4e5f";
        let Route::Shop(ShopPage::AdminReplay { id }) =
            Route::parse(&Method::POST, &format!("/admin/dead-letters/{letter}/replay"), None)
        else {
            panic!("a dead letter's replay address")
        };
        assert_eq!(id.to_string(), letter.to_ascii_lowercase());
        for bad in ["/admin/dead-letters/x/replay", "/admin/dead-letters/0192f5e4-7a1b-7c3d-8e9f/replay"] {
            assert_eq!(Route::parse(&Method::POST, bad, None), Route::Proxy, "{bad}");
        }
        // The operators' API under /admin stays the origin's.
        assert_eq!(Route::parse(&Method::POST, "/admin/purge", None), Route::Proxy);
    }

    #[test]
    fn hostile_catalog_urls_are_not_found_and_everything_else_is_proxied() {
        for (path, query) in [
            ("/p/abc", None),
            ("/p/-1-x", None),
            ("/p/99999999999999999999-x", None),
            ("/p/", None),
            ("/c/..%2F..%2Fetc", None),
            ("/v/x-y", None),
        ] {
            assert!(matches!(get(path, query), Route::NotFound { .. }), "{path} {query:?}");
        }
        assert_eq!(get("/api/v1/products", None), Route::Proxy);
        assert_eq!(get("/robots.txt", None), Route::Crawler(CrawlerFile::Robots));
        assert_eq!(get("/favicon.ico", None), Route::Crawler(CrawlerFile::Favicon));
        assert_eq!(get("/sitemap.xml", None), Route::Crawler(CrawlerFile::SitemapIndex));
        assert_eq!(
            get("/sitemaps/products-3.xml", None),
            Route::Crawler(CrawlerFile::ProductSitemap { part: 3 })
        );
        for bad in ["/sitemaps/products-0.xml", "/sitemaps/products-x.xml", "/sitemaps/products-9999999.xml"]
        {
            assert!(matches!(get(bad, None), Route::NotFound { .. }), "{bad}");
        }
        assert_eq!(get("/images/products/1.svg", None), Route::Proxy);
        assert_eq!(Route::parse(&Method::POST, "/c/fashion", None), Route::Proxy);
        let long = "a".repeat(1000);
        assert!(
            matches!(get("/search", Some(&format!("q={long}"))), Route::Search { browse } if browse.words.len() == MAX_QUERY_CHARS)
        );
        for (path, query) in [
            ("/c/fashion", "page=%27%20OR%201=1"),
            ("/c/fashion", "sort=cheapest"),
            ("/search", "q=x&min_price=lots"),
            ("/search", "q=x&min_price=9&max_price=1"),
        ] {
            assert!(matches!(get(path, Some(query)), Route::BadFilter { .. }), "{path} {query}");
        }
    }
}
