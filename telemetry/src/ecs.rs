//! Where a `tracing` field goes in an Elastic Common Schema document. The shop's fields keep
//! the names they have in code (`request_id`, `status`, `latency_ms`); this table is the one
//! place that says which ECS field each one is. A field ECS has no name for is kept under
//! `linkedall.`, and a field whose name says it holds a secret is never written.

use serde_json::{Map, Value};

/// The ECS version the documents follow (`ecs.version`).
pub const ECS_VERSION: &str = "8.11.0";

/// Puts the field `name` with `value` into `doc`, under its ECS name.
pub fn place(doc: &mut Map<String, Value>, name: &str, value: Value) {
    if is_secret(name) {
        doc.insert(format!("linkedall.{name}"), Value::String("[redacted]".into()));
        return;
    }
    match name {
        "message" => put(doc, "message", value),
        "traceparent" => {
            if let Some((trace, span)) = value.as_str().and_then(parse_traceparent) {
                put(doc, "trace.id", Value::String(trace.into()));
                put(doc, "span.id", Value::String(span.into()));
            }
        }
        "latency_ms" => {
            // ECS durations are nanoseconds.
            if let Some(ms) = value.as_f64() {
                put(doc, "event.duration", Value::from((ms * 1_000_000.0).round() as u64));
            }
        }
        _ => match ecs_name(name) {
            Some(ecs) => put(doc, ecs, value),
            None => put(doc, &format!("linkedall.{name}"), value),
        },
    }
}

/// The ECS name of a field the shop's code uses, if ECS has one.
fn ecs_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "request_id" => "http.request.id",
        "trace_id" => "trace.id",
        "span_id" => "span.id",
        "method" => "http.request.method",
        "path" => "url.path",
        "status" => "http.response.status_code",
        "error" => "error.message",
        "client_ip" => "client.ip",
        "user_id" => "user.id",
        "country" => "client.geo.country_iso_code",
        "host" => "host.name",
        "action" => "event.action",
        "outcome" => "event.outcome",
        "reason" => "event.reason",
        _ => return None,
    })
}

/// Names that only a secret would have. Belt and braces: no code logs these on purpose.
fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("card_number")
        || name.split('_').any(|word| {
            matches!(word, "password" | "secret" | "token" | "tokens" | "authorization" | "cookie" | "pan")
        })
}

fn put(doc: &mut Map<String, Value>, key: &str, value: Value) {
    doc.insert(key.to_owned(), value);
}

/// `00-<trace id>-<span id>-<flags>` → (trace id, span id).
fn parse_traceparent(header: &str) -> Option<(&str, &str)> {
    let mut parts = header.split('-');
    let (_version, trace, span) = (parts.next()?, parts.next()?, parts.next()?);
    (trace.len() == 32 && span.len() == 16).then_some((trace, span))
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::place;

    fn placed(fields: &[(&str, Value)]) -> Map<String, Value> {
        let mut doc = Map::new();
        for (name, value) in fields {
            place(&mut doc, name, value.clone());
        }
        doc
    }

    #[test]
    fn the_shops_fields_take_their_ecs_names() {
        let doc = placed(&[
            ("request_id", json!("edge-1")),
            ("method", json!("GET")),
            ("path", json!("/p/7")),
            ("status", json!(200)),
            ("latency_ms", json!(1.5)),
            ("traceparent", json!("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")),
        ]);
        assert_eq!(doc["http.request.id"], "edge-1");
        assert_eq!(doc["http.request.method"], "GET");
        assert_eq!(doc["url.path"], "/p/7");
        assert_eq!(doc["http.response.status_code"], 200);
        assert_eq!(doc["event.duration"], 1_500_000);
        assert_eq!(doc["trace.id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(doc["span.id"], "00f067aa0ba902b7");
    }

    #[test]
    fn fields_ecs_does_not_name_are_kept_under_the_shops_prefix() {
        let doc = placed(&[("cache_status", json!("hit"))]);
        assert_eq!(doc["linkedall.cache_status"], "hit");
    }

    #[test]
    fn a_field_named_like_a_secret_is_never_written() {
        let doc = placed(&[
            ("password", json!("hunter2")),
            ("session_token", json!("abc")),
            ("webhook_secret", json!("s3cret")),
        ]);
        let text = serde_json::to_string(&doc).unwrap();
        for secret in ["hunter2", "abc", "s3cret"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert_eq!(doc["linkedall.password"], "[redacted]");
        let span = placed(&[("span_id", json!("00f067aa0ba902b7"))]);
        assert_eq!(span["span.id"], "00f067aa0ba902b7", "a span id is not mistaken for a secret");
    }
}
