//! Hostile and ordinary photos, all generated here: bombs, truncations, polyglots, oversize
//! sides, EXIF orientation, and metadata that must not survive.

use linkedall_images::fixtures::{gradient, jpeg, jpeg_with_exif, png_declaring, zip_archive};
use linkedall_images::{
    Encoding, Header, ImageError, Limits, Pixels, SourceFormat, decode, encode, resize_to_width, thumbhash,
};

#[test]
fn a_tiny_png_declaring_50000_by_50000_is_refused_before_decoding() {
    let bomb = png_declaring(50_000, 50_000);
    assert!(bomb.len() < 200);
    let error = decode(&bomb, &Limits::default(), None).unwrap_err();
    assert!(matches!(error, ImageError::TooLarge { width: 50_000, height: 50_000, .. }), "{error}");
    assert!(error.to_string().contains("12000 px a side"), "{error}");
}

#[test]
fn a_side_of_12001_pixels_is_refused() {
    let wide = encode(&Pixels::from_rgb(12_001, 1, vec![0; 12_001 * 3]).unwrap(), Encoding::Png).unwrap();
    assert!(matches!(
        Header::read(&wide, &Limits::default()),
        Err(ImageError::TooLarge { width: 12_001, .. })
    ));
    let ok = encode(&Pixels::from_rgb(12_000, 1, vec![0; 12_000 * 3]).unwrap(), Encoding::Png).unwrap();
    assert_eq!(Header::read(&ok, &Limits::default()).unwrap().width, 12_000);
}

#[test]
fn a_truncated_jpeg_is_refused() {
    let whole = jpeg(300, 200);
    for cut in [whole.len() / 2, whole.len() - 2, 200, 20] {
        let error = decode(&whole[..cut], &Limits::default(), None).unwrap_err();
        assert!(
            matches!(error, ImageError::Malformed { format: SourceFormat::Jpeg, .. }),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn a_truncated_png_is_refused() {
    let whole = encode(&gradient(300, 200), Encoding::Png).unwrap();
    let error = decode(&whole[..whole.len() / 2], &Limits::default(), None).unwrap_err();
    assert!(matches!(error, ImageError::Malformed { format: SourceFormat::Png, .. }), "{error}");
}

#[test]
fn a_file_that_is_both_zip_and_jpeg_is_refused() {
    let mut appended = jpeg(64, 48);
    appended.extend_from_slice(&zip_archive());
    let error = decode(&appended, &Limits::default(), None).unwrap_err();
    assert!(matches!(error, ImageError::Polyglot { format: SourceFormat::Jpeg }), "{error}");

    let mut prepended = zip_archive();
    prepended.extend_from_slice(&jpeg(64, 48));
    assert!(decode(&prepended, &Limits::default(), None).is_err());
}

#[test]
fn zero_bytes_and_other_formats_are_refused_naming_what_is_accepted() {
    assert!(matches!(decode(&[], &Limits::default(), None), Err(ImageError::Empty)));
    let error = decode(b"GIF89a\x01\0\x01\0\0\0\0;", &Limits::default(), None).unwrap_err();
    assert!(error.to_string().contains("JPEG, PNG or WebP"), "{error}");
}

#[test]
fn exif_orientation_is_applied_and_no_metadata_survives() {
    let original = jpeg_with_exif(40, 20, 6);
    assert!(original.windows(4).any(|w| w == b"Exif"));
    let decoded = decode(&original, &Limits::default(), None).unwrap();
    assert_eq!((decoded.width, decoded.height), (20, 40), "rotated 90° by EXIF 6");
    assert_eq!((decoded.pixels.width(), decoded.pixels.height()), (20, 40));
    for encoding in [Encoding::Jpeg { quality: 80 }, Encoding::Png, Encoding::Webp { quality: 80 }] {
        let bytes = encode(&decoded.pixels, encoding).unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{encoding:?} carries EXIF");
        assert!(!bytes.windows(3).any(|w| w == b"GPS"), "{encoding:?} carries GPS");
        let again = decode(&bytes, &Limits::default(), None).unwrap();
        assert_eq!((again.width, again.height), (20, 40), "{encoding:?}");
    }
}

#[test]
fn big_jpegs_decode_at_a_reduced_dct_scale() {
    let photo = jpeg(2000, 1500);
    let decoded = decode(&photo, &Limits::default(), Some((400, 300))).unwrap();
    assert_eq!((decoded.width, decoded.height), (2000, 1500), "the full size is reported");
    assert_eq!((decoded.pixels.width(), decoded.pixels.height()), (500, 375), "decoded at 1/4");
    let card = resize_to_width(&decoded.pixels, 400).unwrap();
    assert_eq!((card.width(), card.height()), (400, 300));
    let by_width_only = decode(&photo, &Limits::default(), Some((400, 1))).unwrap();
    assert_eq!(by_width_only.pixels.width(), 500, "a side of 1 does not let the other shrink past 400");
    let portrait = decode(&jpeg_with_exif(1600, 800, 6), &Limits::default(), Some((200, 1))).unwrap();
    assert_eq!((portrait.width, portrait.height), (800, 1600));
    assert_eq!(portrait.pixels.width(), 200, "1/4 of the stored height, which is the upright width");
    let full = decode(&photo, &Limits::default(), None).unwrap();
    assert_eq!(full.pixels.width(), 2000);
}

#[test]
fn decoding_respects_the_memory_limit() {
    let photo = encode(&gradient(1000, 1000), Encoding::Png).unwrap();
    let tight = Limits { max_alloc: 1_000_000, ..Limits::default() };
    assert!(matches!(decode(&photo, &tight, None), Err(ImageError::MemoryLimit { .. })));
    let photo = jpeg(1000, 1000);
    assert!(matches!(decode(&photo, &tight, None), Err(ImageError::MemoryLimit { .. })));
    assert!(decode(&photo, &tight, Some((200, 200))).is_ok(), "a 1/4-scale decode fits");
}

#[test]
fn transparency_survives_png_and_webp_and_is_flattened_for_jpeg() {
    let mut data = vec![0u8; 16 * 16 * 4];
    for pixel in data.chunks_exact_mut(4) {
        pixel.copy_from_slice(&[255, 0, 0, 0]);
    }
    let clear = Pixels::from_rgba(16, 16, data).unwrap();
    let png = encode(&clear, Encoding::Png).unwrap();
    assert!(decode(&png, &Limits::default(), None).unwrap().pixels.has_alpha());
    let webp = encode(&clear, Encoding::Webp { quality: 80 }).unwrap();
    assert_eq!(SourceFormat::sniff(&webp).unwrap(), SourceFormat::Webp);
    assert!(decode(&webp, &Limits::default(), None).unwrap().pixels.has_alpha());
    let jpeg =
        decode(&encode(&clear, Encoding::Jpeg { quality: 90 }).unwrap(), &Limits::default(), None).unwrap();
    assert!(jpeg.pixels.as_bytes().iter().all(|&v| v > 240), "transparent pixels become white");
}

#[test]
fn thumbhash_is_short_base64_of_the_upright_photo() {
    let decoded = decode(&jpeg_with_exif(200, 100, 6), &Limits::default(), None).unwrap();
    let hash = thumbhash(&decoded.pixels).unwrap();
    assert!((20..=40).contains(&hash.len()), "{hash}");
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD_NO_PAD.decode(&hash).unwrap();
    let ratio = thumbhash::thumb_hash_to_approximate_aspect_ratio(&raw).unwrap();
    assert!(ratio < 1.0, "portrait after orientation, got {ratio}");
}
