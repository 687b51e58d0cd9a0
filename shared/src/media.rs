//! Where vendors' product photos live and which sizes of them exist.
//!
//! The origin stores a photo's original under its content hash and pre-generates a few preset
//! widths in WebP and JPEG; the edge serves those presets as they are and resizes only for
//! other sizes. Both sides build and read the paths here, so they cannot drift apart.
//!
//! ```text
//! /media/products/{product}/{hash}.{ext}              the original (metadata stripped)
//! /media/products/{product}/{hash}/{preset}.{ext}     a preset variant, e.g. card.webp
//! ```
//!
//! The product id in the path gives the edge the cache tag (`product:ID`) of every copy.

use serde::{Deserialize, Serialize};

use crate::ProductId;
use crate::image_options::Format;

/// Preset widths the origin generates for every photo; pages ask for these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    Thumb,
    Card,
    Detail,
    Zoom,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Thumb, Preset::Card, Preset::Detail, Preset::Zoom];

    /// Width in pixels; the height follows the photo's aspect ratio.
    pub const fn width(self) -> u32 {
        match self {
            Preset::Thumb => 160,
            Preset::Card => 400,
            Preset::Detail => 800,
            Preset::Zoom => 1600,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Preset::Thumb => "thumb",
            Preset::Card => "card",
            Preset::Detail => "detail",
            Preset::Zoom => "zoom",
        }
    }

    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.name() == name)
    }

    /// The preset of exactly this width, if any.
    pub fn of_width(width: u32) -> Option<Preset> {
        Preset::ALL.into_iter().find(|preset| preset.width() == width)
    }
}

/// The most photos a product may have. The first of them is its main photo: the one cards,
/// `og:image`, JSON-LD and sitemaps show; the product page shows them all, in order.
pub const MAX_PHOTOS_PER_PRODUCT: usize = 8;

/// File formats of stored photos. Originals are JPEG, PNG or WebP; variants WebP or JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
    Avif,
}

impl PhotoFormat {
    pub const fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Png => "png",
            PhotoFormat::Webp => "webp",
            PhotoFormat::Avif => "avif",
        }
    }

    pub fn from_extension(extension: &str) -> Option<PhotoFormat> {
        Some(match extension {
            "jpg" | "jpeg" => PhotoFormat::Jpeg,
            "png" => PhotoFormat::Png,
            "webp" => PhotoFormat::Webp,
            "avif" => PhotoFormat::Avif,
            _ => return None,
        })
    }

    pub const fn media_type(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Webp => "image/webp",
            PhotoFormat::Avif => "image/avif",
        }
    }

    /// The stored format for a negotiated output format (`Auto` must be negotiated first).
    pub const fn of(format: Format) -> PhotoFormat {
        match format {
            Format::Avif => PhotoFormat::Avif,
            Format::Webp => PhotoFormat::Webp,
            Format::Png => PhotoFormat::Png,
            Format::Jpeg | Format::Auto => PhotoFormat::Jpeg,
        }
    }
}

/// A product's photo as pages need it: where it is, how big, and its placeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub product: ProductId,
    /// Content hash of the original as lowercase hex (the first 32 digits of its SHA-256).
    pub hash: String,
    /// Format of the original.
    pub format: PhotoFormat,
    /// Size of the original after its EXIF orientation was applied.
    pub width: u32,
    pub height: u32,
    /// ThumbHash placeholder, base64 (standard alphabet, no padding).
    pub thumbhash: String,
}

impl Photo {
    pub fn original_path(&self) -> String {
        format!("/media/products/{}/{}.{}", self.product, self.hash, self.format.extension())
    }

    pub fn variant_path(&self, preset: Preset, format: PhotoFormat) -> String {
        format!("/media/products/{}/{}/{}.{}", self.product, self.hash, preset.name(), format.extension())
    }

    /// Height of a copy `width` pixels wide, keeping the aspect ratio (at least 1).
    pub fn height_at(&self, width: u32) -> u32 {
        let width = width.min(self.width);
        ((u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2)
            / u64::from(self.width.max(1)))
        .max(1) as u32
    }
}

/// A parsed `/media/…` path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaPath {
    Original { product: ProductId, hash: String, format: PhotoFormat },
    Variant { product: ProductId, hash: String, preset: Preset, format: PhotoFormat },
}

impl MediaPath {
    pub const PREFIX: &'static str = "/media/products/";

    pub fn parse(path: &str) -> Option<MediaPath> {
        let rest = path.strip_prefix(Self::PREFIX)?;
        let mut parts = rest.split('/');
        let product = ProductId::parse(parts.next()?).ok()?;
        let second = parts.next()?;
        match (parts.next(), parts.next()) {
            (None, _) => {
                let (hash, extension) = second.split_once('.')?;
                let format = PhotoFormat::from_extension(extension)?;
                valid_hash(hash).then(|| MediaPath::Original { product, hash: hash.to_owned(), format })
            }
            (Some(file), None) => {
                let (preset, extension) = file.split_once('.')?;
                let preset = Preset::from_name(preset)?;
                let format = PhotoFormat::from_extension(extension)?;
                valid_hash(second).then(|| MediaPath::Variant {
                    product,
                    hash: second.to_owned(),
                    preset,
                    format,
                })
            }
            _ => None,
        }
    }

    pub fn product(&self) -> ProductId {
        match self {
            MediaPath::Original { product, .. } | MediaPath::Variant { product, .. } => *product,
        }
    }
}

/// 32 lowercase hex digits.
pub fn valid_hash(hash: &str) -> bool {
    hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> Photo {
        Photo {
            product: ProductId::new(42),
            hash: "0123456789abcdef0123456789abcdef".into(),
            format: PhotoFormat::Jpeg,
            width: 2000,
            height: 1500,
            thumbhash: String::new(),
        }
    }

    #[test]
    fn paths_round_trip() {
        let photo = photo();
        assert_eq!(photo.original_path(), "/media/products/42/0123456789abcdef0123456789abcdef.jpg");
        assert_eq!(
            MediaPath::parse(&photo.original_path()),
            Some(MediaPath::Original {
                product: photo.product,
                hash: photo.hash.clone(),
                format: PhotoFormat::Jpeg
            })
        );
        let card = photo.variant_path(Preset::Card, PhotoFormat::Webp);
        assert_eq!(card, "/media/products/42/0123456789abcdef0123456789abcdef/card.webp");
        assert_eq!(
            MediaPath::parse(&card),
            Some(MediaPath::Variant {
                product: photo.product,
                hash: photo.hash,
                preset: Preset::Card,
                format: PhotoFormat::Webp
            })
        );
    }

    #[test]
    fn refuses_what_it_did_not_build() {
        for path in [
            "/media/products/42/0123456789ABCDEF0123456789abcdef.jpg",
            "/media/products/42/0123.jpg",
            "/media/products/0/0123456789abcdef0123456789abcdef.jpg",
            "/media/products/42/0123456789abcdef0123456789abcdef.gif",
            "/media/products/42/0123456789abcdef0123456789abcdef/huge.webp",
            "/media/products/42/0123456789abcdef0123456789abcdef/card.webp/x",
            "/media/products/42/../etc/passwd",
        ] {
            assert_eq!(MediaPath::parse(path), None, "{path}");
        }
    }

    #[test]
    fn heights_keep_the_aspect_ratio() {
        assert_eq!(photo().height_at(400), 300);
        assert_eq!(photo().height_at(4000), 1500, "never larger than the original");
        assert_eq!(Preset::of_width(800), Some(Preset::Detail));
        assert_eq!(Preset::of_width(801), None);
    }
}
