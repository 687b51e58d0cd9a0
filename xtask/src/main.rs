//! `cargo xtask <task>`: the project's own scripts, in Rust so they run wherever cargo does.
//!
//! - `cargo xtask test`: everything CI checks — formatting, clippy with `-D warnings`, and every
//!   test (unit, the storage suite on SQLite and PostgreSQL, the origin API tests and the
//!   end-to-end tests through the edge). With `CI=true` an unreachable PostgreSQL is a failure.
//!   It installs moto's S3 server from PyPI when missing, for the photo-store tests.
//!   It also installs the wasm toolchain when missing, builds the Cloudflare worker and the Spin
//!   component, and runs the edge conformance suite on all three hosts. Last, the shopper's
//!   journey, Lighthouse and axe-core in headless Chromium (`tests/journey/`; Debian's `chromium`
//!   is installed if missing), and Prometheus scraping the demo stack while every Grafana
//!   dashboard query is checked (`tests/ops/`).
//!   After clippy, the operators' checks (`cargo xtask ops`) and the delivery checks
//!   (`cargo xtask deliver`).
//! - `cargo xtask ops`: checks `ops/` with promtool and amtool (installed from Debian when
//!   missing): scrape configuration, recording and alert rules, the alerts' unit tests, routes.
//! - `cargo xtask deliver`: validates the workflows, Kubernetes overlays, compose file and new
//!   PostgreSQL migrations offline (see `deliver.rs`).
//! - `cargo xtask image`: builds the origin and edge container images with podman (`image.rs`);
//!   not part of `test`.
//! - `cargo xtask toolchain`: installs the wasm toolchain only (see `toolchain.rs`).
//! - `cargo xtask wasm [worker|spin|all]`: builds the wasm artifacts and prints their sizes.
//! - `cargo xtask bench seed [--products N]`: times seeding N products into PostgreSQL.

mod debian;
mod deliver;
mod image;
mod layers;
mod ops;
mod services;
mod toolchain;
mod wasm;

use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["test", rest @ ..] => test(rest),
        ["bench", "seed", rest @ ..] => bench_seed(rest),
        ["deliver"] => deliver::check(),
        ["layers"] => layers::check(),
        ["image"] => image::build(),
        ["toolchain"] => toolchain::ensure_toolchain().map(drop),
        ["ops"] => ops::check(),
        ["wasm", rest @ ..] => wasm::cli(rest),
        _ => {
            eprintln!(
                "usage:\n  cargo xtask test                       run every check CI runs\n  \
                 cargo xtask ops                        check Prometheus and Alertmanager config\n  \
                 cargo xtask deliver                    validate workflows, k8s, compose, migrations\n  \
                 cargo xtask image                      build the origin and edge images with podman\n  \
                 cargo xtask toolchain                  install the wasm toolchain\n  \
                 cargo xtask wasm [worker|spin|all]     build the wasm edge hosts\n  \
                 cargo xtask bench seed [--products N]  time seeding N products into PostgreSQL"
            );
            bail!("unknown task {:?}", args)
        }
    }
}

/// Runs a command from the workspace root, echoing it, failing on a non-zero exit.
fn run(program: &str, args: &[&str]) -> Result<()> {
    let started = Instant::now();
    eprintln!("\n==> {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(workspace_root())
        .status()
        .with_context(|| format!("could not start {program}"))?;
    eprintln!("<== {program} {} ({:.1} s)", args.first().unwrap_or(&""), started.elapsed().as_secs_f64());
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn test(extra: &[&str]) -> Result<()> {
    let started = Instant::now();
    services::check(in_ci())?;
    services::ensure_moto(in_ci())?;
    run("cargo", &["fmt", "--all", "--check"])?;
    for adapter in ["edge/cloudflare/Cargo.toml", "edge/spin/Cargo.toml"] {
        run("cargo", &["fmt", "--check", "--manifest-path", adapter])?;
    }
    run("cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    layers::check()?;
    // Prometheus rules and their unit tests, Alertmanager's routes (Debian's tools).
    ops::check()?;
    deliver::check()?;
    // The wasm hosts: toolchain (installed once into ~/.cache/linkedall), both artifacts, the
    // worker's own checks (bundle size limit, `wrangler deploy --dry-run`); the conformance
    // suite in `cargo test` then runs them in workerd and under jco.
    let toolchain = toolchain::ensure_toolchain()?;
    wasm::build_worker(&toolchain)?;
    wasm::build_spin(&toolchain)?;
    run("node", &["--test", "--test-timeout=180000", "tests/hosts/"])?;
    let mut args = vec!["test", "--workspace", "--all-targets"];
    args.extend_from_slice(extra);
    run("cargo", &args)?;
    run("cargo", &["test", "--workspace", "--doc"])?;
    // The shopper's journey, Lighthouse and axe-core in headless Chromium, against the demo
    // binary `cargo test` built (reports and screenshots in target/quality/).
    ensure_chromium()?;
    run("node", &["--test", "--test-timeout=180000", "tests/journey/"])?;
    // A real Prometheus scraping the demo stack under load: every dashboard query has data.
    run("node", &["--test", "--test-timeout=180000", "tests/ops/"])?;
    eprintln!("\nall checks passed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Debian's Chromium for the browser journeys (`tests/journey/`), installed once when missing
/// (playwright-core drives it; its own browser downloads are never used), and `sqlite3`, with
/// which the admin journey makes its account an admin in the demo stack's database.
fn ensure_chromium() -> Result<()> {
    debian::ensure(&["sqlite3"])?;
    if std::path::Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    debian::install(&["chromium"])
}

fn bench_seed(rest: &[&str]) -> Result<()> {
    let products = match rest {
        [] => "1000000",
        ["--products", n] => n,
        _ => bail!("usage: cargo xtask bench seed [--products N]"),
    };
    let url = services::postgres_url();
    run("cargo", &["build", "--release", "-p", "linkedall-origin"])?;
    let binary = workspace_root().join("target/release/linkedall-origin");
    let started = Instant::now();
    let status = Command::new(binary)
        .args(["--database-url", &url, "--log-format", "pretty", "seed", "--reset", "--products", products])
        .status()?;
    if !status.success() {
        bail!("seeding failed with {status}");
    }
    println!(
        "seeded {products} products into {url} in {:.1} s (wall clock, process start to exit)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
