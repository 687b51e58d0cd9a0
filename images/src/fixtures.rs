//! Photos for tests, all generated: ordinary ones (a photo-like gradient, a JPEG with EXIF
//! orientation and a GPS-looking note) and hostile ones (a tiny PNG declaring an enormous
//! size, a ZIP archive to append to a JPEG). Built only with the `fixtures` feature, which
//! this crate's and the origin's tests turn on.

use crate::{Encoding, Pixels, encode};

/// A photo-like gradient, so JPEG has something to compress.
pub fn gradient(width: u32, height: u32) -> Pixels {
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            data.extend_from_slice(&[
                (x * 255 / width) as u8,
                (y * 255 / height) as u8,
                ((x + y) % 256) as u8,
            ]);
        }
    }
    Pixels::from_rgb(width, height, data).expect("a whole image")
}

/// The gradient as a JPEG (q85).
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(&gradient(width, height), Encoding::Jpeg { quality: 85 }).expect("encodes")
}

/// The gradient as a JPEG with an EXIF APP1 segment: orientation `orientation` and a
/// GPS-looking note that must not survive into any stored copy.
pub fn jpeg_with_exif(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    exif.extend_from_slice(&orientation.to_be_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    exif.extend_from_slice(b"GPSLatitude 6.5244N GPSLongitude 3.3792E");
    let rgb = gradient(width, height);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.add_app_segment(1, &exif).expect("an APP1 segment");
    encoder
        .encode(rgb.as_bytes(), width as u16, height as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encodes");
    out
}

/// A ~100-byte PNG that declares `width`×`height` RGB pixels (50,000×50,000: 7.5 GB decoded).
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    // A zlib stream of a few zero bytes: a real decoder would start inflating rows from it.
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A stored (uncompressed) ZIP holding one file, as `zip` writes it: appended to a JPEG, a
/// file both unzip and an image viewer open.
pub fn zip_archive() -> Vec<u8> {
    let name = b"payload.txt";
    let data = b"not a photo";
    let mut zip = b"PK\x03\x04\x0a\0\0\0\0\0\0\0\0\0".to_vec();
    zip.extend_from_slice(&crc32(data).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    zip.extend_from_slice(name);
    zip.extend_from_slice(data);
    let central = zip.len() as u32;
    zip.extend_from_slice(b"PK\x01\x02\x14\0\x0a\0\0\0\0\0\0\0\0\0");
    zip.extend_from_slice(&crc32(data).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0; 12]);
    zip.extend_from_slice(&0u32.to_le_bytes());
    zip.extend_from_slice(name);
    let central_len = zip.len() as u32 - central;
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    zip.extend_from_slice(&central_len.to_le_bytes());
    zip.extend_from_slice(&central.to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    zip
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
}

/// CRC-32 (IEEE), as PNG chunks and ZIP entries carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
