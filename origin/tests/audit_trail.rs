//! The audit trail over HTTP: every admin write is recorded with who, what, when, from where
//! and how it ended, and admins (only) read it back, newest first, a page at a time.

use linkedall_origin::testing::{TEST_ADMIN_TOKEN, TestDatabase, TestOrigin};
use linkedall_store::Backend;
use linkedall_store::Store;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn spawn(backend: Backend) -> Option<TestOrigin> {
    let db = TestDatabase::new(backend).await?.seeded(10).await;
    Some(TestOrigin::spawn(db).await)
}

linkedall_origin::on_both_backends!(
    an_admins_purge_is_recorded_with_who_what_when_and_from_where,
    the_operators_token_and_refused_actions_are_recorded_but_reads_and_outsiders_are_not,
    only_admins_read_the_trail_and_it_pages_back,
);

async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A signed-in account's token; an admin when `admin` (promoted as an operator would).
async fn account(origin: &TestOrigin, email: &str, admin: bool) -> String {
    let credentials = json!({ "email": email, "password": "correct horse battery" });
    origin.register(credentials.clone()).await;
    if admin {
        execute(&origin.db.store, &format!("UPDATE users SET role = 'admin' WHERE email = '{email}'")).await;
    }
    let (status, session) =
        origin.call("", Method::POST, "/api/v1/auth/login", Some(credentials), None).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    session["token"].as_str().unwrap().to_owned()
}

async fn trail(origin: &TestOrigin, token: &str, query: &str) -> (StatusCode, Value) {
    origin.call(token, Method::GET, &format!("/api/v1/admin/audit-trail{query}"), None, None).await
}

async fn an_admins_purge_is_recorded_with_who_what_when_and_from_where(origin: TestOrigin) {
    let admin = account(&origin, "amina@example.com", true).await;
    let purge = json!({ "tags": ["product:7"] });
    let (status, accepted) = origin.call(&admin, Method::POST, "/admin/purge", Some(purge), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    let (status, read) = trail(&origin, &admin, "").await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let actions = read["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "reading the trail is not an action: {read}");
    let action = &actions[0];
    assert_eq!(action["admin_email"], "amina@example.com");
    assert_eq!(action["actor"], "admin_account");
    assert_eq!(action["action"], "POST /admin/purge");
    assert_eq!(action["target"], "/admin/purge");
    assert_eq!(
        serde_json::from_str::<Value>(action["detail"].as_str().unwrap()).unwrap(),
        json!({ "tags": ["product:7"] })
    );
    assert_eq!(action["status"], 202);
    assert_eq!(action["client_ip"], "127.0.0.1");
    let at = action["at"].as_str().unwrap();
    assert!(at.len() >= 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T', "RFC 3339: {at}");
    // The purge itself happened as before.
    assert_eq!(origin.purge_journal(0).await.1.len(), 1);
}

async fn the_operators_token_and_refused_actions_are_recorded_but_reads_and_outsiders_are_not(
    origin: TestOrigin,
) {
    let shopper = account(&origin, "efua@example.com", false).await;
    let (status, _) =
        origin.call(&shopper, Method::POST, "/admin/purge", Some(json!({ "everything": true })), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        origin.call(TEST_ADMIN_TOKEN, Method::GET, "/api/v1/admin/orders/held", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) =
        origin.call(TEST_ADMIN_TOKEN, Method::POST, "/api/v1/admin/orders/999999/release", None, None).await;
    assert!(status.is_client_error(), "no such held order: {status}");
    let (status, _) = origin
        .call(
            TEST_ADMIN_TOKEN,
            Method::PUT,
            "/api/v1/admin/fx-rates",
            Some(json!({ "per_usd_micros": { "KES": 130_000_000 } })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, read) = trail(&origin, TEST_ADMIN_TOKEN, "").await;
    let actions = read["actions"].as_array().unwrap();
    let summary: Vec<(&str, &str, i64)> = actions
        .iter()
        .map(|a| (a["actor"].as_str().unwrap(), a["action"].as_str().unwrap(), a["status"].as_i64().unwrap()))
        .collect();
    assert_eq!(summary[0], ("operators_token", "PUT /api/v1/admin/fx-rates", 200), "{read}");
    assert_eq!(summary[1].1, "POST /api/v1/admin/orders/{id}/release");
    assert!(summary[1].2 >= 400, "a refused action is recorded as refused: {read}");
    assert_eq!(actions.len(), 2, "neither the shopper's refused purge nor a read is an admin action: {read}");
    assert!(actions.iter().all(|a| a["admin_id"].is_null() && a["admin_email"].is_null()));
    assert_eq!(actions[1]["target"], "/api/v1/admin/orders/999999/release");
}

async fn only_admins_read_the_trail_and_it_pages_back(origin: TestOrigin) {
    let shopper = account(&origin, "kofi@example.com", false).await;
    assert_eq!(trail(&origin, &shopper, "").await.0, StatusCode::FORBIDDEN);
    assert_eq!(trail(&origin, "", "").await.0, StatusCode::UNAUTHORIZED);
    for n in 1..=3 {
        let body = json!({ "urls": [format!("/c/page-{n}")] });
        let (status, _) = origin.call(TEST_ADMIN_TOKEN, Method::POST, "/admin/purge", Some(body), None).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (status, first) = trail(&origin, TEST_ADMIN_TOKEN, "?limit=2").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let details = |page: &Value| -> Vec<String> {
        page["actions"].as_array().unwrap().iter().map(|a| a["detail"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(first["actions"].as_array().unwrap().len(), 2);
    assert!(details(&first)[0].contains("page-3") && details(&first)[1].contains("page-2"), "{first}");
    let before = first["next_before"].as_i64().expect("a next page");
    let (_, second) = trail(&origin, TEST_ADMIN_TOKEN, &format!("?limit=2&before={before}")).await;
    assert_eq!(details(&second).len(), 1);
    assert!(details(&second)[0].contains("page-1"), "{second}");
    assert!(second["next_before"].is_null());
    assert_eq!(trail(&origin, TEST_ADMIN_TOKEN, "?limit=0").await.0, StatusCode::BAD_REQUEST);
}
