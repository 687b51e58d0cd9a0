//! The crates' layers, checked: dependencies point one way (`shared` ← `events-schema` ←
//! `store` ← `events` ← `origin`), and the lower layers stay free of what belongs above them — the store
//! compiles without HTTP, Redis or the bus, the event schemas without I/O at all. Cargo already
//! refuses cycles between crates; this keeps a convenient dependency from creeping downwards.
//! And every SQL statement lives in the store: the events and the API name no `sqlx` outside
//! the origin's test support.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::workspace_root;

/// Crates a layer must not pull in, directly or through anything it depends on.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("linkedall-events-schema", &["tokio", "sqlx", "axum", "hyper", "redis", "async-nats", "reqwest"]),
    (
        "linkedall-store",
        &["axum", "hyper", "tower", "redis", "async-nats", "reqwest", "linkedall-events", "linkedall-origin"],
    ),
    ("linkedall-events", &["axum", "hyper", "tower", "redis", "reqwest", "linkedall-origin"]),
    ("linkedall-shared", &["tokio", "sqlx", "axum", "linkedall-events-schema", "linkedall-store"]),
    // Logs and metrics sit beside the layers: every process uses them, they know no shop data.
    (
        "linkedall-telemetry",
        &[
            "sqlx",
            "axum",
            "hyper",
            "linkedall-store",
            "linkedall-events",
            "linkedall-origin",
            "linkedall-edge",
        ],
    ),
];

/// Source folders that must hold no SQL, and the files among them allowed test-only SQL
/// (isolated schemas per test, promoting a test admin).
const NO_SQL: &[&str] = &["events/src", "origin/src"];
const TEST_SUPPORT: &[&str] = &["origin/src/testing.rs", "origin/src/test_client.rs"];

/// Every `sqlx::` outside the store (and the origin's test support), as `file:line`.
fn sql_outside_the_store() -> Result<Vec<String>> {
    let root = workspace_root();
    let mut found = Vec::new();
    let mut folders: Vec<std::path::PathBuf> = NO_SQL.iter().map(|f| root.join(f)).collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))? {
            let path = entry?.path();
            let relative = path.strip_prefix(&root).unwrap_or(&path).to_string_lossy().into_owned();
            if path.is_dir() {
                folders.push(path);
            } else if relative.ends_with(".rs") && !TEST_SUPPORT.contains(&relative.as_str()) {
                let text = std::fs::read_to_string(&path)?;
                for (n, line) in text.lines().enumerate() {
                    if line.contains("sqlx::") {
                        found.push(format!("{relative}:{}", n + 1));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// Fails naming every layer that depends on something above it, and SQL outside the store.
pub fn check() -> Result<()> {
    let mut problems: Vec<String> =
        sql_outside_the_store()?.into_iter().map(|at| format!("SQL outside the store at {at}")).collect();
    for (layer, forbidden) in FORBIDDEN {
        let output = Command::new("cargo")
            .args(["tree", "--offline", "-p", layer, "-e", "normal", "--prefix", "none", "--format", "{p}"])
            .current_dir(workspace_root())
            .output()
            .with_context(|| format!("running cargo tree for {layer}"))?;
        if !output.status.success() {
            bail!("cargo tree -p {layer} failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        let tree = String::from_utf8_lossy(&output.stdout);
        for dependency in *forbidden {
            let found = tree.lines().any(|line| line.split_whitespace().next() == Some(dependency));
            if found {
                problems.push(format!("{layer} depends on {dependency}"));
            }
        }
    }
    if !problems.is_empty() {
        bail!("layers out of order:\n{}", problems.join("\n"));
    }
    eprintln!("layers: {} crates checked, dependencies point one way", FORBIDDEN.len());
    Ok(())
}
