//! Debian's packages the checks run (Chromium, Prometheus, podman, shellcheck…), installed with
//! `apt-get` the first time a check needs one: a clean machine has none of them, and no tool
//! downloads its own binaries here.

use std::process::Command;

use anyhow::Result;

use crate::run;

/// Installs the packages whose command (same name as the package) is missing; `apt-get
/// update` only when a first install attempt fails (a machine whose lists are stale).
pub fn ensure(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|command| !on_path(command)).collect();
    install(&missing)
}

/// Installs `packages` as they are named (their commands differ from their names).
pub fn install(packages: &[&str]) -> Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(packages);
    if run("apt-get", &args).is_err() {
        run("apt-get", &["update"])?;
        run("apt-get", &args)?;
    }
    Ok(())
}

fn on_path(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
