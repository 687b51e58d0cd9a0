//! One trace per shopper request, across processes: the origin's roles run as production runs
//! them (`serve`, `relay`, `consumers`, each its own process, on PostgreSQL, Redis and
//! JetStream) behind the native edge (in this test's process), each exporting OTLP/HTTP to a
//! receiver in this test. An order placed through the edge is one trace id from the edge's span
//! through the API request, its Redis command and SQL statements, the outbox row, the relay's
//! publish and the consumers' handling, every span's parent a span of that trace.

mod process_support;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use linkedall_edge_dev::{EdgeDevConfig, EdgeServer};
use linkedall_origin::testing::TestDatabase;
use linkedall_store::Backend;
use linkedall_telemetry::{LogFormat, TraceExport};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use process_support::{Shop, nats_is_up, until};
use prost::Message;
use serde_json::{Value, json};

/// A span as received, with the `service.name` of the process that sent it.
#[derive(Clone, Debug)]
struct Received {
    service: String,
    trace_id: String,
    span_id: String,
    parent_span_id: String,
    name: String,
    kind: SpanKind,
    attributes: HashMap<String, String>,
}

type Spans = Arc<Mutex<Vec<Received>>>;

/// An OTLP/HTTP receiver on 127.0.0.1: `POST /v1/traces` with a protobuf body.
async fn receiver() -> (String, Spans) {
    let spans = Spans::default();
    let app = axum::Router::new().route("/v1/traces", post(receive)).with_state(spans.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), spans)
}

async fn receive(
    State(spans): State<Spans>,
    body: Bytes,
) -> (axum::http::StatusCode, [(&'static str, &'static str); 1], Vec<u8>) {
    let Ok(request) = ExportTraceServiceRequest::decode(body) else {
        return (axum::http::StatusCode::BAD_REQUEST, [("content-type", "text/plain")], b"not OTLP".to_vec());
    };
    let mut kept = spans.lock().unwrap();
    for resource_spans in request.resource_spans {
        let service = resource_spans
            .resource
            .iter()
            .flat_map(|r| &r.attributes)
            .find(|kv| kv.key == "service.name")
            .map(|kv| text(kv.value.as_ref().and_then(|v| v.value.as_ref())))
            .unwrap_or_default();
        for span in resource_spans.scope_spans.into_iter().flat_map(|s| s.spans) {
            kept.push(Received {
                service: service.clone(),
                trace_id: hex::encode(&span.trace_id),
                span_id: hex::encode(&span.span_id),
                parent_span_id: hex::encode(&span.parent_span_id),
                kind: span.kind(),
                name: span.name,
                attributes: span
                    .attributes
                    .into_iter()
                    .map(|kv| (kv.key, text(kv.value.as_ref().and_then(|v| v.value.as_ref()))))
                    .collect(),
            });
        }
    }
    let response = ExportTraceServiceResponse::default().encode_to_vec();
    (axum::http::StatusCode::OK, [("content-type", "application/x-protobuf")], response)
}

fn text(value: Option<&AnyValue>) -> String {
    match value {
        Some(AnyValue::StringValue(s)) => s.clone(),
        Some(AnyValue::IntValue(i)) => i.to_string(),
        Some(AnyValue::BoolValue(b)) => b.to_string(),
        Some(AnyValue::DoubleValue(d)) => d.to_string(),
        _ => String::new(),
    }
}

fn of_trace(spans: &Spans, trace_id: &str) -> Vec<Received> {
    spans.lock().unwrap().iter().filter(|s| s.trace_id == trace_id).cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_one_trace_from_the_api_to_the_consumers() {
    if !nats_is_up() {
        return;
    }
    let Some(db) = TestDatabase::new(Backend::Postgres).await else { return };
    let (collector, spans) = receiver().await;
    let mut shop = Shop::new();
    for (key, value) in &mut shop.env {
        if key == "LINKEDALL_DATABASE_URL" {
            *value = db.url();
        }
    }
    // A PostgreSQL origin is a production one: it starts only with real secrets.
    shop.env.push(("LINKEDALL_SESSION_SECRET".into(), "traces-test-session-secret-0123456789abcdef".into()));
    shop.env.push(("LINKEDALL_PAYMENT_WEBHOOK_SECRET".into(), "traces-test-webhook-secret-4242".into()));
    shop.run(&["seed", "--products", "5"]);
    let exporting = |service: &str| {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", collector.clone()),
            ("OTEL_SERVICE_NAME", service.to_owned()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100".to_owned()),
        ]
    };
    // The edge runs here, exporting its spans from this process.
    let export = TraceExport {
        endpoint: format!("{collector}/v1/traces"),
        service: "linkedall-edge".into(),
        ratio: 1.0,
    };
    linkedall_telemetry::init_logs_with(LogFormat::Json, "linkedall-edge", "warn", Some(&export));
    let edge = EdgeServer::start(
        std::net::TcpListener::bind("127.0.0.1:0").unwrap(),
        EdgeDevConfig { origin_url: shop.url(""), workers: 1, ..EdgeDevConfig::default() },
    )
    .expect("the edge starts");
    // Sessions in the real Redis, under a prefix of this test's (the keys expire within minutes).
    let mut serving = exporting("origin-api");
    serving.push(("LINKEDALL_REDIS_URL", linkedall_origin::testing::redis_url()));
    serving.push(("LINKEDALL_REDIS_PREFIX", format!("traces-{}:", uuid::Uuid::new_v4().simple())));
    let api = shop.start_with("serve", &serving);
    let relay = shop.start_with("relay", &exporting("origin-relay"));
    let consumers = shop.start_with("consumers", &exporting("origin-consumers"));
    let http = reqwest::Client::new();
    until("the API is up", || async { http.get(shop.url("/healthz")).send().await.is_ok() }).await;

    let registered: Value = http
        .post(shop.url("/api/v1/auth/register"))
        .json(&json!({ "email": "chidi@example.com", "password": "a long enough password" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = registered["token"].as_str().expect("a session token").to_owned();
    let products: Value =
        http.get(shop.url("/api/v1/products?limit=1")).send().await.unwrap().json().await.unwrap();
    let product = products["items"][0]["id"].as_i64().expect("a seeded product");
    // Low on stock after this order, so the inventory consumer writes a follow-on event.
    linkedall_origin::testing::execute(
        &db.store,
        &format!("UPDATE products SET stock = 4 WHERE id = {product}"),
    )
    .await;

    // The shopper orders through the edge, which starts the trace.
    let placed = http
        .post(format!("http://{}/api/v1/orders", edge.local_addr()))
        .bearer_auth(&token)
        .header("idempotency-key", uuid::Uuid::new_v4().to_string())
        .json(&json!({ "items": [{ "product_id": product, "quantity": 1 }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(placed.status(), reqwest::StatusCode::CREATED, "{}", placed.text().await.unwrap());
    // The origin's answer, passed on by the edge, names the trace.
    let answered = placed.headers()["traceparent"].to_str().unwrap().to_owned();
    let trace_id = answered.split('-').nth(1).expect("a traceparent").to_owned();

    until("the consumers' handling of order.created and the follow-on publish are exported", || async {
        let trace = of_trace(&spans, &trace_id);
        trace.iter().any(|s| {
            s.kind == SpanKind::Consumer && s.attributes.get("kind").is_some_and(|k| k == "order.created")
        }) && trace.iter().any(|s| s.kind == SpanKind::Producer && s.name == "publish product.low_stock")
    })
    .await;
    edge.shutdown().await;
    tokio::task::spawn_blocking(linkedall_telemetry::flush_traces).await.unwrap();
    for role in [api, relay, consumers] {
        let name = role.name;
        let log = role.log();
        let status = role.terminate();
        assert!(status.success(), "{name} exited with {status}; log:\n{log}");
    }

    let trace = of_trace(&spans, &trace_id);
    let ids: HashSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
    let describe = || trace.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join("\n");

    // The edge's span is the root; the API request continues it.
    let edge_span = trace
        .iter()
        .find(|s| s.kind == SpanKind::Server && s.service == "linkedall-edge")
        .unwrap_or_else(|| panic!("no edge span:\n{}", describe()));
    assert_eq!(edge_span.parent_span_id, "", "the edge started the trace");
    let request = trace
        .iter()
        .find(|s| s.kind == SpanKind::Server && s.name == "POST /api/v1/orders")
        .unwrap_or_else(|| panic!("no API request span:\n{}", describe()));
    assert_eq!(request.parent_span_id, edge_span.span_id, "the request's parent is the edge's span");
    assert_eq!(request.service, "origin-api");
    assert_eq!(
        answered,
        format!("00-{trace_id}-{}-01", request.span_id),
        "the answer names the request's span"
    );

    // Its SQL statements, each a span of its own: the order, and its event's outbox row.
    let statements: Vec<&Received> =
        trace.iter().filter(|s| s.parent_span_id == request.span_id && s.kind == SpanKind::Client).collect();
    for statement in ["claim_idempotency_key", "place_order", "outbox_record"] {
        let span = statements
            .iter()
            .find(|s| s.name == statement)
            .unwrap_or_else(|| panic!("no {statement} span under the request:\n{}", describe()));
        assert_eq!(span.attributes.get("db.system.name").map(String::as_str), Some("postgresql"));
    }

    // The session it was signed in with, looked up in Redis.
    assert!(
        statements.iter().any(|s| s.attributes.get("db.system.name").is_some_and(|d| d == "redis")),
        "no Redis command under the request:\n{}",
        describe()
    );

    // The relay, in its own process, publishes the outbox row in the request's trace.
    let publish = trace
        .iter()
        .find(|s| s.kind == SpanKind::Producer && s.name == "publish order.created")
        .unwrap_or_else(|| panic!("no publish span:\n{}", describe()));
    assert_eq!(publish.service, "origin-relay");
    assert_eq!(publish.parent_span_id, request.span_id, "the outbox row carries the request's span");

    // The consumers, in a third process, handle it as children of the publish.
    let handled: Vec<&Received> = trace
        .iter()
        .filter(|s| {
            s.kind == SpanKind::Consumer && s.attributes.get("kind").is_some_and(|k| k == "order.created")
        })
        .collect();
    assert!(!handled.is_empty());
    for handling in &handled {
        assert_eq!(handling.service, "origin-consumers");
        assert_eq!(handling.parent_span_id, publish.span_id, "{handling:?}");
    }

    // The inventory consumer's follow-on event (the product is low on stock) goes on from the
    // span that handled order.created: its publish is that span's child.
    let follow_on = trace
        .iter()
        .find(|s| s.kind == SpanKind::Producer && s.name == "publish product.low_stock")
        .unwrap_or_else(|| panic!("no publish of the follow-on event:\n{}", describe()));
    let decided = handled
        .iter()
        .find(|h| h.span_id == follow_on.parent_span_id)
        .unwrap_or_else(|| panic!("the follow-on's parent is not a consumer's handling:\n{}", describe()));
    assert!(decided.name.starts_with("inventory"), "{decided:?}");

    // Every span but the edge's has its parent in the trace.
    for span in trace.iter().filter(|s| s.span_id != edge_span.span_id) {
        assert!(
            ids.contains(span.parent_span_id.as_str()),
            "{span:?}'s parent is not in the trace:\n{}",
            describe()
        );
    }
    let services: HashSet<&str> = trace.iter().map(|s| s.service.as_str()).collect();
    assert_eq!(services, HashSet::from(["linkedall-edge", "origin-api", "origin-relay", "origin-consumers"]));
}
