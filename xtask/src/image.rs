//! `cargo xtask image`: builds the origin and edge images from the `Dockerfile` with podman, on a
//! machine that reaches Debian's mirror and crates.io but no public image registry.
//!
//! The base images are made locally, once: a Debian bookworm root filesystem by `mmdebstrap`,
//! imported as `localhost/debian:bookworm`, and a Rust builder on top of it
//! (`deploy/image/rust-builder.Containerfile`, Debian's rustc-web) as
//! `localhost/linkedall-rust:bookworm`. Both are passed to the Dockerfile as build arguments.
//! Podman runs with the vfs storage driver, chroot isolation and the host network, which work
//! inside the containers these machines are (see ARCHITECTURE.md). Not part of `cargo xtask test`:
//! a release build inside the builder takes minutes.

use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::run;

const BASE: &str = "localhost/debian:bookworm";
const BUILDER: &str = "localhost/linkedall-rust:bookworm";
const IMAGES: &[(&str, &str)] =
    &[("origin", "localhost/linkedall-origin:dev"), ("edge", "localhost/linkedall-edge:dev")];

/// Builds both images, making the base images first when they are missing, and prints sizes.
pub fn build() -> Result<()> {
    let started = Instant::now();
    crate::debian::ensure(&["podman", "buildah", "runc", "mmdebstrap"])?;
    let conf = containers_conf()?;
    if !image_exists(&conf, BASE) {
        let tar = cache_dir().join("debian-bookworm.tar");
        let tar = tar.to_str().unwrap_or("/tmp/debian-bookworm.tar").to_owned();
        let mirror = std::env::var("LINKEDALL_DEBIAN_MIRROR").unwrap_or("http://deb.debian.org".into());
        let main = format!("deb {mirror}/debian bookworm main");
        let security = format!("deb {mirror}/debian-security bookworm-security main");
        run("mmdebstrap", &["--variant=apt", "bookworm", &tar, &main, &security])?;
        podman(&conf, &["import", &tar, BASE])?;
    }
    if !image_exists(&conf, BUILDER) {
        podman(
            &conf,
            &[
                "build",
                "--isolation",
                "chroot",
                "--network",
                "host",
                "--build-arg",
                &format!("BASE={BASE}"),
                "-f",
                "deploy/image/rust-builder.Containerfile",
                "-t",
                BUILDER,
                "deploy/image",
            ],
        )?;
    }
    // A TLS-inspecting proxy's CA (SSL_CERT_FILE on these machines) must reach cargo in the build.
    let ca = std::env::var("SSL_CERT_FILE").ok().filter(|f| std::path::Path::new(f).is_file());
    for (target, tag) in IMAGES {
        let built = Instant::now();
        let mut args: Vec<String> =
            ["build", "--format", "docker", "--isolation", "chroot", "--network", "host"]
                .map(String::from)
                .to_vec();
        if let Some(file) = &ca {
            args.extend([
                "--volume".into(),
                format!("{file}:/run/linkedall-ca.crt:ro"),
                "--build-arg".into(),
                "EXTRA_CA_CERT=/run/linkedall-ca.crt".into(),
            ]);
        }
        args.extend([
            "--target".into(),
            (*target).into(),
            "--build-arg".into(),
            format!("BUILDER={BUILDER}"),
            "--build-arg".into(),
            format!("RUNTIME={BASE}"),
            "-t".into(),
            (*tag).into(),
            ".".into(),
        ]);
        podman(&conf, &args.iter().map(String::as_str).collect::<Vec<_>>())?;
        eprintln!("built {tag} in {:.0} s", built.elapsed().as_secs_f64());
    }
    for (_, tag) in IMAGES {
        let size = Command::new("podman")
            .args(["--storage-driver", "vfs", "image", "inspect", "--format", "{{.Size}}", tag])
            .env("CONTAINERS_CONF", &conf)
            .output()?;
        let bytes: f64 = String::from_utf8_lossy(&size.stdout).trim().parse().unwrap_or(0.0);
        println!("{tag}: {:.1} MB uncompressed", bytes / 1e6);
    }
    eprintln!("images built in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn podman(conf: &str, args: &[&str]) -> Result<()> {
    let mut all = vec!["--storage-driver", "vfs"];
    all.extend_from_slice(args);
    let status = Command::new("podman")
        .args(&all)
        .env("CONTAINERS_CONF", conf)
        .current_dir(crate::workspace_root())
        .status()?;
    if !status.success() {
        bail!("`podman {}` failed with {status}", all.join(" "));
    }
    Ok(())
}

fn image_exists(conf: &str, image: &str) -> bool {
    Command::new("podman")
        .args(["--storage-driver", "vfs", "image", "exists", image])
        .env("CONTAINERS_CONF", conf)
        .status()
        .is_ok_and(|s| s.success())
}

/// crun refuses to set rlimits inside these machines' containers: no default ulimits.
fn containers_conf() -> Result<String> {
    let path = cache_dir().join("containers.conf");
    std::fs::create_dir_all(cache_dir())?;
    std::fs::write(
        &path,
        "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\n",
    )?;
    Ok(path.to_string_lossy().into_owned())
}

fn cache_dir() -> std::path::PathBuf {
    let home = std::env::var("HOME").unwrap_or("/tmp".into());
    std::path::Path::new(&home).join(".cache/linkedall/image")
}
