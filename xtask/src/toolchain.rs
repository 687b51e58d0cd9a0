//! Installs what building and running the wasm edge hosts needs — once — and finds it again.
//!
//! `ensure_toolchain()` is idempotent: every step first checks whether its result is already
//! there (keyed by version under `~/.cache/linkedall/`, or `$LINKEDALL_CACHE_DIR`) and only
//! installs what is missing. The steps:
//!
//! 1. **Rust for wasm32-unknown-unknown and wasm32-wasip2.** `rustup target add` where rustup
//!    can download targets. Where it cannot, Debian's `rustc-web` toolchain (the recipe in the
//!    team's ARCHITECTURE notes): `apt-get download` its packages, unpack them into the cache,
//!    point `rust-lld` at Debian's `lld`, and build the wasm standard library once with
//!    `-Zbuild-std` into that unpacked sysroot — after which plain `cargo build --target …`
//!    works and no later build pays for std again. `LINKEDALL_WASM_RUST=debian|rustup` forces
//!    one way.
//! 2. **wasm-bindgen-cli** at exactly the `wasm-bindgen` version in edge/cloudflare/Cargo.lock
//!    (the CLI and the library must match), `cargo install`ed into the cache.
//! 3. **npm packages** pinned by package-lock.json (wrangler, miniflare/workerd, binaryen's
//!    wasm-opt, jco): `npm ci` when node_modules does not match the lockfile.
//!
//! No WASI runtime is installed: the Spin component runs under `jco serve` (npm), because no
//! Spin CLI is published on the registries we reach, and `wasmtime serve` cannot provide
//! Spin's key-value interface (and takes ~22 min to compile).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The wasm targets the edge adapters build for.
pub const WASM_TARGETS: [&str; 2] = ["wasm32-unknown-unknown", "wasm32-wasip2"];

/// Debian packages unpacked into the cache for the `rustc-web` toolchain; the versioned std
/// package name (`libstd-rust-web-1.NN`) is added from the candidate version.
const DEBIAN_RUST_PACKAGES: [&str; 5] =
    ["rustc-web", "cargo-web", "libstd-rust-web-dev", "rust-web-src", "rust-web-llvm"];
/// Debian packages installed system-wide: the linker for wasm32-unknown-unknown, the C library
/// wasm32-wasip2's std links against, and the shared libraries cargo-web's binary loads.
const DEBIAN_SYSTEM_PACKAGES: [&str; 6] =
    ["libllvm22", "lld-22", "wasi-libc", "libgit2-1.5", "libssh2-1", "libcurl4"];
const DEBIAN_LLD: &str = "/usr/lib/llvm-22/bin/lld";
const DEBIAN_WASI_LIBC: &str = "/usr/lib/wasm32-wasi";

/// How long `rustup target add` may take before we assume it cannot reach its server.
const RUSTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// Where the wasm-capable Rust compiler comes from.
#[derive(Debug, Clone)]
pub enum WasmRust {
    /// The rustup toolchain that runs xtask, with the wasm targets added.
    Rustup,
    /// Debian's `rustc-web` unpacked under `root` (its `usr/bin/cargo`, `usr/bin/rustc`), with
    /// the wasm std built into its sysroot.
    Debian { root: PathBuf },
}

/// Everything the wasm builds and the host launchers need, found or installed.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub rust: WasmRust,
    /// The `wasm-bindgen` binary matching edge/cloudflare's Cargo.lock.
    pub wasm_bindgen: PathBuf,
    /// `node_modules/.bin` of the repository (wrangler, wasm-opt, jco).
    pub node_bin: PathBuf,
}

impl Toolchain {
    /// A `cargo` command that builds for `target` with this toolchain. The caller adds the
    /// subcommand and arguments.
    pub fn cargo(&self, target: &str) -> Command {
        match &self.rust {
            WasmRust::Rustup => Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())),
            WasmRust::Debian { root } => {
                let mut cmd = Command::new(root.join("usr/bin/cargo"));
                debian_env(&mut cmd, root);
                if target == "wasm32-wasip2" {
                    cmd.env("CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS", format!("-L native={DEBIAN_WASI_LIBC}"));
                }
                cmd
            }
        }
    }

    /// An npm-installed tool from `node_modules/.bin`.
    pub fn node_tool(&self, name: &str) -> PathBuf {
        self.node_bin.join(name)
    }
}

/// Finds or installs everything; prints each step with its duration.
pub fn ensure_toolchain() -> Result<Toolchain> {
    let started = Instant::now();
    let cache = cache_dir()?;
    std::fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let rust = step("Rust with wasm targets", || ensure_wasm_rust(&cache))?;
    let wasm_bindgen = step("wasm-bindgen-cli", || ensure_wasm_bindgen(&cache))?;
    let node_bin = step("npm packages (npm ci)", ensure_npm_packages)?;
    eprintln!("toolchain ready in {:.1} s (cache: {})", started.elapsed().as_secs_f64(), cache.display());
    Ok(Toolchain { rust, wasm_bindgen, node_bin })
}

fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let started = Instant::now();
    eprintln!("==> toolchain: {name}");
    let result = f().with_context(|| format!("toolchain step `{name}` failed"));
    eprintln!("<== toolchain: {name} ({:.1} s)", started.elapsed().as_secs_f64());
    result
}

/// `$LINKEDALL_CACHE_DIR`, else `$XDG_CACHE_HOME/linkedall`, else `~/.cache/linkedall`.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("LINKEDALL_CACHE_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Ok(PathBuf::from(dir).join("linkedall"));
    }
    let home = std::env::var_os("HOME").context("HOME is not set; set LINKEDALL_CACHE_DIR")?;
    Ok(PathBuf::from(home).join(".cache/linkedall"))
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

// ---- 1. Rust ---------------------------------------------------------------------------

fn ensure_wasm_rust(cache: &Path) -> Result<WasmRust> {
    match std::env::var("LINKEDALL_WASM_RUST").as_deref() {
        Ok("rustup") => ensure_rustup_targets().map(|()| WasmRust::Rustup),
        Ok("debian") => ensure_debian_rust(cache),
        Ok(other) if !other.is_empty() => {
            bail!("LINKEDALL_WASM_RUST must be `rustup` or `debian`, not `{other}`")
        }
        _ => match ensure_rustup_targets() {
            Ok(()) => Ok(WasmRust::Rustup),
            Err(error) => {
                eprintln!("rustup cannot provide the wasm targets ({error:#}); using Debian's rustc-web");
                ensure_debian_rust(cache)
            }
        },
    }
}

fn ensure_rustup_targets() -> Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .context("rustup is not installed")?;
    let missing: Vec<&str> =
        WASM_TARGETS.into_iter().filter(|t| !installed.lines().any(|l| l.trim() == *t)).collect();
    if missing.is_empty() {
        eprintln!("rustup already has {}", WASM_TARGETS.join(", "));
        return Ok(());
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add"]).args(&missing);
    run_with_timeout(&mut cmd, RUSTUP_TIMEOUT)
}

/// Debian's rustc-web, unpacked into `<cache>/rust-web/<version>/` with a wasm std in its
/// sysroot. A `.complete` marker makes the whole step a no-op next time.
fn ensure_debian_rust(cache: &Path) -> Result<WasmRust> {
    ensure_debian_system_packages()?;
    let version = debian_candidate_version("rustc-web")?;
    let root = cache.join("rust-web").join(version.replace(['+', '~', ':'], "_"));
    let marker = root.join(".complete");
    if marker.exists() {
        eprintln!("Debian rustc-web {version} already unpacked in {}", root.display());
        return Ok(WasmRust::Debian { root });
    }
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("removing half-done {}", root.display()))?;
    }
    let debs = root.with_file_name(format!("{}.debs", version.replace(['+', '~', ':'], "_")));
    std::fs::create_dir_all(&debs)?;
    let minor = version.split('.').take(2).collect::<Vec<_>>().join(".");
    let std_package = format!("libstd-rust-web-{minor}");
    let mut packages: Vec<String> = DEBIAN_RUST_PACKAGES.iter().map(|p| format!("{p}={version}")).collect();
    packages.push(format!("{std_package}={version}"));
    run(Command::new("apt-get").arg("download").args(&packages).current_dir(&debs))?;
    for deb in std::fs::read_dir(&debs)? {
        let deb = deb?.path();
        if deb.extension().is_some_and(|e| e == "deb") {
            run(Command::new("dpkg").arg("-x").arg(&deb).arg(&root))?;
        }
    }
    std::fs::remove_dir_all(&debs)?;
    // rustc-web links wasm32-unknown-unknown with `rust-lld`, which Debian ships as lld-22.
    let rust_lld = root.join("usr/bin/rust-lld");
    let _ = std::fs::remove_file(&rust_lld);
    std::os::unix::fs::symlink(DEBIAN_LLD, &rust_lld)?;
    for target in WASM_TARGETS {
        build_std_into_sysroot(&root, target, cache)?;
    }
    std::fs::write(&marker, &version)?;
    Ok(WasmRust::Debian { root })
}

fn ensure_debian_system_packages() -> Result<()> {
    let missing: Vec<&str> = DEBIAN_SYSTEM_PACKAGES
        .into_iter()
        .filter(|p| {
            !output(Command::new("dpkg-query").args(["-W", "-f=${Status}", p]))
                .is_ok_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if debian_candidate_version("rustc-web").is_err() || debian_candidate_version(missing[0]).is_err() {
        run(Command::new("apt-get").args(["update", "-q"]))?;
    }
    run(Command::new("apt-get").args(["install", "-y", "-q", "--no-install-recommends"]).args(&missing))
}

/// The version apt would install, e.g. `1.96.0+dfsg1-1~deb12u2`.
fn debian_candidate_version(package: &str) -> Result<String> {
    let policy = output(Command::new("apt-cache").args(["policy", package]))?;
    policy
        .lines()
        .find_map(|l| l.trim().strip_prefix("Candidate: "))
        .filter(|v| *v != "(none)")
        .map(str::to_string)
        .with_context(|| {
            format!("apt has no candidate for {package} (is this Debian 12 with bookworm-security?)")
        })
}

fn debian_env(cmd: &mut Command, root: &Path) {
    let bin = root.join("usr/bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin.clone()];
    paths.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(paths).expect("PATH entries contain no ':'"))
        .env("LD_LIBRARY_PATH", root.join("usr/lib/x86_64-linux-gnu"))
        .env("RUSTC", bin.join("rustc"))
        .env("RUSTDOC", bin.join("rustdoc"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTC_WRAPPER");
}

/// Builds `std` for `target` once with `-Zbuild-std` (bitcode embedded, so crates that use it
/// can still be built with LTO) and copies the rlibs where rustc looks for a target's std.
fn build_std_into_sysroot(root: &Path, target: &str, cache: &Path) -> Result<()> {
    let started = Instant::now();
    let sysroot = output(
        Command::new(root.join("usr/bin/rustc")).arg("--print").arg("sysroot").envs(debian_env_vars(root)),
    )?;
    let dest = Path::new(sysroot.trim()).join("lib/rustlib").join(target).join("lib");
    let scratch = cache.join("build/std-for-wasm");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("src"))?;
    std::fs::write(
        scratch.join("Cargo.toml"),
        "[package]\nname = \"std-for-wasm\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[workspace]\n\
         [profile.release]\npanic = \"abort\"\n",
    )?;
    std::fs::write(scratch.join("src/lib.rs"), "")?;
    let mut rustflags = String::from("-Cembed-bitcode=yes");
    if target == "wasm32-wasip2" {
        rustflags.push_str(&format!(" -L native={DEBIAN_WASI_LIBC}"));
    }
    let mut cmd = Command::new(root.join("usr/bin/cargo"));
    debian_env(&mut cmd, root);
    cmd.args(["build", "--release", "--target", target, "-Zbuild-std=std,panic_abort"])
        .current_dir(&scratch)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTFLAGS", rustflags)
        .env("CARGO_TARGET_DIR", scratch.join("target"));
    run(&mut cmd)?;
    std::fs::create_dir_all(&dest)?;
    let deps = scratch.join("target").join(target).join("release/deps");
    for file in std::fs::read_dir(&deps)? {
        let file = file?.path();
        if file.extension().is_some_and(|e| e == "rlib")
            && !file.file_name().is_some_and(|n| n.to_string_lossy().starts_with("libstd_for_wasm"))
        {
            std::fs::copy(&file, dest.join(file.file_name().expect("a file")))?;
        }
    }
    std::fs::remove_dir_all(&scratch)?;
    eprintln!("built std for {target} into {} in {:.1} s", dest.display(), started.elapsed().as_secs_f64());
    Ok(())
}

fn debian_env_vars(root: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![("LD_LIBRARY_PATH", root.join("usr/lib/x86_64-linux-gnu"))]
}

// ---- 2. wasm-bindgen-cli ------------------------------------------------------------------

fn ensure_wasm_bindgen(cache: &Path) -> Result<PathBuf> {
    let lock = workspace_root().join("edge/cloudflare/Cargo.lock");
    let version = locked_version(&lock, "wasm-bindgen")?;
    let dir = cache.join(format!("wasm-bindgen-cli-{version}"));
    let binary = dir.join("bin/wasm-bindgen");
    if output(Command::new(&binary).arg("--version")).is_ok_and(|v| v.trim().ends_with(&version)) {
        eprintln!("wasm-bindgen {version} already in {}", dir.display());
        return Ok(binary);
    }
    // Without --locked: the CLI's own lockfile for 0.2.130 conflicts with itself.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo)
        .args(["install", "wasm-bindgen-cli", "--force", "--version", &format!("={version}"), "--root"])
        .arg(&dir)
        .arg("--target-dir")
        .arg(cache.join("build/wasm-bindgen-cli")))?;
    let _ = std::fs::remove_dir_all(cache.join("build/wasm-bindgen-cli"));
    Ok(binary)
}

/// The version of `package` recorded in a Cargo.lock.
pub fn locked_version(lock: &Path, package: &str) -> Result<String> {
    let text = std::fs::read_to_string(lock).with_context(|| format!("reading {}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"")
            && let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    bail!("{package} is not in {}", lock.display())
}

// ---- 3. npm -----------------------------------------------------------------------------

pub(crate) fn ensure_npm_packages() -> Result<PathBuf> {
    let root = workspace_root();
    let node =
        output(Command::new("node").arg("--version")).context("node is not installed (need node >= 20.3)")?;
    let major: u32 =
        node.trim().trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        bail!("node {} is too old: wrangler and jco need node >= 20.3", node.trim());
    }
    let lock = std::fs::read(root.join("package-lock.json")).context("reading package-lock.json")?;
    let stamp = root.join("node_modules/.linkedall-package-lock.json");
    if std::fs::read(&stamp).is_ok_and(|installed| installed == lock) {
        eprintln!("node_modules matches package-lock.json");
    } else {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root))?;
        std::fs::write(&stamp, &lock)?;
    }
    Ok(root.join("node_modules/.bin"))
}

// ---- processes ---------------------------------------------------------------------------

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("  $ {}", describe(cmd));
    let status = cmd.status().with_context(|| format!("could not start {}", describe(cmd)))?;
    if !status.success() {
        bail!("`{}` failed with {status}", describe(cmd));
    }
    Ok(())
}

fn output(cmd: &mut Command) -> Result<String> {
    let out =
        cmd.stderr(Stdio::null()).output().with_context(|| format!("could not start {}", describe(cmd)))?;
    if !out.status.success() {
        bail!("`{}` failed with {}", describe(cmd), out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<()> {
    eprintln!("  $ {}", describe(cmd));
    let mut child = cmd.spawn().with_context(|| format!("could not start {}", describe(cmd)))?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("`{}` failed with {status}", describe(cmd));
            }
            return Ok(());
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            bail!("`{}` took more than {} s", describe(cmd), timeout.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy())
        .chain(cmd.get_args().map(|a| a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}
