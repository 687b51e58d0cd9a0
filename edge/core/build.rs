//! Content-hashes the files in `assets/` so pages can link `app.<hash>.css` and the edge can
//! serve it with `immutable` caching: a changed file gets a new name, never a stale copy.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries = String::from("&[\n");
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).expect("assets/ exists").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(path).expect("asset is readable");
        let mut hasher = DefaultHasher::new();
        bytes.hash(&mut hasher);
        let hash = format!("{:016x}", hasher.finish());
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
