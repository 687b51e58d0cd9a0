//! Image resizing options in Cloudflare's URL grammar: `/cdn-cgi/image/<options>/<source>`,
//! where `<options>` is `key=value` pairs separated by commas, e.g.
//! `width=400,quality=80,format=auto` (short names `w`, `h`, `q`, `f`, `g` too).
//!
//! One parser, used by every edge host: it checks every limit before a single pixel is
//! decoded, names the offending option in its error, and renders a canonical form so that
//! `w=400,f=auto` and `format=auto,width=400` share one cache entry.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Limits on what a request may ask for; all are settings, with safe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest output side in pixels, after `dpr` is applied.
    pub max_dimension: u32,
    /// Longest options string accepted, in bytes.
    pub max_options_len: usize,
}

impl Default for ImageLimits {
    fn default() -> Self {
        Self { max_dimension: 4096, max_options_len: 512 }
    }
}

/// How the image fits the requested box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Fit {
    /// Shrink to fit inside, never enlarge (the default).
    ScaleDown,
    /// Fit inside, enlarging if needed.
    Contain,
    /// Fill the box, cropping what overflows.
    Cover,
    /// Like cover, but never enlarge.
    Crop,
    /// Fit inside and fill the rest with `background`.
    Pad,
}

/// The output format asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// The best format the browser's `Accept` header allows (see [`Format::negotiate`]).
    Auto,
    Avif,
    Webp,
    Jpeg,
    Png,
}

/// Which part of the image to keep when cropping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gravity {
    Auto,
    Center,
    Left,
    Right,
    Top,
    Bottom,
    /// A focal point, each coordinate in thousandths of the width / height (`0.5x0.25`).
    Point {
        x: u16,
        y: u16,
    },
}

/// An opaque background colour for `fit=pad` and transparent sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Parsed, validated resizing options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImageOptions {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fit: Fit,
    pub format: Format,
    /// 1–100; 85 when not given.
    pub quality: u8,
    /// Device pixel ratio in hundredths (1.0–3.0 → 100–300).
    pub dpr_hundredths: u16,
    pub gravity: Gravity,
    pub background: Option<Rgb>,
}

impl Default for ImageOptions {
    fn default() -> Self {
        Self {
            width: None,
            height: None,
            fit: Fit::ScaleDown,
            format: Format::Auto,
            quality: 85,
            dpr_hundredths: 100,
            gravity: Gravity::Auto,
            background: None,
        }
    }
}

/// Why an options string was refused; the message names the option and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageOptionError {
    pub option: String,
    pub message: String,
}

impl fmt::Display for ImageOptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "image option `{}`: {}", self.option, self.message)
    }
}

impl std::error::Error for ImageOptionError {}

fn refuse(option: &str, message: impl Into<String>) -> ImageOptionError {
    ImageOptionError { option: option.chars().take(32).collect(), message: message.into() }
}

impl ImageOptions {
    /// Parses an options segment, checking every limit.
    pub fn parse(options: &str, limits: &ImageLimits) -> Result<ImageOptions, ImageOptionError> {
        if options.len() > limits.max_options_len {
            return Err(refuse("options", format!("longer than {} bytes", limits.max_options_len)));
        }
        let mut parsed = ImageOptions::default();
        let mut seen: Vec<&'static str> = Vec::new();
        for pair in options.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| refuse(pair, "expected key=value"))?;
            let (key, value) = (key.trim(), value.trim());
            let name = canonical_name(key).ok_or_else(|| {
                refuse(
                    key,
                    "unknown option; use width, height, fit, format, quality, dpr, gravity or background",
                )
            })?;
            if seen.contains(&name) {
                return Err(refuse(name, "given more than once"));
            }
            seen.push(name);
            match name {
                "width" => parsed.width = Some(dimension(name, value)?),
                "height" => parsed.height = Some(dimension(name, value)?),
                "fit" => parsed.fit = fit(value)?,
                "format" => parsed.format = format(value)?,
                "quality" => parsed.quality = quality(value)?,
                "dpr" => parsed.dpr_hundredths = dpr(value)?,
                "gravity" => parsed.gravity = gravity(value)?,
                "background" => parsed.background = Some(background(value)?),
                _ => unreachable!("canonical_name returns only the names matched here"),
            }
        }
        for (name, side) in [("width", parsed.width), ("height", parsed.height)] {
            if let Some(side) = side {
                let output = parsed.output_pixels(side);
                if output > limits.max_dimension {
                    return Err(refuse(
                        name,
                        format!(
                            "{side} px at dpr {} is {output} px, over the {} px limit",
                            parsed.dpr(),
                            limits.max_dimension
                        ),
                    ));
                }
            }
        }
        Ok(parsed)
    }

    /// A side in output pixels: the requested side times `dpr`, rounded.
    pub fn output_pixels(&self, side: u32) -> u32 {
        ((u64::from(side) * u64::from(self.dpr_hundredths) + 50) / 100) as u32
    }

    pub fn dpr(&self) -> String {
        let (whole, hundredths) = (self.dpr_hundredths / 100, self.dpr_hundredths % 100);
        if hundredths == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{hundredths:02}").trim_end_matches('0').to_owned()
        }
    }

    /// The options in one fixed order with defaults left out: equal options, equal strings.
    pub fn canonical(&self) -> String {
        let defaults = ImageOptions::default();
        let mut parts = Vec::new();
        if let Some(width) = self.width {
            parts.push(format!("width={width}"));
        }
        if let Some(height) = self.height {
            parts.push(format!("height={height}"));
        }
        if self.fit != defaults.fit {
            parts.push(format!("fit={}", fit_name(self.fit)));
        }
        if self.format != defaults.format {
            parts.push(format!("format={}", format_name(self.format)));
        }
        if self.quality != defaults.quality {
            parts.push(format!("quality={}", self.quality));
        }
        if self.dpr_hundredths != defaults.dpr_hundredths {
            parts.push(format!("dpr={}", self.dpr()));
        }
        if self.gravity != defaults.gravity {
            parts.push(format!("gravity={}", gravity_name(self.gravity)));
        }
        if let Some(Rgb(r, g, b)) = self.background {
            parts.push(format!("background=%23{r:02x}{g:02x}{b:02x}"));
        }
        parts.join(",")
    }
}

impl Format {
    /// Chooses the output for `format=auto` from a browser's `Accept` header, in three buckets
    /// (AVIF, WebP, JPEG), so the cache holds at most three copies and varies on `Accept`.
    pub fn negotiate(self, accept: Option<&str>) -> Format {
        if self != Format::Auto {
            return self;
        }
        let accept = accept.unwrap_or_default().to_ascii_lowercase();
        let accepts = |media: &str| {
            accept.split(',').any(|part| {
                let mut fields = part.split(';');
                let matches = fields.next().is_some_and(|m| m.trim() == media);
                let refused = fields.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                matches && !refused
            })
        };
        if accepts("image/avif") {
            Format::Avif
        } else if accepts("image/webp") {
            Format::Webp
        } else {
            Format::Jpeg
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Avif => "image/avif",
            Format::Webp => "image/webp",
            Format::Jpeg | Format::Auto => "image/jpeg",
            Format::Png => "image/png",
        }
    }
}

fn canonical_name(key: &str) -> Option<&'static str> {
    Some(match key.to_ascii_lowercase().as_str() {
        "width" | "w" => "width",
        "height" | "h" => "height",
        "fit" => "fit",
        "format" | "f" => "format",
        "quality" | "q" => "quality",
        "dpr" => "dpr",
        "gravity" | "g" => "gravity",
        "background" => "background",
        _ => return None,
    })
}

fn whole_number(
    name: &str,
    value: &str,
    range: std::ops::RangeInclusive<u32>,
) -> Result<u32, ImageOptionError> {
    let invalid =
        || refuse(name, format!("expected a whole number from {} to {}", range.start(), range.end()));
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    value.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or_else(invalid)
}

fn dimension(name: &str, value: &str) -> Result<u32, ImageOptionError> {
    whole_number(name, value, 1..=100_000)
}

fn quality(value: &str) -> Result<u8, ImageOptionError> {
    whole_number("quality", value, 1..=100).map(|q| q as u8)
}

fn dpr(value: &str) -> Result<u16, ImageOptionError> {
    let invalid = || refuse("dpr", "expected a number from 1 to 3, e.g. 2 or 1.5");
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || whole.len() > 1
        || fraction.len() > 2
        || ![whole, fraction].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid());
    }
    let hundredths = whole.parse::<u16>().map_err(|_| invalid())? * 100
        + if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<2}").parse::<u16>().map_err(|_| invalid())?
        };
    if (100..=300).contains(&hundredths) { Ok(hundredths) } else { Err(invalid()) }
}

fn fit(value: &str) -> Result<Fit, ImageOptionError> {
    Ok(match value {
        "scale-down" => Fit::ScaleDown,
        "contain" => Fit::Contain,
        "cover" => Fit::Cover,
        "crop" => Fit::Crop,
        "pad" => Fit::Pad,
        _ => return Err(refuse("fit", "expected scale-down, contain, cover, crop or pad")),
    })
}

fn fit_name(fit: Fit) -> &'static str {
    match fit {
        Fit::ScaleDown => "scale-down",
        Fit::Contain => "contain",
        Fit::Cover => "cover",
        Fit::Crop => "crop",
        Fit::Pad => "pad",
    }
}

fn format(value: &str) -> Result<Format, ImageOptionError> {
    Ok(match value {
        "auto" => Format::Auto,
        "avif" => Format::Avif,
        "webp" => Format::Webp,
        "jpeg" | "jpg" => Format::Jpeg,
        "png" => Format::Png,
        _ => return Err(refuse("format", "expected auto, avif, webp, jpeg or png")),
    })
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Auto => "auto",
        Format::Avif => "avif",
        Format::Webp => "webp",
        Format::Jpeg => "jpeg",
        Format::Png => "png",
    }
}

fn gravity(value: &str) -> Result<Gravity, ImageOptionError> {
    Ok(match value {
        "auto" => Gravity::Auto,
        "center" => Gravity::Center,
        "left" => Gravity::Left,
        "right" => Gravity::Right,
        "top" => Gravity::Top,
        "bottom" => Gravity::Bottom,
        point => {
            let invalid = || {
                refuse(
                    "gravity",
                    "expected auto, center, left, right, top, bottom or a point such as 0.5x0.33",
                )
            };
            let (x, y) = point.split_once('x').ok_or_else(invalid)?;
            Gravity::Point {
                x: unit_fraction(x).ok_or_else(invalid)?,
                y: unit_fraction(y).ok_or_else(invalid)?,
            }
        }
    })
}

fn gravity_name(gravity: Gravity) -> String {
    match gravity {
        Gravity::Auto => "auto".into(),
        Gravity::Center => "center".into(),
        Gravity::Left => "left".into(),
        Gravity::Right => "right".into(),
        Gravity::Top => "top".into(),
        Gravity::Bottom => "bottom".into(),
        Gravity::Point { x, y } => format!("{}x{}", thousandths(x), thousandths(y)),
    }
}

/// `0`, `1`, `0.5`, `0.125` → thousandths (0–1000).
fn unit_fraction(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.len() != 1 || fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = whole.parse::<u16>().ok()? * 1000
        + if fraction.is_empty() { 0 } else { format!("{fraction:0<3}").parse::<u16>().ok()? };
    (value <= 1000).then_some(value)
}

fn thousandths(value: u16) -> String {
    if value.is_multiple_of(1000) {
        (value / 1000).to_string()
    } else {
        format!("0.{value:03}").trim_end_matches('0').to_owned()
    }
}

/// Hex colours only: `rgb(r,g,b)` would need commas, which separate options in this grammar.
fn background(value: &str) -> Result<Rgb, ImageOptionError> {
    let invalid =
        || refuse("background", "expected a hex colour such as %23fff or %23f4a259 (#fff, #f4a259)");
    let hex = value.strip_prefix("%23").or_else(|| value.strip_prefix('#')).ok_or_else(invalid)?;
    let digits: Vec<u8> =
        hex.chars().map(|c| c.to_digit(16).map(|d| d as u8)).collect::<Option<_>>().ok_or_else(invalid)?;
    match digits.as_slice() {
        [r, g, b] => Ok(Rgb(r * 17, g * 17, b * 17)),
        [r1, r2, g1, g2, b1, b2] => Ok(Rgb(r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(options: &str) -> Result<ImageOptions, ImageOptionError> {
        ImageOptions::parse(options, &ImageLimits::default())
    }

    #[test]
    fn every_option_parses_in_long_and_short_form() {
        let long = parse(
            "width=400,height=300,fit=cover,format=webp,quality=80,dpr=2,gravity=0.5x0.25,background=#f4a259",
        )
        .unwrap();
        assert_eq!(
            long,
            ImageOptions {
                width: Some(400),
                height: Some(300),
                fit: Fit::Cover,
                format: Format::Webp,
                quality: 80,
                dpr_hundredths: 200,
                gravity: Gravity::Point { x: 500, y: 250 },
                background: Some(Rgb(0xf4, 0xa2, 0x59)),
            }
        );
        let short = parse("w=400,h=300,fit=cover,f=webp,q=80,dpr=2,g=0.5x0.25,background=%23f4a259").unwrap();
        assert_eq!(long, short);
        assert_eq!(parse("").unwrap(), ImageOptions::default());
    }

    #[test]
    fn each_fit_format_and_gravity_keyword_is_accepted() {
        for (text, expected) in [
            ("scale-down", Fit::ScaleDown),
            ("contain", Fit::Contain),
            ("cover", Fit::Cover),
            ("crop", Fit::Crop),
            ("pad", Fit::Pad),
        ] {
            assert_eq!(parse(&format!("fit={text}")).unwrap().fit, expected);
        }
        for (text, expected) in [
            ("auto", Format::Auto),
            ("avif", Format::Avif),
            ("webp", Format::Webp),
            ("jpeg", Format::Jpeg),
            ("jpg", Format::Jpeg),
            ("png", Format::Png),
        ] {
            assert_eq!(parse(&format!("format={text}")).unwrap().format, expected);
        }
        for text in ["auto", "center", "left", "right", "top", "bottom", "0x1", "1x0", "0.125x0.9"] {
            assert!(parse(&format!("gravity={text}")).is_ok(), "{text}");
        }
        assert_eq!(parse("background=#fff").unwrap().background, Some(Rgb(255, 255, 255)));
        assert_eq!(parse("dpr=1.5").unwrap().dpr_hundredths, 150);
    }

    #[test]
    fn invalid_options_are_refused_naming_the_option() {
        for (options, option) in [
            ("width=0", "width"),
            ("width=-5", "width"),
            ("width=abc", "width"),
            ("w=400,w=500", "width"),
            ("height=1e3", "height"),
            ("fit=stretch", "fit"),
            ("format=gif", "format"),
            ("quality=0", "quality"),
            ("quality=101", "quality"),
            ("dpr=0.5", "dpr"),
            ("dpr=4", "dpr"),
            ("dpr=1.555", "dpr"),
            ("gravity=north", "gravity"),
            ("gravity=2x0", "gravity"),
            ("background=red", "background"),
            ("background=#ggg", "background"),
            ("background=rgb(300", "background"),
            ("background=#12345", "background"),
            ("rotate=90", "rotate"),
            ("width", "width"),
        ] {
            let error = parse(options).unwrap_err();
            assert_eq!(error.option, option, "{options}: {error}");
            assert!(error.to_string().contains(option));
        }
    }

    #[test]
    fn outputs_past_the_size_limit_are_refused_after_dpr() {
        assert!(parse("width=4096").is_ok());
        let error = parse("width=2100,dpr=2").unwrap_err();
        assert_eq!(error.option, "width");
        assert!(error.message.contains("4200 px"), "{error}");
        assert!(parse("height=100000").is_err());
        assert!(parse(&"w=1,".repeat(200)).is_err(), "over-long option strings are refused");
    }

    #[test]
    fn canonical_form_is_the_same_for_equal_options_and_parses_back() {
        let a = parse("f=auto,w=400,q=85").unwrap();
        let b = parse("width=400,format=auto").unwrap();
        assert_eq!(a.canonical(), b.canonical());
        assert_eq!(a.canonical(), "width=400");
        let full = parse("w=400,h=300,fit=pad,f=webp,q=70,dpr=1.5,g=0.5x0.25,background=#0a0b0c").unwrap();
        assert_eq!(parse(&full.canonical()).unwrap(), full);
    }

    #[test]
    fn format_auto_falls_into_three_buckets_by_accept() {
        let auto = Format::Auto;
        assert_eq!(auto.negotiate(Some("image/avif,image/webp,image/apng,*/*;q=0.8")), Format::Avif);
        assert_eq!(auto.negotiate(Some("image/webp,*/*")), Format::Webp);
        assert_eq!(auto.negotiate(Some("image/avif;q=0,image/webp")), Format::Webp);
        assert_eq!(auto.negotiate(Some("*/*")), Format::Jpeg);
        assert_eq!(auto.negotiate(None), Format::Jpeg);
        assert_eq!(Format::Png.negotiate(Some("image/avif")), Format::Png, "an explicit format wins");
    }

    /// A cheap in-suite fuzz run (the libFuzzer target in `fuzz/` goes further): random
    /// strings built from the grammar's own characters never panic the parser, and whatever
    /// parses survives a round trip through its canonical form.
    #[test]
    fn random_option_strings_never_panic_and_round_trip() {
        const ALPHABET: &[u8] = b"whfqdgbacklrtopsnmx0123456789.=,%#-_ ";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let len = (state % 40) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
                })
                .collect();
            if let Ok(options) = parse(&text) {
                assert_eq!(parse(&options.canonical()).as_ref(), Ok(&options), "{text:?}");
            }
        }
    }
}
