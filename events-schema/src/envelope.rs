//! The CloudEvents 1.0 envelope (JSON structured mode) every event travels in, with the W3C
//! `traceparent` extension so a consumer's logs join the trace of the request that caused it,
//! and the `sequence` extension (the outbox order) that projections use to keep the newest
//! state when deliveries arrive out of order.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Payload, SchemaError};

/// Who emits our events, as a URI reference.
pub const SOURCE: &str = "/linkedall/origin";
pub const SPEC_VERSION: &str = "1.0";
pub const CONTENT_TYPE: &str = "application/json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The outbox row's id: the bus deduplicates on it, consumers record it as processed.
    pub id: String,
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub specversion: String,
    /// RFC 3339, UTC: when the change was committed (the outbox row's creation).
    pub time: String,
    pub subject: String,
    pub datacontenttype: String,
    /// Where the payload's JSON Schema is served: `/api/v1/schemas/<type>/<version>`.
    pub dataschema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// The outbox sequence number, as CloudEvents' `sequence` extension (a string).
    pub sequence: String,
    /// Client address and country of the request that caused the change (extensions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clientip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub data: Value,
}

impl Envelope {
    /// The schema version this envelope's data follows, from its `dataschema`.
    pub fn schema_version(&self) -> u32 {
        self.dataschema.rsplit('/').next().and_then(|v| v.trim_start_matches('v').parse().ok()).unwrap_or(1)
    }

    pub fn sequence(&self) -> i64 {
        self.sequence.parse().unwrap_or(0)
    }

    /// The UTC minute of `time`, `YYYY-MM-DDTHH:MM`: analytics windows are keyed by it.
    pub fn minute(&self) -> String {
        self.time.chars().take(16).collect()
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(bytes: &[u8]) -> Result<Envelope, SchemaError> {
        let envelope: Envelope =
            serde_json::from_slice(bytes).map_err(|e| SchemaError::NotACloudEvent(e.to_string()))?;
        if envelope.specversion != SPEC_VERSION {
            return Err(SchemaError::NotACloudEvent(format!(
                "unsupported CloudEvents version {}",
                envelope.specversion
            )));
        }
        Ok(envelope)
    }

    /// The typed payload, upcast from an older schema version when needed.
    pub fn data_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, SchemaError> {
        let data = crate::catalogue::upcast(&self.kind, self.schema_version(), self.data.clone());
        serde_json::from_value(data).map_err(|e| SchemaError::DoesNotMatch {
            kind: self.kind.clone(),
            id: self.id.clone(),
            reason: e.to_string(),
        })
    }

    /// Whether this envelope carries an event of `P`'s kind (of any version).
    pub fn is<P: Payload>(&self) -> bool {
        self.kind == P::KIND
    }

    /// The payload as `P` when this envelope is of `P`'s kind; `None` for other kinds.
    pub fn payload<P: Payload>(&self) -> Option<Result<P, SchemaError>> {
        self.is::<P>().then(|| self.data_as::<P>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_are_cloudevents_with_a_traceparent() {
        let envelope = Envelope {
            id: "0b6f0a1e-0000-4000-8000-000000000001".into(),
            source: SOURCE.into(),
            kind: "order.created".into(),
            specversion: SPEC_VERSION.into(),
            time: "2026-11-25T10:31:07.123Z".into(),
            subject: "order/42".into(),
            datacontenttype: CONTENT_TYPE.into(),
            dataschema: "/api/v1/schemas/order.created/v1".into(),
            traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()),
            sequence: "7".into(),
            clientip: None,
            country: Some("NG".into()),
            data: serde_json::json!({"id": 42}),
        };
        let json: Value = serde_json::from_slice(&envelope.to_json()).unwrap();
        for attribute in
            ["id", "source", "type", "specversion", "time", "subject", "datacontenttype", "dataschema"]
        {
            assert!(json.get(attribute).is_some(), "{attribute} missing in {json}");
        }
        assert_eq!(json["type"], "order.created");
        assert_eq!(json["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assert!(json.get("clientip").is_none(), "absent extensions are left out");
        assert_eq!(Envelope::from_json(&envelope.to_json()).unwrap(), envelope);
        assert_eq!(envelope.minute(), "2026-11-25T10:31");
        assert_eq!(envelope.schema_version(), 1);
        let mut other = json.clone();
        other["specversion"] = "0.3".into();
        assert!(Envelope::from_json(other.to_string().as_bytes()).is_err());
    }
}
