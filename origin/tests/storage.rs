//! The storage suite: every check runs against SQLite and against PostgreSQL.

use std::collections::HashSet;

use linkedall_origin::testing::TestDatabase;
use linkedall_shared::{Cursor, Limit, ProductId, VendorId};
use linkedall_store::{Backend, Store};

const PRODUCTS: u64 = 600;

/// A fresh, migrated database of `backend` (each check seeds what it needs).
async fn spawn(backend: Backend) -> Option<TestDatabase> {
    TestDatabase::new(backend).await
}

linkedall_origin::on_both_backends!(
    an_empty_catalog_answers_with_nothing_not_errors,
    migrations_are_idempotent,
    seeding_creates_every_category_and_the_requested_products,
    keyset_pages_walk_a_category_exactly_once_in_id_order,
    product_detail_joins_its_vendor_and_category,
    a_storefront_lists_only_that_vendors_products,
    the_home_shelf_holds_featured_products_in_stock,
    search_ranks_name_matches_above_description_matches,
    hostile_search_text_is_just_text,
);

async fn an_empty_catalog_answers_with_nothing_not_errors(db: TestDatabase) {
    let store = &db.store;
    assert!(store.categories().await.unwrap().is_empty());
    let (items, next) = store.products(None, None, Limit::DEFAULT).await.unwrap();
    assert!(items.is_empty() && next.is_none());
    assert!(store.product(ProductId::new(1)).await.unwrap().is_none());
    assert!(store.vendor_storefront(VendorId::new(1), None, Limit::DEFAULT).await.unwrap().is_none());
    assert!(store.search("phone", Limit::DEFAULT).await.unwrap().items.is_empty());
    store.ping().await.unwrap();
}

async fn migrations_are_idempotent(db: TestDatabase) {
    db.store.migrate().await.unwrap();
    db.store.migrate().await.unwrap();
}

async fn seeding_creates_every_category_and_the_requested_products(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let categories = db.store.categories().await.unwrap();
    let slugs: Vec<_> = categories.iter().map(|c| c.slug.as_str()).collect();
    assert_eq!(slugs, linkedall_origin::seed::CATEGORIES.iter().map(|c| c.slug).collect::<Vec<_>>());
    assert_eq!(db.store.product_count().await.unwrap(), PRODUCTS as i64);
}

async fn keyset_pages_walk_a_category_exactly_once_in_id_order(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let store = &db.store;
    let fashion = store.category_by_slug("fashion").await.unwrap().expect("fashion exists");
    let limit = Limit::parse("7").unwrap();
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<Cursor>, 0);
    loop {
        let (items, next) = store.products(Some(fashion.id), cursor, limit).await.unwrap();
        assert!(items.len() <= 7);
        assert!(items.iter().all(|p| p.category_id == fashion.id));
        seen.extend(items.iter().map(|p| p.id));
        pages += 1;
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(pages > 2, "a 600-product catalog has more than two pages of fashion");
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "ids ascend across pages");
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no product appears twice");
    let (all, _) = store.products(Some(fashion.id), None, Limit::parse("100").unwrap()).await.unwrap();
    assert_eq!(&seen[..all.len().min(seen.len())], &all.iter().map(|p| p.id).collect::<Vec<_>>()[..]);
}

async fn product_detail_joins_its_vendor_and_category(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let detail = db.store.product(ProductId::new(42)).await.unwrap().expect("product 42 exists");
    assert_eq!(detail.product.id, ProductId::new(42));
    assert_eq!(detail.vendor.id, detail.product.vendor_id);
    assert_eq!(detail.category.id, detail.product.category_id);
    assert_eq!(detail.product.image, "/images/products/42.svg");
    assert!(detail.product.price.minor > 0);
    assert!(db.store.product(ProductId::new(PRODUCTS as i64 + 1)).await.unwrap().is_none());
}

async fn a_storefront_lists_only_that_vendors_products(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let storefront = db
        .store
        .vendor_storefront(VendorId::new(3), None, Limit::parse("100").unwrap())
        .await
        .unwrap()
        .expect("vendor 3");
    assert_eq!(storefront.vendor.id, VendorId::new(3));
    assert!(!storefront.products.is_empty());
    assert!(
        storefront
            .products
            .iter()
            .all(|p| p.vendor_id == VendorId::new(3) && p.vendor_name == storefront.vendor.name)
    );
}

async fn the_home_shelf_holds_featured_products_in_stock(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let home = db.store.home().await.unwrap();
    assert_eq!(home.categories.len(), linkedall_origin::seed::CATEGORIES.len());
    assert!(!home.featured.is_empty() && home.featured.len() <= 12);
    assert!(home.featured.iter().all(|p| p.stock.is_available()));
}

async fn search_ranks_name_matches_above_description_matches(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let (in_description, in_name) = (
        insert_product(
            &db.store,
            "Clay water pot",
            "Keeps water cool; pairs well with a zanzibari spice tin.",
        )
        .await,
        insert_product(&db.store, "Zanzibari spice tin", "A tin for spices.").await,
    );
    let results = db.store.search("zanzibari", Limit::DEFAULT).await.unwrap();
    let ids: Vec<_> = results.items.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![in_name, in_description], "name match first, then description match");
    // Stemming / case folding: plural and capitals find the singular.
    let results = db.store.search("SPICE TINS", Limit::DEFAULT).await.unwrap();
    assert_eq!(results.items.first().map(|p| p.id), Some(in_name));
}

async fn hostile_search_text_is_just_text(db: TestDatabase) {
    let db = db.seeded(PRODUCTS).await;
    let long = "ä".repeat(200);
    for text in ["'; DROP TABLE products; --", "\"unbalanced", "a:b OR (", "*", "NEAR(a b)", "-", "\\", &long]
    {
        db.store.search(text, Limit::DEFAULT).await.unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    assert_eq!(db.store.product_count().await.unwrap(), PRODUCTS as i64);
}

/// Inserts a product for vendor 1 in category 1 and returns its id.
async fn insert_product(store: &Store, name: &str, description: &str) -> ProductId {
    let sql = "INSERT INTO products (vendor_id, category_id, name, slug, description, currency, price_minor, stock) \
               VALUES (1, 1, $1, 'x', $2, 'KES', 150000, 3) RETURNING id";
    let id: i64 = match store {
        Store::Postgres(pool) => sqlx::query_scalar(sql).bind(name).bind(description).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_scalar(sql).bind(name).bind(description).fetch_one(pool).await,
    }
    .unwrap();
    ProductId::new(id)
}
