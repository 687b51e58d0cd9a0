//! The thumbnail benchmark of `benches/images.sh`: makes photo-like test JPEGs, then times
//! the card pipeline (decode at a reduced DCT scale, Lanczos3 to 400 px wide, encode JPEG q80
//! or WebP q80) over every file of a folder in one process, as `vipsthumbnail` is timed.
//!
//! ```text
//! thumbnail_bench generate <folder> <count>      2000×1500 JPEGs (q90)
//! thumbnail_bench run <jpeg|webp> <in> <out>     prints `ms_per_image=<ms> images=<n>` and
//!                                                 where the time went (`decode_ms=… resize_ms=…
//!                                                 encode_ms=… io_ms=…` per image)
//! ```

use std::path::Path;
use std::time::Instant;

use linkedall_images::{Encoding, Limits, Pixels, WEBP_IS_LOSSY, decode, encode, resize_to_width};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") if args.len() == 4 => {
            generate(Path::new(&args[2]), args[3].parse().expect("a count"))
        }
        Some("run") if args.len() == 5 => run(&args[2], Path::new(&args[3]), Path::new(&args[4])),
        _ => {
            eprintln!("usage: thumbnail_bench generate <folder> <count> | run <jpeg|webp> <in> <out>");
            std::process::exit(2);
        }
    }
}

/// A photo-like 2000×1500 picture: smooth light, a few soft shapes, and sensor-like noise
/// (so the JPEGs are ~1 MB, like a phone's, not a few KB of flat colour).
fn photo(seed: u32) -> Pixels {
    let (width, height) = (2000u32, 1500u32);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 24) as i32 - 12
    };
    let centres: Vec<(f32, f32, f32)> = (0..6)
        .map(|i| {
            let k = (seed * 7 + i * 13) as f32;
            ((k * 97.0) % 2000.0, (k * 61.0) % 1500.0, 150.0 + (k * 31.0) % 350.0)
        })
        .collect();
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32, y as f32);
            let mut light = 0.0f32;
            for (cx, cy, r) in &centres {
                let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
                light += (1.0 - (d / r).min(1.0)) * 90.0;
            }
            let base = [60.0 + fx / 25.0 + light, 50.0 + fy / 20.0 + light * 0.7, 80.0 + light * 0.4];
            let texture = (((fx * 0.05).sin() * (fy * 0.07).cos()) * 18.0) as i32;
            for channel in base {
                data.push((channel as i32 + texture + noise()).clamp(0, 255) as u8);
            }
        }
    }
    Pixels::from_rgb(width, height, data).expect("sized buffer")
}

fn generate(folder: &Path, count: u32) {
    std::fs::create_dir_all(folder).expect("create the folder");
    for i in 0..count {
        let bytes = encode(&photo(i + 1), Encoding::Jpeg { quality: 90 }).expect("encode");
        std::fs::write(folder.join(format!("photo-{i:03}.jpg")), bytes).expect("write");
    }
}

fn run(format: &str, input: &Path, output: &Path) {
    let (encoding, extension) = match format {
        "jpeg" => (Encoding::Jpeg { quality: 80 }, "jpg"),
        "webp" => (Encoding::Webp { quality: 80 }, "webp"),
        other => panic!("unknown format {other}"),
    };
    if format == "webp" && !WEBP_IS_LOSSY {
        eprintln!("note: built without native-webp, WebP is lossless");
    }
    std::fs::create_dir_all(output).expect("create the output folder");
    let mut files: Vec<_> =
        std::fs::read_dir(input).expect("read the folder").flatten().map(|e| e.path()).collect();
    files.sort();
    let limits = Limits::default();
    // Seconds spent in each stage: io (read + write), decode, resize, encode.
    let mut stages = [0.0f64; 4];
    let mut lap = |stage: usize, since: &mut Instant| {
        stages[stage] += since.elapsed().as_secs_f64();
        *since = Instant::now();
    };
    let started = Instant::now();
    for file in &files {
        let mut since = Instant::now();
        let bytes = std::fs::read(file).expect("read a photo");
        lap(0, &mut since);
        let decoded = decode(&bytes, &limits, Some((400, 1))).expect("decode");
        lap(1, &mut since);
        let card = resize_to_width(&decoded.pixels, 400).expect("resize");
        lap(2, &mut since);
        let encoded = encode(&card, encoding).expect("encode");
        lap(3, &mut since);
        let name = file.file_stem().expect("a file name").to_string_lossy();
        std::fs::write(output.join(format!("{name}.{extension}")), encoded).expect("write");
        lap(0, &mut since);
    }
    let per_image = |seconds: f64| seconds * 1000.0 / files.len().max(1) as f64;
    println!("ms_per_image={:.2} images={}", per_image(started.elapsed().as_secs_f64()), files.len());
    let [io, decode, resize, encode] = stages.map(per_image);
    println!("decode_ms={decode:.2} resize_ms={resize:.2} encode_ms={encode:.2} io_ms={io:.2}");
}
