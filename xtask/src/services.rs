//! The real services the test suite uses, checked before anything is built so that a missing
//! one is reported in one clear line rather than as a hundred failing tests.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use anyhow::{Result, bail};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

pub fn redis_url() -> String {
    std::env::var("REDIS_URL").ok().filter(|u| u.starts_with("redis")).unwrap_or(DEFAULT_REDIS_URL.into())
}

pub const DEFAULT_NATS_URL: &str = "nats://127.0.0.1:4222";

pub fn nats_url() -> String {
    std::env::var("NATS_URL").ok().filter(|u| u.starts_with("nats")).unwrap_or(DEFAULT_NATS_URL.into())
}

pub fn postgres_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
        .unwrap_or(DEFAULT_POSTGRES_URL.into())
}

/// `host:port` of a `scheme://[user@]host[:port]/…` URL.
fn host_port(url: &str, default_port: u16) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(if host.contains(':') { host.to_owned() } else { format!("{host}:{default_port}") })
}

fn reachable(address: &str) -> bool {
    let addrs: Vec<SocketAddr> = address.to_socket_addrs().map(Iterator::collect).unwrap_or_default();
    addrs.iter().any(|a| TcpStream::connect_timeout(a, Duration::from_secs(2)).is_ok())
}

/// Fails when a required service is down in CI; warns (tests will skip) elsewhere.
pub fn check(ci: bool) -> Result<()> {
    check_one("PostgreSQL", "DATABASE_URL", &postgres_url(), 5432, ci)?;
    check_one("Redis", "REDIS_URL", &redis_url(), 6379, ci)?;
    check_one("NATS JetStream", "NATS_URL", &nats_url(), 4222, ci)
}

fn check_one(service: &str, variable: &str, url: &str, default_port: u16, ci: bool) -> Result<()> {
    let Some(address) = host_port(url, default_port) else { bail!("{variable} {url:?} is not a URL") };
    if reachable(&address) {
        eprintln!("{service} reachable at {address}");
    } else if ci {
        bail!(
            "{service} is not reachable at {address} and CI=true: start it (see README, 'Services') or set {variable}"
        );
    } else {
        eprintln!(
            "WARNING: {service} is not reachable at {address}; its tests will be SKIPPED (set CI=true to fail instead)"
        );
    }
    Ok(())
}

/// The `moto` S3 server's version the photo-store tests run (`TestS3` in the origin's
/// testing module names the same one).
pub const MOTO_VERSION: &str = "5.2.1";

/// Installs moto's S3 server (PyPI `moto[server]`) for the photo-store tests when
/// `python3 -m moto.server` is not there yet. Checking costs a python start (~0.3 s); a first
/// install downloads a few wheels (~20–40 s). Without python3 and pip this fails in CI and warns
/// elsewhere (those tests then skip).
pub fn ensure_moto(ci: bool) -> Result<()> {
    let has_moto = || {
        std::process::Command::new("python3")
            .args(["-c", "import moto.server"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if has_moto() {
        eprintln!("moto (S3 server for the photo-store tests) is installed");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let requirement = format!("moto[server]=={MOTO_VERSION}");
    eprintln!("installing {requirement} with pip (S3 server for the photo-store tests)");
    let installed = std::process::Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", &requirement])
        .status()
        .is_ok_and(|s| s.success());
    if installed && has_moto() {
        eprintln!("installed {requirement} in {:.1} s", started.elapsed().as_secs_f64());
        Ok(())
    } else if ci {
        bail!(
            "could not install {requirement} (python3 -m pip) and CI=true: the S3 photo-store tests need it"
        )
    } else {
        eprintln!("WARNING: could not install {requirement}; the S3 photo-store tests will be SKIPPED");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_and_port_come_out_of_database_urls() {
        assert_eq!(
            super::host_port("postgres://postgres@127.0.0.1:5432/test", 5432).unwrap(),
            "127.0.0.1:5432"
        );
        assert_eq!(
            super::host_port("postgres://u:p@db.internal/x?sslmode=disable", 5432).unwrap(),
            "db.internal:5432"
        );
        assert_eq!(super::host_port("redis://127.0.0.1:6379", 6379).unwrap(), "127.0.0.1:6379");
        assert_eq!(
            super::host_port("redis://:secret@cache.internal/0", 6379).unwrap(),
            "cache.internal:6379"
        );
        assert_eq!(super::host_port("nats://127.0.0.1:4222", 4222).unwrap(), "127.0.0.1:4222");
        assert_eq!(super::host_port("nats://bus.internal", 4222).unwrap(), "bus.internal:4222");
    }
}
