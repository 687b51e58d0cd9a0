//! The schema registry: a JSON Schema for every event type and version, generated from the
//! [`catalogue`](crate::catalogue)'s Rust types and committed under `events-schema/schemas/<type>/v<n>.json`.
//!
//! `events-schema/tests/schemas.rs` regenerates them: a compatible change (a new optional field) is
//! written back for the commit; a breaking one — a required field removed, renamed or retyped,
//! or a new required field that old events lack — fails until the type gets a new version.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use crate::catalogue::{CATALOGUE, current_version};

/// One schema as `GET /api/v1/schemas` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaEntry {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub version: u32,
    pub current: bool,
    pub about: &'static str,
    /// Where the schema itself is served (the envelopes' `dataschema`).
    pub url: String,
}

pub fn list() -> Vec<SchemaEntry> {
    CATALOGUE
        .iter()
        .map(|t| SchemaEntry {
            kind: t.kind,
            version: t.version,
            current: t.version == current_version(t.kind),
            about: t.about,
            url: format!("/api/v1/schemas/{}/v{}", t.kind, t.version),
        })
        .collect()
}

/// The schema of `kind` at `version`, as JSON.
pub fn schema(kind: &str, version: u32) -> Option<Value> {
    let event_type = crate::catalogue::find(kind, version)?;
    let mut schema = (event_type.schema)().to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert("$id".into(), Value::from(format!("/api/v1/schemas/{kind}/v{version}")));
    }
    Some(schema)
}

/// Where the committed schemas live.
pub fn committed_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

pub fn committed_path(kind: &str, version: u32) -> PathBuf {
    committed_dir().join(kind).join(format!("v{version}.json"))
}

/// What in `new` breaks a reader of events written under `old` (empty: compatible).
pub fn breaking_changes(old: &Value, new: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    compare(old, new, old, new, "", &mut problems);
    problems
}

fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |r| r.iter().filter_map(Value::as_str).collect())
}

/// Follows a local `$ref` (`#/$defs/Amount`) within `root`.
fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/")) {
        Some(path) => path.split('/').try_fold(root, |at, key| at.get(key)).unwrap_or(schema),
        None => schema,
    }
}

/// The JSON types a schema allows, sorted (`["integer", "null"]`).
fn types(schema: &Value) -> Vec<String> {
    let mut types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    types.sort();
    types
}

fn compare(
    old: &Value,
    new: &Value,
    old_root: &Value,
    new_root: &Value,
    path: &str,
    problems: &mut Vec<String>,
) {
    let (old, new) = (resolve(old, old_root), resolve(new, new_root));
    let (old_types, new_types) = (types(old), types(new));
    if !old_types.is_empty() && old_types != new_types {
        problems.push(format!("{path}: type changed from {old_types:?} to {new_types:?}"));
        return;
    }
    let (old_required, new_required) = (required(old), required(new));
    for field in &old_required {
        if new.get("properties").is_none_or(|p| p.get(field).is_none()) {
            problems.push(format!("{path}/{field}: required field removed or renamed"));
        }
    }
    for field in &new_required {
        if !old_required.contains(field) {
            problems.push(format!("{path}/{field}: new required field, absent from existing events"));
        }
    }
    if let (Some(old_props), Some(new_props)) = (old.get("properties"), new.get("properties"))
        && let Some(old_props) = old_props.as_object()
    {
        for (field, old_field) in old_props {
            if let Some(new_field) = new_props.get(field) {
                compare(old_field, new_field, old_root, new_root, &format!("{path}/{field}"), problems);
            }
        }
    }
    if let (Some(old_items), Some(new_items)) = (old.get("items"), new.get("items")) {
        compare(old_items, new_items, old_root, new_root, &format!("{path}[]"), problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn order(properties: Value, required: &[&str]) -> Value {
        json!({ "type": "object", "properties": properties, "required": required })
    }

    #[test]
    fn removing_renaming_or_retyping_a_required_field_breaks_readers() {
        let old = order(
            json!({ "order_id": { "type": "integer" }, "note": { "type": ["string", "null"] } }),
            &["order_id"],
        );
        let optional_added = order(
            json!({ "order_id": { "type": "integer" }, "note": { "type": ["string", "null"] }, "tip": { "type": "integer" } }),
            &["order_id"],
        );
        assert!(breaking_changes(&old, &optional_added).is_empty());
        let renamed = order(json!({ "id": { "type": "integer" } }), &["id"]);
        let problems = breaking_changes(&old, &renamed);
        assert!(problems.iter().any(|p| p.contains("/order_id: required field removed")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("/id: new required field")), "{problems:?}");
        let retyped = order(json!({ "order_id": { "type": "string" } }), &["order_id"]);
        assert!(breaking_changes(&old, &retyped)[0].contains("type changed"));
    }

    #[test]
    fn nested_types_are_compared_through_their_definitions() {
        let old = json!({ "type": "object", "properties": { "total": { "$ref": "#/$defs/Amount" } }, "required": ["total"],
            "$defs": { "Amount": { "type": "object", "properties": { "minor": { "type": "integer" } }, "required": ["minor"] } } });
        let new = json!({ "type": "object", "properties": { "total": { "$ref": "#/$defs/Amount" } }, "required": ["total"],
            "$defs": { "Amount": { "type": "object", "properties": { "minor": { "type": "number" } }, "required": ["minor"] } } });
        assert_eq!(breaking_changes(&old, &old), Vec::<String>::new());
        assert!(
            breaking_changes(&old, &new)[0].starts_with("/total/minor"),
            "{:?}",
            breaking_changes(&old, &new)
        );
    }

    #[test]
    fn every_catalogued_version_has_a_schema_listed() {
        let listed = list();
        assert_eq!(listed.len(), CATALOGUE.len());
        assert!(listed.iter().any(|s| s.kind == "user.created" && s.version == 1 && !s.current));
        assert!(schema("order.created", 1).unwrap()["properties"]["parts"].is_object());
    }
}
