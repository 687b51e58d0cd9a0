//! The blurry stand-in a page shows while a product photo loads: the photo's ThumbHash (a
//! ~25-byte summary the origin computes at upload) decoded at render time into a tiny PNG,
//! inlined as a `data:` URL — a few hundred bytes per card, no extra request, no script.
//!
//! The PNG is written uncompressed (stored deflate blocks), as ThumbHash's own `rgbaToDataURL`
//! does: at 32×32 pixels compression would save little and cost a dependency.

use linkedall_shared::image_signature::{base64url, base64url_decode};

/// `data:image/png;base64,…` for a ThumbHash given in base64 (standard alphabet, padding
/// optional); `None` when it is not a valid ThumbHash.
pub fn data_url(thumbhash_base64: &str) -> Option<String> {
    let url_safe: String = thumbhash_base64
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    let hash = base64url_decode(&url_safe)?;
    if hash.len() < 5 || hash.len() > 64 {
        return None;
    }
    let (width, height, rgba) = thumbhash::thumb_hash_to_rgba(&hash).ok()?;
    let png = png_rgba(u32::try_from(width).ok()?, u32::try_from(height).ok()?, &rgba)?;
    Some(format!("data:image/png;base64,{}", base64_standard(&png)))
}

/// An 8-bit RGBA PNG with stored (uncompressed) deflate blocks, one per row.
fn png_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<Vec<u8>> {
    let row = width as usize * 4;
    if width == 0 || height == 0 || rgba.len() != row * height as usize || row + 1 > 0xffff {
        return None;
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);

    let mut zlib = vec![0x78, 0x01];
    let (mut a, mut b) = (1u32, 0u32);
    for (index, line) in rgba.chunks(row).enumerate() {
        let last = index + 1 == height as usize;
        let len = (row + 1) as u16;
        zlib.push(u8::from(last));
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.push(0); // filter: none
        zlib.extend_from_slice(line);
        for &byte in std::iter::once(&0).chain(line) {
            a = (a + u32::from(byte)) % 65521;
            b = (b + a) % 65521;
        }
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());

    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    for (kind, data) in [(b"IHDR", &ihdr[..]), (b"IDAT", &zlib[..]), (b"IEND", &[][..])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    Some(png)
}

fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 })
    })
}

/// Standard base64 with padding, as `data:` URLs take it.
fn base64_standard(bytes: &[u8]) -> String {
    let mut text: String = base64url(bytes)
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    while !text.len().is_multiple_of(4) {
        text.push('=');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ThumbHash of a 4:3 photo, made by the reference encoder from a gradient.
    fn sample() -> String {
        let (w, h) = (40usize, 30usize);
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (x, y) = ((i % w) as u8, (i / w) as u8);
                [x * 6, y * 8, 128, 255]
            })
            .collect();
        base64_standard(&thumbhash::rgba_to_thumb_hash(w, h, &rgba)).trim_end_matches('=').to_owned()
    }

    #[test]
    fn a_thumbhash_becomes_a_png_data_url() {
        let url = data_url(&sample()).expect("a valid ThumbHash");
        let encoded = url.strip_prefix("data:image/png;base64,").unwrap();
        let png =
            base64url_decode(encoded.trim_end_matches('=').replace('+', "-").replace('/', "_").as_str())
                .unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert!(width > height && width <= 32, "{width}×{height} keeps the 4:3 shape");
        assert!(url.len() < 6000, "small enough to inline: {} bytes", url.len());
    }

    #[test]
    fn crc_and_garbage() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        assert_eq!(data_url(""), None);
        assert_eq!(data_url("not base64 at all!"), None);
    }
}
