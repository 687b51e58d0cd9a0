//! The shop's own routes — `/metrics` for Prometheus, the purge feed for the edges — are not
//! for shoppers: with a token configured only its bearer reads them, without one only this
//! machine and the trusted edges themselves (never a shopper the edge forwards).

use linkedall_origin::routes::InternalTokens;
use linkedall_origin::secret::Secret;
use linkedall_origin::testing::{TestDatabase, TestOptions, TestOrigin};
use linkedall_store::Backend;

const INTERNAL_ROUTES: [&str; 2] = ["/metrics", "/api/v1/cache/purges?after=0"];

async fn status(origin: &TestOrigin, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut request = reqwest::Client::new().get(format!("{}{path}", origin.url()));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("origin answers").status().as_u16()
}

#[tokio::test]
async fn metrics_and_the_purge_feed_need_their_own_token_when_one_is_set() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite opens");
    let tokens = InternalTokens::new(Some(&Secret::new("metrics-token")), Some(&Secret::new("feed-token")));
    let origin =
        TestOrigin::spawn_with(db, TestOptions { internal_tokens: Some(tokens), ..TestOptions::default() })
            .await;
    for (path, own, other) in [
        (INTERNAL_ROUTES[0], "Bearer metrics-token", "Bearer feed-token"),
        (INTERNAL_ROUTES[1], "Bearer feed-token", "Bearer metrics-token"),
    ] {
        assert_eq!(status(&origin, path, &[]).await, 401, "{path} without a token");
        assert_eq!(
            status(&origin, path, &[("authorization", other)]).await,
            401,
            "{path} with another's token"
        );
        assert_eq!(status(&origin, path, &[("authorization", "Bearer wrong")]).await, 401, "{path}");
        assert_eq!(status(&origin, path, &[("authorization", own)]).await, 200, "{path} with its token");
    }
}

#[tokio::test]
async fn without_a_token_a_shopper_forwarded_by_the_edge_reads_neither() {
    let db = TestDatabase::new(Backend::Sqlite).await.expect("SQLite opens");
    let origin = TestOrigin::spawn(db).await;
    for path in INTERNAL_ROUTES {
        // Prometheus on this machine, or the edge reading the feed for itself.
        assert_eq!(status(&origin, path, &[]).await, 200, "{path} from this machine");
        // The edge (loopback, a trusted edge) forwarding a shopper names them: refused.
        let forwarded = [("x-linkedall-client-ip", "203.0.113.9")];
        assert_eq!(status(&origin, path, &forwarded).await, 403, "{path} for a forwarded shopper");
    }
}
