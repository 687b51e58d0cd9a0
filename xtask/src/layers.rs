//! The crates' layers, checked: dependencies point one way (`shared` ← `events-schema` ←
//! `store` ← `events` ← `origin`), and the lower layers stay free of what belongs above them — the store
//! compiles without HTTP, Redis or the bus, the event schemas without I/O at all. Cargo already
//! refuses cycles between crates; this keeps a convenient dependency from creeping downwards.

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

/// Fails naming every layer that depends on something above it.
pub fn check() -> Result<()> {
    let mut problems = Vec::new();
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
