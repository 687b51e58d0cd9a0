//! Admins suspend and reinstate shops: a suspended shop's products leave the catalog — product
//! pages, its storefront, listings, search, carts and checkout — its pages are purged with the
//! change and `vendor.suspended` is written, its vendor reads why; reinstating brings them back.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(5).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_suspended_shops_products_leave_the_catalog_until_it_is_reinstated,
    suspending_asks_for_a_reason_an_admin_and_a_shop_in_the_right_standing
);

fn ids(listing: &Value) -> Vec<i64> {
    listing["items"].as_array().expect("items").iter().map(|card| card["id"].as_i64().unwrap()).collect()
}

async fn a_suspended_shops_products_leave_the_catalog_until_it_is_reinstated(origin: TestOrigin) {
    let vendor = TestClient::vendor(&origin, "bolanle@example.com", "NG").await;
    let vendor_id = vendor.vendor_id.unwrap();
    let stole = vendor.list_product("Aso oke stole indigo", 2_500_000, 6).await;
    let shopper = TestClient::shopper(&origin, "chidi@example.com").await;
    let anyone = TestClient::with_token(&origin, None);
    let admin = TestClient::admin(&origin, "amina@example.com").await;
    assert_eq!(
        shopper.post("/api/v1/cart/items", json!({ "product_id": stole, "quantity": 1 })).await.0,
        StatusCode::OK
    );
    let (_, categories) = anyone.get("/api/v1/categories").await;
    let slug = categories.as_array().unwrap().iter().find(|c| c["id"] == 1).unwrap()["slug"]
        .as_str()
        .unwrap()
        .to_owned();
    let category_page = format!("/api/v1/search?category={slug}&limit=100");
    assert!(ids(&anyone.get(&category_page).await.1).contains(&stole));
    // Read once, so the origin's catalog cache holds the product's answer.
    assert_eq!(anyone.get(&format!("/api/v1/products/{stole}")).await.0, StatusCode::OK);

    // The admin finds the shop by a word of its name, open.
    let (status, found) = admin.get("/api/v1/admin/vendors?q=BOLANLE&state=active").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let shop = found["vendors"].as_array().unwrap().iter().find(|v| v["id"] == vendor_id).cloned();
    let shop = shop.unwrap_or_else(|| panic!("the shop is found: {found}"));
    assert_eq!((shop["products"].as_i64(), &shop["suspended_at"]), (Some(1), &Value::Null), "{shop}");

    let (before, _) = origin.purge_journal(0).await;
    let path = format!("/api/v1/admin/vendors/{vendor_id}/suspend");
    let (status, suspended) =
        admin.post(&path, json!({ "reason": "  counterfeit fabric reported by three shoppers " })).await;
    assert_eq!(status, StatusCode::OK, "{suspended}");
    assert_eq!(suspended["suspension_reason"], "counterfeit fabric reported by three shoppers");
    assert!(suspended["suspended_at"].is_string(), "{suspended}");

    // Its pages are purged with the change, and the event is written.
    let (_, purged) = origin.purge_journal(before).await;
    for tag in [format!("Tag:vendor:{vendor_id}"), "Tag:category:1".into(), "Tag:search".into()] {
        assert!(purged.contains(&tag), "{tag} in {purged:?}");
    }
    assert_eq!(
        number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'vendor.suspended'").await,
        1
    );

    // Out of every shopper's view.
    assert_eq!(anyone.get(&format!("/api/v1/products/{stole}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(anyone.get(&format!("/api/v1/vendors/{vendor_id}")).await.0, StatusCode::NOT_FOUND);
    assert!(!ids(&anyone.get(&category_page).await.1).contains(&stole), "gone from its category");
    assert!(
        !ids(&anyone.get("/api/v1/search?q=aso+oke&limit=100").await.1).contains(&stole),
        "and from search"
    );
    assert!(
        !ids(&anyone.get("/api/v1/products?limit=100").await.1).contains(&stole),
        "and from the sitemaps' listing"
    );

    // The cart says the line is unavailable; it can neither be added nor ordered.
    let (_, cart) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(cart["items"][0]["available"], false, "{cart}");
    let (status, problem) =
        shopper.post("/api/v1/cart/items", json!({ "product_id": stole, "quantity": 2 })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/shop-suspended")),
        "{problem}"
    );
    let (status, problem) =
        shopper.post("/api/v1/orders", json!({ "items": [{ "product_id": stole, "quantity": 1 }] })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/shop-suspended")),
        "{problem}"
    );
    assert_eq!(
        number(&origin.db.store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {stole}"))
            .await,
        6
    );

    // The vendor reads why, and still sees their own products.
    let (status, standing) = vendor.get("/api/v1/vendor/standing").await;
    assert_eq!(status, StatusCode::OK, "{standing}");
    assert_eq!(standing["suspension_reason"], "counterfeit fabric reported by three shoppers");
    let (_, own) = vendor.get("/api/v1/vendor/products").await;
    assert!(own["products"].as_array().unwrap().iter().any(|p| p["id"] == stole), "{own}");
    let (_, suspended_list) = admin.get("/api/v1/admin/vendors?state=suspended").await;
    assert_eq!(suspended_list["vendors"].as_array().unwrap().len(), 1, "{suspended_list}");

    // Reinstated: back everywhere, with its event and purges.
    let (before, _) = origin.purge_journal(0).await;
    let (status, reinstated) =
        admin.post(&format!("/api/v1/admin/vendors/{vendor_id}/reinstate"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{reinstated}");
    assert_eq!(reinstated["suspended_at"], Value::Null);
    let (_, purged) = origin.purge_journal(before).await;
    assert!(purged.contains(&format!("Tag:vendor:{vendor_id}")), "{purged:?}");
    assert_eq!(
        number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'vendor.reinstated'").await,
        1
    );
    assert_eq!(anyone.get(&format!("/api/v1/products/{stole}")).await.0, StatusCode::OK);
    assert!(ids(&anyone.get(&category_page).await.1).contains(&stole));
    assert!(ids(&anyone.get("/api/v1/search?q=aso+oke&limit=100").await.1).contains(&stole));
    let (_, cart) = shopper.get("/api/v1/cart/items").await;
    assert_eq!(cart["items"][0]["available"], true, "{cart}");
    assert_eq!(vendor.get("/api/v1/vendor/standing").await.1["suspended_at"], Value::Null);

    // Both actions are in the audit trail.
    assert_eq!(
        number(
            &origin.db.store,
            "SELECT count(*) FROM admin_actions WHERE action LIKE 'POST /api/v1/admin/vendors/{id}/%'"
        )
        .await,
        2
    );
}

async fn suspending_asks_for_a_reason_an_admin_and_a_shop_in_the_right_standing(origin: TestOrigin) {
    let vendor = TestClient::vendor(&origin, "kofi@example.com", "GH").await;
    let vendor_id = vendor.vendor_id.unwrap();
    let admin = TestClient::admin(&origin, "admin@example.com").await;
    let suspend = format!("/api/v1/admin/vendors/{vendor_id}/suspend");
    let reinstate = format!("/api/v1/admin/vendors/{vendor_id}/reinstate");

    let (status, problem) = admin.post(&suspend, json!({ "reason": "   " })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("/problems/invalid-parameter")),
        "{problem}"
    );
    assert_eq!(admin.post(&suspend, json!({})).await.0, StatusCode::BAD_REQUEST, "a reason is required");
    assert_eq!(vendor.post(&suspend, json!({ "reason": "spite" })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        TestClient::with_token(&origin, None).post(&suspend, json!({ "reason": "x" })).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, problem) =
        admin.post("/api/v1/admin/vendors/999999/suspend", json!({ "reason": "x" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let (status, problem) = admin.post(&reinstate, json!({})).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/illegal-transition")),
        "{problem}"
    );

    assert_eq!(admin.post(&suspend, json!({ "reason": "unpaid fees" })).await.0, StatusCode::OK);
    assert_eq!(
        admin.post(&suspend, json!({ "reason": "again" })).await.0,
        StatusCode::CONFLICT,
        "suspended already"
    );
    assert_eq!(
        number(&origin.db.store, "SELECT count(*) FROM outbox WHERE type = 'vendor.suspended'").await,
        1
    );
    let (status, problem) = admin.get("/api/v1/admin/vendors?state=banned").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    // Wildcards in the words are only letters: `%` finds no shop.
    let (_, none) = admin.get("/api/v1/admin/vendors?q=%25").await;
    assert_eq!(none["vendors"].as_array().unwrap().len(), 0, "{none}");
}
