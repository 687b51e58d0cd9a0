//! Stock sheets: a vendor downloads their shop's stock as CSV, changes it in a spreadsheet,
//! previews it (every mistake with its line) and applies it — all or nothing, with the same
//! events and purges as a change from the product form.

use linkedall_origin::test_client::TestClient;
use linkedall_origin::testing::{TestDatabase, TestOrigin, number};
use linkedall_store::Backend;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(3).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    a_vendor_sets_many_stocks_from_a_sheet_once_every_line_is_right,
    a_sheet_comes_from_a_browser_form_and_an_unreadable_one_says_why
);

async fn stock(origin: &TestOrigin, product: i64) -> i64 {
    number(&origin.db.store, &format!("SELECT CAST(stock AS BIGINT) FROM products WHERE id = {product}"))
        .await
}

async fn a_vendor_sets_many_stocks_from_a_sheet_once_every_line_is_right(origin: TestOrigin) {
    let shop = TestClient::vendor(&origin, "gari@example.com", "NG").await;
    let gari = shop.list_product("Gari, yellow, 5 kg", 450_000, 12).await;
    let beans = shop.list_product("Oloyin beans \"honey\"", 300_000, 4).await;
    let palm_oil = shop.list_product("Palm oil 1 L", 250_000, 9).await;
    let other = TestClient::vendor(&origin, "other@example.com", "KE").await;
    let theirs = other.list_product("Kikoi", 129_000, 3).await;

    // The sheet to fill in: every product of the shop, names quoted as a spreadsheet reads them.
    let (status, sheet) = shop.get("/api/v1/vendor/stock.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        sheet.as_str().unwrap(),
        format!(
            "product_id,name,stock\r\n{gari},\"Gari, yellow, 5 kg\",12\r\n{beans},\"Oloyin beans \"\"honey\"\"\",4\r\n{palm_oil},Palm oil 1 L,9\r\n"
        )
    );

    // Changed with mistakes: every one is shown with its line, and applying changes nothing.
    let mistaken =
        format!("product_id;stock\n{gari};20\n{beans};many\n{theirs};50\n{gari};1\n{palm_oil};0\n");
    let (status, preview) = shop.post("/api/v1/vendor/stock/preview", json!({ "sheet": mistaken })).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let problems: Vec<(i64, Value)> = preview["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line"].as_i64().unwrap(), l["problem"].clone()))
        .collect();
    assert_eq!(
        problems,
        vec![
            (2, Value::Null),
            (3, json!("stock")),
            (4, json!("not-yours")),
            (5, json!("repeated")),
            (6, Value::Null)
        ]
    );
    assert_eq!((preview["changes"].as_i64(), preview["problems"].as_i64()), (Some(2), Some(3)), "{preview}");
    assert_eq!(preview["lines"][0]["name"], "Gari, yellow, 5 kg");
    assert_eq!(
        (preview["lines"][0]["current"].as_i64(), preview["lines"][0]["stock"].as_i64()),
        (Some(12), Some(20))
    );
    assert_eq!(preview["lines"][2]["name"], Value::Null, "another shop's product is not named: {preview}");
    let (before, _) = origin.purge_journal(0).await;
    let events_before = number(&origin.db.store, "SELECT count(*) FROM outbox").await;
    let (status, problem) = shop.post("/api/v1/vendor/stock", json!({ "sheet": mistaken })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/stock-sheet-has-mistakes")),
        "{problem}"
    );
    assert!(problem["detail"].as_str().unwrap().contains("line 3"), "{problem}");
    assert_eq!(
        (stock(&origin, gari).await, stock(&origin, palm_oil).await, stock(&origin, theirs).await),
        (12, 9, 3)
    );
    assert_eq!(number(&origin.db.store, "SELECT count(*) FROM outbox").await, events_before);

    // Corrected: applied at once, each change announced and purged like a form's.
    let corrected = format!("product_id,stock\n{gari},20\n{beans},4\n{palm_oil},0\n");
    let (status, applied) = shop.post("/api/v1/vendor/stock", json!({ "sheet": corrected })).await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied, json!({ "changed": 2, "unchanged": 1 }));
    assert_eq!(
        (stock(&origin, gari).await, stock(&origin, beans).await, stock(&origin, palm_oil).await),
        (20, 4, 0)
    );
    let updates = number(
        &origin.db.store,
        &format!("SELECT count(*) FROM outbox WHERE type = 'product.updated' AND subject IN ('product/{gari}', 'product/{palm_oil}')"),
    )
    .await;
    assert!(updates >= 2, "one product.updated per changed product");
    assert_eq!(
        number(&origin.db.store, &format!("SELECT count(*) FROM outbox WHERE type = 'product.out_of_stock' AND subject = 'product/{palm_oil}'")).await,
        1
    );
    let (_, purged) = origin.purge_journal(before).await;
    for product in [gari, palm_oil] {
        assert!(purged.iter().any(|s| s.contains(&format!("product:{product}"))), "{purged:?}");
    }
    assert!(
        !purged.iter().any(|s| s.contains(&format!("product:{beans}"))),
        "unchanged, not purged: {purged:?}"
    );
    let (_, product) = shop.get(&format!("/api/v1/products/{gari}")).await;
    assert_eq!(product["product"]["stock"], json!(20), "the catalog reads the new stock: {product}");
}

async fn post_file(origin: &TestOrigin, token: Option<&str>, path: &str, csv: &str) -> (StatusCode, Value) {
    origin
        .send_file(token, reqwest::Method::POST, path, ("sheet", "stock.csv", "text/csv"), csv.as_bytes())
        .await
}

async fn a_sheet_comes_from_a_browser_form_and_an_unreadable_one_says_why(origin: TestOrigin) {
    let shop = TestClient::vendor(&origin, "wax@example.com", "SN").await;
    let wax = shop.list_product("Pagne wax", 12_500, 8).await;
    let token = shop.token.as_deref();

    let (status, preview) = post_file(
        &origin,
        token,
        "/api/v1/vendor/stock/preview",
        &format!("\u{feff}id;quantité;stock\r\n{wax};x;15\r\n"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        (preview["changes"].as_i64(), preview["lines"][0]["stock"].as_i64()),
        (Some(1), Some(15)),
        "{preview}"
    );
    let (status, applied) = post_file(&origin, token, "/api/v1/vendor/stock", &format!("{wax},15\n")).await;
    assert_eq!((status, applied), (StatusCode::OK, json!({ "changed": 1, "unchanged": 0 })));
    assert_eq!(stock(&origin, wax).await, 15);

    for (csv, kind) in [
        ("", "stock-sheet-empty"),
        ("product_id,stock\r\n\r\n", "stock-sheet-empty"),
        ("name,price\nPagne,100\n", "stock-sheet-columns"),
    ] {
        let (status, problem) = post_file(&origin, token, "/api/v1/vendor/stock/preview", csv).await;
        assert_eq!(
            (status, problem["type"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(format!("/problems/{kind}").as_str())),
            "{csv:?}: {problem}"
        );
    }
    let long: String = (1..=5_001).map(|n| format!("{n},1\n")).collect();
    let (status, problem) = shop.post("/api/v1/vendor/stock/preview", json!({ "sheet": long })).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/problems/stock-sheet-too-many-lines"))
    );

    let shopper = TestClient::shopper(&origin, "amaka@example.com").await;
    let (status, _) = shopper.post("/api/v1/vendor/stock", json!({ "sheet": format!("{wax},0") })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = post_file(&origin, None, "/api/v1/vendor/stock/preview", "1,1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(stock(&origin, wax).await, 15, "nothing changed by a refused sheet");
}
