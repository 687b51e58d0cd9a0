//! The operators' configuration checked with the real tools: Prometheus's `promtool` (the
//! scrape configuration, recording and alert rules, and the alerts' unit tests) and
//! Alertmanager's `amtool` (the configuration, and where each severity is routed).
//!
//! Debian's `prometheus` and `prometheus-alertmanager` packages are installed when missing,
//! like Chromium for the browser journey. Their services are not needed: only the tools run.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{run, workspace_root};

/// Every check of `ops/`, failing on the first that does not pass.
pub fn check() -> Result<()> {
    ensure_tools()?;
    let root = workspace_root();
    // The scrape configuration names token files that a deployment mounts as secrets;
    // promtool checks they exist, so it is checked in a copy with stand-in tokens.
    let copy = std::env::temp_dir().join(format!("linkedall-prometheus-{}", std::process::id()));
    copy_dir(&root.join("ops/prometheus"), &copy)?;
    std::fs::create_dir_all(copy.join("secrets"))?;
    for token in ["metrics-token", "workers-metrics-token", "spin-metrics-token"] {
        std::fs::write(copy.join("secrets").join(token), "stand-in")?;
    }
    let config = copy.join("prometheus.yml");
    let checked = run("promtool", &["check", "config", config.to_str().context("temp path is UTF-8")?]);
    std::fs::remove_dir_all(&copy).ok();
    checked?;
    run(
        "promtool",
        &["check", "rules", "ops/prometheus/rules/recording.yml", "ops/prometheus/rules/alerts.yml"],
    )?;
    run(
        "promtool",
        &["test", "rules", "ops/prometheus/tests/alerts_test.yml", "ops/prometheus/tests/slow_burn_test.yml"],
    )?;
    let alertmanager = "ops/alertmanager/alertmanager.yml";
    run("amtool", &["check-config", alertmanager])?;
    for (labels, receivers) in [
        (&["severity=critical", "alertname=OriginRegionDown"][..], "on-call,team-email"),
        (&["severity=warning", "alertname=EventDeadLettered"][..], "team-email"),
    ] {
        let mut args = vec!["config", "routes", "test", "--config.file", alertmanager];
        let verify = format!("--verify.receivers={receivers}");
        args.push(&verify);
        args.extend_from_slice(labels);
        run("amtool", &args)?;
    }
    Ok(())
}

fn ensure_tools() -> Result<()> {
    if Path::new("/usr/bin/promtool").exists() && Path::new("/usr/bin/amtool").exists() {
        return Ok(());
    }
    crate::debian::install(&["prometheus", "prometheus-alertmanager"])?;
    // On a machine with an init system the packages start their daemons; the checks need
    // only the tools, and a running Prometheus would hold ports the stack tests use.
    for service in ["prometheus", "prometheus-alertmanager"] {
        let _ = Command::new("service").args([service, "stop"]).output();
    }
    if !Path::new("/usr/bin/promtool").exists() {
        bail!("promtool is still missing after installing Debian's prometheus package");
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
