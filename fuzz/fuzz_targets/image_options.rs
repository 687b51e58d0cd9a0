//! `cargo fuzz run image_options`: any bytes as an options string never panic the parser, and
//! every accepted string survives a round trip through its canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkedall_shared::image_options::{ImageLimits, ImageOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = ImageLimits::default();
    if let Ok(options) = ImageOptions::parse(text, &limits) {
        assert_eq!(ImageOptions::parse(&options.canonical(), &limits), Ok(options));
    }
});
