//! Content-hashes the files in `assets/` so pages can link `app.<hash>.css` and the edge can
//! serve it with `immutable` caching: a changed file gets a new name, never a stale copy.

use std::path::Path;

/// FNV-1a, 64 bits: a content hash that is the same on every toolchain (std's `DefaultHasher`
/// may change between Rust releases, and the wasm hosts are built with a different rustc than
/// the native one — a page rendered by one host must link a name every host serves).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

fn main() {
    // Read at run time, not baked in with `env!`: cargo may reuse this script's binary for
    // another checkout of the workspace (a git worktree), which must hash its own assets.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("../../assets");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries = String::from("&[\n");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("assets/ exists").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(path).expect("asset is readable");
        let hash = format!("{:016x}", fnv1a64(&bytes));
        let name = path.file_name().unwrap().to_str().expect("asset names are UTF-8");
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = format!("{stem}.{}.{ext}", &hash[..10]);
        entries.push_str(&format!(
            "    Asset {{ name: {name:?}, hashed_name: {hashed:?}, bytes: include_bytes!({:?}) }},\n",
            path.canonicalize().unwrap()
        ));
    }
    entries.push_str("]\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("assets.rs");
    std::fs::write(out, entries).unwrap();
}
