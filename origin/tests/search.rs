//! Search and refined listings on both backends: ranking ("phone" finds phones before cases),
//! counts, each sort, each filter, paging without repeats or gaps, and the API's problems.

use std::collections::HashSet;

use linkedall_origin::testing::{TestDatabase, TestOrigin};
use linkedall_shared::{Browse, CategoryId, Currency, FxRates, Limit, Money, ProductCard, ShipsTo, Sort};
use linkedall_store::{Backend, Store};
use serde_json::Value;

async fn spawn(backend: Backend) -> Option<TestDatabase> {
    let db = TestDatabase::new(backend).await?;
    shop(&db.store).await;
    Some(db)
}

linkedall_origin::on_both_backends!(
    phone_finds_phones_then_accessories_then_mere_mentions,
    each_sort_orders_every_result,
    price_ranges_are_in_the_shoppers_currency_as_pages_show_prices,
    in_stock_city_and_category_filters_narrow_results,
    ships_to_keeps_vendors_whose_zone_reaches_the_country,
    pages_walk_every_result_once_for_every_sort,
    the_api_counts_pages_and_refuses_bad_parameters_with_a_problem,
);

const PHONES: i64 = 1;
const HOME: i64 = 2;

/// Three vendors (Lagos ships in Nigeria, Nairobi region-wide, Accra Africa-wide), phones and
/// accessories for them, a lamp that mentions phones, and 30 kente stoles for paging.
async fn shop(store: &Store) {
    let statements: Vec<String> = vec![
        "INSERT INTO categories (id, slug, name, position) VALUES (1, 'phones-tablets', 'Phones & Tablets', 0), \
         (2, 'home-kitchen', 'Home & Kitchen', 1)"
            .into(),
        "INSERT INTO vendors (id, name, slug, city, country, ships_to) VALUES \
         (1, 'Ikeja Phone Hub', 'ikeja-phone-hub', 'Lagos', 'NG', 'country'), \
         (2, 'Nairobi Gadgets', 'nairobi-gadgets', 'Nairobi', 'KE', 'region'), \
         (3, 'Accra Home', 'accra-home', 'Accra', 'GH', 'africa')"
            .into(),
    ];
    let products: &[(i64, i64, &str, &str, &str, i64, i32)] = &[
        (1, PHONES, "Silicone phone case, Tecno Spark 20", "Soft case.", "NGN", 500_000, 40),
        (
            1,
            PHONES,
            "Tecno Spark 20, 128 GB",
            "6.6-inch screen. Ships from Lagos by Ikeja Phone Hub.",
            "NGN",
            15_000_000,
            5,
        ),
        (2, PHONES, "Samsung Galaxy A15, 128 GB", "Super AMOLED screen.", "KES", 2_500_000, 3),
        (2, PHONES, "Phone holder for cars", "Holds any phone.", "KES", 150_000, 12),
        (2, PHONES, "Nokia 105", "Keypad and weeks of standby.", "KES", 300_000, 0),
        (3, HOME, "Solar lamp", "Charges your phone during a power cut.", "GHS", 30_000, 8),
    ];
    let mut statements = statements;
    for (vendor, category, name, description, currency, price, stock) in products {
        statements.push(format!(
            "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock) \
             VALUES ({vendor}, {category}, '{name}', 'x', '{description}', '{currency}', {price}, {stock})"
        ));
    }
    for n in 1..=30 {
        let (vendor, currency, price) = match n % 3 {
            0 => (1, "NGN", 1_000_000 + n * 10_000),
            1 => (2, "KES", 80_000 + n * 1_000),
            _ => (3, "GHS", 9_000 + n * 100),
        };
        statements.push(format!(
            "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock) \
             VALUES ({vendor}, {HOME}, 'Kente stole {n}', 'x', 'Handwoven.', '{currency}', {price}, {})",
            n % 4
        ));
    }
    for sql in &statements {
        match store {
            Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    if let Store::Postgres(pool) = store {
        for table in ["categories", "vendors"] {
            sqlx::query(&format!("SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
                .execute(pool)
                .await
                .unwrap();
        }
    }
    store
        .set_fx_rates(&[
            (Currency::NGN, 1_550_000_000),
            (Currency::KES, 129_000_000),
            (Currency::GHS, 15_000_000),
        ])
        .await
        .unwrap();
}

fn browse(query: &str) -> Browse {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    Browse::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap()
}

async fn everything(store: &Store, request: &Browse, category: Option<i64>) -> (Vec<ProductCard>, u32, bool) {
    let rates = store.fx_rates().await.unwrap();
    let found = store
        .browse(request, category.map(CategoryId::new), &rates, Limit::parse("100").unwrap())
        .await
        .unwrap();
    assert!(!found.has_next);
    (found.items, found.count.at_least, found.count.exact)
}

fn names(cards: &[ProductCard]) -> Vec<&str> {
    cards.iter().map(|c| c.name.as_str()).collect()
}

async fn phone_finds_phones_then_accessories_then_mere_mentions(db: TestDatabase) {
    let (items, count, exact) = everything(&db.store, &browse("q=phone"), None).await;
    let names = names(&items);
    assert_eq!((count, exact), (6, true), "{names:?}");
    let position = |name: &str| {
        names.iter().position(|n| n.starts_with(name)).unwrap_or_else(|| panic!("{name} in {names:?}"))
    };
    for phone in ["Tecno Spark 20, 128 GB", "Samsung Galaxy A15", "Nokia 105"] {
        for accessory in ["Silicone phone case", "Phone holder for cars", "Solar lamp"] {
            assert!(position(phone) < position(accessory), "{phone} before {accessory}: {names:?}");
        }
    }
    assert!(
        position("Silicone phone case") < position("Solar lamp"),
        "a name match before a description match: {names:?}"
    );
    // The plural and other words: "tecno phones" is the Tecno phone first.
    let (items, _, _) = everything(&db.store, &browse("q=tecno+phones"), None).await;
    assert_eq!(
        items.first().map(|c| c.name.as_str()),
        Some("Tecno Spark 20, 128 GB"),
        "{:?}",
        self::names(&items)
    );
}

/// Each product's price in `currency` as pages show it.
fn shown(card: &ProductCard, rates: &FxRates, currency: Currency) -> i64 {
    rates.shopper_price(card.price, currency).map(|m: Money| m.minor).unwrap()
}

async fn each_sort_orders_every_result(db: TestDatabase) {
    let rates = db.store.fx_rates().await.unwrap();
    for (query, category) in [("q=kente", None), ("", Some(HOME))] {
        let (low, count, _) =
            everything(&db.store, &browse(&format!("{query}&sort=price_asc")), category).await;
        assert_eq!(count as usize, low.len());
        let prices: Vec<i64> = low.iter().map(|c| shown(c, &rates, Currency::USD)).collect();
        assert!(
            prices.windows(2).all(|w| w[0] <= w[1]),
            "{query}: cheapest first across currencies: {prices:?}"
        );
        let (high, _, _) =
            everything(&db.store, &browse(&format!("{query}&sort=price_desc")), category).await;
        let prices: Vec<i64> = high.iter().map(|c| shown(c, &rates, Currency::USD)).collect();
        assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{query}: dearest first: {prices:?}");
        let (newest, _, _) = everything(&db.store, &browse(&format!("{query}&sort=newest")), category).await;
        let ids: Vec<i64> = newest.iter().map(|c| c.id.get()).collect();
        assert!(ids.windows(2).all(|w| w[0] > w[1]), "{query}: newest first: {ids:?}");
        let all: HashSet<i64> = low.iter().map(|c| c.id.get()).collect();
        assert_eq!(all, ids.iter().copied().collect(), "{query}: the same results in another order");
    }
}

async fn price_ranges_are_in_the_shoppers_currency_as_pages_show_prices(db: TestDatabase) {
    let rates = db.store.fx_rates().await.unwrap();
    let (items, _, _) =
        everything(&db.store, &browse("q=phone&min_price=400&max_price=10,000&currency=KES"), None).await;
    let names = names(&items);
    assert!(!items.is_empty());
    for card in &items {
        let price = shown(card, &rates, Currency::KES);
        assert!((40_000..=1_000_000).contains(&price), "{} at KSh {}", card.name, price / 100);
    }
    assert!(names.contains(&"Nokia 105") && names.contains(&"Solar lamp"), "{names:?}");
    assert!(!names.iter().any(|n| n.starts_with("Tecno Spark")), "₦150,000 is above KSh 10,000: {names:?}");
    // A bound exactly at a shown price keeps it: the case is ₦5,000 = KSh 416 as pages show it.
    let case_kes =
        rates.shopper_price(Money::new(Currency::NGN, 500_000), Currency::KES).unwrap().minor / 100;
    let (items, _, _) = everything(
        &db.store,
        &browse(&format!("q=case&min_price={case_kes}&max_price={case_kes}&currency=KES")),
        None,
    )
    .await;
    assert_eq!(self::names(&items), vec!["Silicone phone case, Tecno Spark 20"]);
}

async fn in_stock_city_and_category_filters_narrow_results(db: TestDatabase) {
    let (items, _, _) = everything(&db.store, &browse("q=phone&in_stock=1"), None).await;
    assert!(items.iter().all(|c| c.stock.is_available()) && !items.is_empty());
    assert!(!names(&items).contains(&"Nokia 105"));
    let (items, _, _) = everything(&db.store, &browse("q=phone&city=NAIROBI"), None).await;
    assert!(!items.is_empty() && items.iter().all(|c| c.vendor_city == "Nairobi"), "{:?}", names(&items));
    let (items, _, _) = everything(&db.store, &browse("q=phone"), Some(HOME)).await;
    assert_eq!(names(&items), vec!["Solar lamp"]);
    let (items, count, _) = everything(&db.store, &browse("in_stock=1"), Some(HOME)).await;
    assert_eq!(count as usize, items.len());
    assert!(items.iter().all(|c| c.stock.is_available() && c.category_id.get() == HOME));
}

async fn ships_to_keeps_vendors_whose_zone_reaches_the_country(db: TestDatabase) {
    let vendors =
        |items: &[ProductCard]| -> HashSet<i64> { items.iter().map(|c| c.vendor_id.get()).collect() };
    let to = |country: &str| Browse { ships_to: Some(ShipsTo::Country(country.into())), ..browse("q=phone") };
    // Kenya: the Nairobi shop (its own country) and the Accra shop (all of Africa).
    assert_eq!(vendors(&everything(&db.store, &to("KE"), None).await.0), HashSet::from([2, 3]));
    // Uganda: Nairobi ships region-wide; Lagos only in Nigeria.
    assert_eq!(vendors(&everything(&db.store, &to("UG"), None).await.0), HashSet::from([2, 3]));
    // Nigeria: Lagos at home, Accra Africa-wide; Nairobi's region is the East.
    assert_eq!(vendors(&everything(&db.store, &to("NG"), None).await.0), HashSet::from([1, 3]));
    // Outside Africa: nobody.
    assert!(everything(&db.store, &to("FR"), None).await.0.is_empty());
}

async fn pages_walk_every_result_once_for_every_sort(db: TestDatabase) {
    let rates = db.store.fx_rates().await.unwrap();
    let per_page = Limit::parse("7").unwrap();
    for (query, category) in [("q=kente", None), ("", Some(HOME))] {
        for sort in Sort::ALL.into_iter().filter(|s| !query.is_empty() || *s != Sort::Relevance) {
            let mut request = browse(query);
            request.sort = Some(sort);
            let (mut seen, mut page) = (Vec::new(), 1);
            loop {
                let found = db
                    .store
                    .browse(&request.on_page(page), category.map(CategoryId::new), &rates, per_page)
                    .await
                    .unwrap();
                assert!(found.items.len() <= 7);
                seen.extend(found.items.iter().map(|c| c.id.get()));
                assert!(found.count.exact);
                if !found.has_next {
                    assert_eq!(
                        seen.len(),
                        found.count.at_least as usize,
                        "{query} {sort:?}: the count is what the pages hold"
                    );
                    break;
                }
                page += 1;
            }
            let unique: HashSet<i64> = seen.iter().copied().collect();
            assert_eq!(unique.len(), seen.len(), "{query} {sort:?}: no product twice: {seen:?}");
            let expected = if category.is_some() { 31 } else { 30 };
            assert_eq!(seen.len(), expected, "{query} {sort:?}: none skipped");
        }
    }
}

async fn the_api_counts_pages_and_refuses_bad_parameters_with_a_problem(db: TestDatabase) {
    let origin = TestOrigin::spawn(db).await;
    let get = |path: String| {
        let url = format!("{}{path}", origin.url());
        async move { reqwest::get(url).await.unwrap() }
    };
    let first: Value =
        get("/api/v1/search?q=kente&limit=10&sort=price_asc".into()).await.json().await.unwrap();
    assert_eq!(first["count"], serde_json::json!({"at_least": 30, "exact": true}));
    assert_eq!((first["page"].as_u64(), first["has_next"].as_bool()), (Some(1), Some(true)));
    assert_eq!(first["items"].as_array().unwrap().len(), 10);
    let last: Value =
        get("/api/v1/search?page=3&limit=10&q=KENTE&sort=price_asc".into()).await.json().await.unwrap();
    assert_eq!((last["page"].as_u64(), last["has_next"].as_bool()), (Some(3), Some(false)));
    let listing: Value =
        get("/api/v1/search?category=home-kitchen&in_stock=1".into()).await.json().await.unwrap();
    assert_eq!(listing["category"]["slug"], "home-kitchen");
    assert!(listing["items"].as_array().unwrap().iter().all(|c| c["stock"].as_i64() > Some(0)));
    for (query, parameter) in [
        ("q=x&sort=cheap", "sort"),
        ("category=home-kitchen&sort=relevance", "sort"),
        ("q=x&min_price=lots&currency=NGN", "min_price"),
        ("q=x&min_price=10&max_price=5&currency=NGN", "min_price"),
        ("q=x&max_price=5", "currency"),
        ("q=x&page=0", "page"),
        ("q=x&ships_to=me", "ships_to"),
        ("sort=newest", "q"),
    ] {
        let response = get(format!("/api/v1/search?{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(response.headers()["content-type"], "application/problem+json", "{query}");
        let body: Value = response.json().await.unwrap();
        assert!(body.to_string().contains(parameter), "{query}: names {parameter}: {body}");
    }
    assert_eq!(get("/api/v1/search?category=no-such-thing".into()).await.status(), 404);
}
