//! Builds the two wasm artifacts of the edge: the Cloudflare worker bundle and the Spin
//! component, each from its adapter crate (edge/cloudflare, edge/spin) around the edge core.
//!
//! Both build into `target/wasm/` with their own lockfiles, outside the native workspace, and
//! with whichever compiler [`Toolchain`] found (rustup's, or Debian's rustc-web).
//!
//! The worker bundle is what worker-build would write, without installing worker-build: cargo
//! → `wasm-bindgen --target module` → `wasm-opt -Oz` → wasm-bindgen's `index.js` (its
//! `import source` turned into a plain wasm import, which wrangler and Miniflare understand)
//! next to our `shim.mjs` entry module (edge/cloudflare/js/).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};

use crate::toolchain::{Toolchain, WasmRust, workspace_root};

/// Cloudflare's limit for a Worker on the free plan, after gzip.
pub const WORKER_GZIP_LIMIT_BYTES: u64 = 3 * 1024 * 1024;

/// wasm-opt features: what rustc's wasm32-unknown-unknown emits plus the exception handling
/// wasm-bindgen's abort handler uses (worker-build's list), and SIMD, which we compile in.
const WASM_OPT_FEATURES: [&str; 8] = [
    "simd",
    "mutable-globals",
    "sign-ext",
    "nontrapping-float-to-int",
    "bulk-memory",
    "multivalue",
    "reference-types",
    "exception-handling",
];

/// A built artifact and what it weighs.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// The file a host loads: `shim.mjs` of the worker bundle, or the component `.wasm`.
    pub entry: PathBuf,
    /// Every file that ships, summed.
    pub raw_bytes: u64,
    /// Every file gzipped (level 9) on its own, summed — how Cloudflare counts its limit.
    pub gzip_bytes: u64,
    pub build_secs: f64,
}

impl std::fmt::Display for Artifact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} — {:.1} KiB raw, {:.1} KiB gzip, built in {:.1} s",
            self.entry.display(),
            self.raw_bytes as f64 / 1024.0,
            self.gzip_bytes as f64 / 1024.0,
            self.build_secs
        )
    }
}

/// `target/wasm`: where the artifacts land, at paths wrangler.toml, spin.toml and the host
/// launchers know.
pub fn wasm_target_dir() -> PathBuf {
    workspace_root().join("target/wasm")
}

/// Cargo's target dir for the wasm builds: one per compiler, outside the native target dir, so
/// switching between rustup's rustc and Debian's never rebuilds the other's artifacts.
fn cargo_target_dir(toolchain: &Toolchain) -> PathBuf {
    wasm_target_dir().join(match toolchain.rust {
        WasmRust::Rustup => "cargo-rustup",
        WasmRust::Debian { .. } => "cargo-debian",
    })
}

/// The component spin.toml's `source` and tests/hosts/spin.mjs point at.
pub fn spin_component_path() -> PathBuf {
    wasm_target_dir().join("spin/linkedall_edge_spin.wasm")
}

/// The worker bundle directory wrangler.toml's `main` and tests/hosts/worker.mjs point at.
pub fn worker_bundle_dir() -> PathBuf {
    wasm_target_dir().join("worker-bundle")
}

/// Builds the Cloudflare worker bundle into [`worker_bundle_dir`]. Fails when the bundle is
/// over [`WORKER_GZIP_LIMIT_BYTES`].
pub fn build_worker(toolchain: &Toolchain) -> Result<Artifact> {
    let started = Instant::now();
    let target = "wasm32-unknown-unknown";
    let wasm = cargo_build(toolchain, "edge/cloudflare", target, "linkedall_edge_cloudflare")?;
    let bundle = worker_bundle_dir();
    let optimised = bundle.join("index_bg.wasm");
    // The bundle records which cargo output (path and modification time) it was made from.
    let source_stamp = bundle.join(".built-from");
    let source = format!("{} {:?}", wasm.display(), modified(&wasm));
    if optimised.exists() && std::fs::read_to_string(&source_stamp).is_ok_and(|s| s == source) {
        eprintln!("worker bundle is up to date with {}", wasm.display());
    } else {
        let bindgen_out = wasm_target_dir().join("worker-bindgen");
        let _ = std::fs::remove_dir_all(&bindgen_out);
        run(Command::new(&toolchain.wasm_bindgen)
            .arg(&wasm)
            .args(["--out-dir"])
            .arg(&bindgen_out)
            .args(["--out-name", "index", "--target", "module", "--no-typescript"])
            // Lets shim.mjs replace the instance after a panic instead of failing every request.
            .args(["--experimental-reset-state-function", "--force-enable-abort-handler"]))?;
        let _ = std::fs::remove_dir_all(&bundle);
        std::fs::create_dir_all(&bundle)?;
        let mut opt = Command::new(toolchain.node_tool("wasm-opt"));
        opt.arg(bindgen_out.join("index_bg.wasm")).arg("-o").arg(&optimised).arg("-Oz");
        opt.args(WASM_OPT_FEATURES.map(|f| format!("--enable-{f}")));
        run(&mut opt)?;
        let js = std::fs::read_to_string(bindgen_out.join("index.js"))?;
        // `--target module` emits a source-phase import; workerd's module loader (and wrangler's
        // CompiledWasm rule) take a plain import of the .wasm file as a WebAssembly.Module.
        let js = js.replace("import source wasmModule from", "import wasmModule from");
        if !js.contains("import wasmModule from \"./index_bg.wasm\"") {
            bail!("wasm-bindgen's index.js no longer imports index_bg.wasm as expected");
        }
        std::fs::write(bundle.join("index.js"), js)?;
        copy_dir(&bindgen_out.join("snippets"), &bundle.join("snippets"))?;
        std::fs::write(&source_stamp, source)?;
    }
    std::fs::copy(workspace_root().join("edge/cloudflare/js/shim.mjs"), bundle.join("shim.mjs"))?;
    let shipped: Vec<PathBuf> = files_under(&bundle)?.into_iter().filter(|f| f != &source_stamp).collect();
    let (raw_bytes, gzip_bytes) = sizes(&shipped)?;
    let artifact = Artifact {
        entry: bundle.join("shim.mjs"),
        raw_bytes,
        gzip_bytes,
        build_secs: started.elapsed().as_secs_f64(),
    };
    eprintln!("worker: {artifact}");
    if gzip_bytes > WORKER_GZIP_LIMIT_BYTES {
        bail!(
            "the worker bundle is {gzip_bytes} bytes gzipped, over Cloudflare's {WORKER_GZIP_LIMIT_BYTES}-byte limit"
        );
    }
    Ok(artifact)
}

/// Builds the Spin component (WASI 0.2) that spin.toml and tests/hosts/spin.mjs load.
pub fn build_spin(toolchain: &Toolchain) -> Result<Artifact> {
    let started = Instant::now();
    let built = cargo_build(toolchain, "edge/spin", "wasm32-wasip2", "linkedall_edge_spin")?;
    let component = spin_component_path();
    std::fs::create_dir_all(component.parent().expect("a parent dir"))?;
    std::fs::copy(&built, &component)?;
    let (raw_bytes, gzip_bytes) = sizes(std::slice::from_ref(&component))?;
    let artifact =
        Artifact { entry: component, raw_bytes, gzip_bytes, build_secs: started.elapsed().as_secs_f64() };
    eprintln!("spin: {artifact}");
    Ok(artifact)
}

/// `cargo build --release` of an adapter crate; returns the `.wasm` it wrote.
/// Code generation for both wasm artifacts: 128-bit SIMD, which `fast_image_resize` and the
/// JPEG codecs use for image resizing at the edge. workerd (V8), node (jco serve) and Spin's
/// wasmtime all run it; set `LINKEDALL_WASM_SIMD=0` to build without.
const WASM_SIMD_RUSTFLAGS: &str = "-C target-feature=+simd128";

fn cargo_build(toolchain: &Toolchain, crate_dir: &str, target: &str, lib_name: &str) -> Result<PathBuf> {
    let root = workspace_root();
    let target_dir = cargo_target_dir(toolchain);
    let mut cmd = toolchain.cargo(target);
    if !std::env::var("LINKEDALL_WASM_SIMD").is_ok_and(|v| v == "0") {
        // Added to whatever the toolchain (or the caller's environment) already passes.
        let var = format!("CARGO_TARGET_{}_RUSTFLAGS", target.to_ascii_uppercase().replace('-', "_"));
        let set = cmd.get_envs().find(|(name, _)| *name == var.as_str()).and_then(|(_, value)| value);
        let existing = set
            .map(|value| value.to_string_lossy().into_owned())
            .or_else(|| std::env::var(&var).ok())
            .unwrap_or_default();
        cmd.env(&var, format!("{existing} {WASM_SIMD_RUSTFLAGS}").trim());
    }
    cmd.args(["build", "--release", "--target", target, "--manifest-path"])
        .arg(root.join(crate_dir).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(root.join(crate_dir));
    run(&mut cmd)?;
    let wasm = target_dir.join(target).join("release").join(format!("{lib_name}.wasm"));
    if !wasm.exists() {
        bail!("cargo did not write {}", wasm.display());
    }
    Ok(wasm)
}

fn sizes(files: &[PathBuf]) -> Result<(u64, u64)> {
    let mut raw = 0;
    let mut gzip = 0;
    for file in files {
        raw += std::fs::metadata(file)?.len();
        gzip += gzip_len(file)?;
    }
    Ok((raw, gzip))
}

fn gzip_len(file: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .stderr(Stdio::inherit())
        .output()
        .context("could not run gzip")?;
    if !out.status.success() {
        bail!("gzip {} failed", file.display());
    }
    Ok(out.stdout.len() as u64)
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(files_under(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    if !from.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let dest = to.join(path.file_name().expect("a named entry"));
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest)?;
        }
    }
    Ok(())
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn run(cmd: &mut Command) -> Result<()> {
    let started = Instant::now();
    let line = std::iter::once(cmd.get_program().to_string_lossy())
        .chain(cmd.get_args().map(|a| a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!("  $ {line}");
    let status = cmd.status().with_context(|| format!("could not start {line}"))?;
    if !status.success() {
        bail!("`{line}` failed with {status}");
    }
    eprintln!("    ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

/// `cargo xtask wasm [worker|spin|all]`: ensures the toolchain, builds, prints sizes.
pub fn cli(args: &[&str]) -> Result<()> {
    let toolchain = crate::toolchain::ensure_toolchain()?;
    match args {
        ["worker"] => build_worker(&toolchain).map(drop),
        ["spin"] => build_spin(&toolchain).map(drop),
        [] | ["all"] => {
            let worker = build_worker(&toolchain)?;
            let spin = build_spin(&toolchain)?;
            println!("worker: {worker}\nspin:   {spin}");
            Ok(())
        }
        _ => bail!("usage: cargo xtask wasm [worker|spin|all]"),
    }
}
