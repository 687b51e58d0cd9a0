//! The committed event schemas (`events-schema/schemas/<type>/v<n>.json`) against the ones generated
//! from the Rust types now. A compatible change is written back (commit it); a breaking one
//! fails until the type gets a new version. A missing file is written, so a new type or
//! version is added by running this test once.

use linkedall_events_schema::catalogue::CATALOGUE;
use linkedall_events_schema::registry::{breaking_changes, committed_path, schema};
use serde_json::Value;

#[test]
fn committed_schemas_change_only_compatibly_within_a_version() {
    let mut broken = Vec::new();
    for event_type in CATALOGUE {
        let generated = schema(event_type.kind, event_type.version).expect("catalogued");
        let path = committed_path(event_type.kind, event_type.version);
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        match std::fs::read_to_string(&path) {
            Err(_) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, text).unwrap();
            }
            Ok(committed) => {
                let committed: Value = serde_json::from_str(&committed).expect("committed schemas are JSON");
                let problems = breaking_changes(&committed, &generated);
                if !problems.is_empty() {
                    broken.push(format!(
                        "{} v{}: {}; keep this version's type and add version {}",
                        event_type.kind,
                        event_type.version,
                        problems.join(", "),
                        event_type.version + 1
                    ));
                } else if committed != generated {
                    std::fs::write(&path, text).unwrap();
                }
            }
        }
    }
    assert!(broken.is_empty(), "incompatible schema changes:\n{}", broken.join("\n"));
}
