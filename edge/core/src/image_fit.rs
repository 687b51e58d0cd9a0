//! Where the pixels go: from a source's size and the parsed options to the size the source is
//! scaled to, the part of it kept, and the canvas it lands on — Cloudflare's `fit` semantics,
//! as plain arithmetic with no pixels involved, so every case is a cheap unit test.
//!
//! - `scale-down`: fit inside the box, never enlarge (the default).
//! - `contain`: fit inside the box, enlarging if needed.
//! - `cover`: fill the box exactly, cropping what overflows around `gravity`.
//! - `crop`: like `cover`, but never enlarge (a smaller source is kept whole, as `scale-down`).
//! - `pad`: fit inside the box and fill the rest of it with `background`.
//!
//! With only one side given, the box is unbounded in the other direction, so `cover`, `crop`
//! and `pad` fit like `contain` / `scale-down`. With neither, the source keeps its size (capped
//! at the output limit).

use linkedall_shared::image_options::{Fit, Gravity, ImageOptions};

/// What to do with one source image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The whole source is resized to this.
    pub scaled: (u32, u32),
    /// The part of the scaled image kept: x, y, width, height.
    pub crop: (u32, u32, u32, u32),
    /// The output's size; larger than the crop only for `pad`.
    pub canvas: (u32, u32),
    /// Where the kept part sits on the canvas.
    pub offset: (u32, u32),
}

impl Plan {
    /// Whether the output has areas the source does not cover (filled with the background).
    pub fn pads(&self) -> bool {
        self.canvas != (self.crop.2, self.crop.3)
    }
}

/// The plan for a `source` of this size under `options`, no side over `max_dimension`.
pub fn plan(source: (u32, u32), options: &ImageOptions, max_dimension: u32) -> Plan {
    let (sw, sh) = (f64::from(source.0.max(1)), f64::from(source.1.max(1)));
    let max = f64::from(max_dimension.max(1));
    let box_w = options.width.map(|w| f64::from(options.output_pixels(w)));
    let box_h = options.height.map(|h| f64::from(options.output_pixels(h)));
    let enlarges = matches!(options.fit, Fit::Contain | Fit::Cover | Fit::Pad);
    let both = box_w.is_some() && box_h.is_some();
    let fills = both && matches!(options.fit, Fit::Cover | Fit::Crop);
    let inside = |w: Option<f64>, h: Option<f64>| match (w, h) {
        (Some(w), Some(h)) => (w / sw).min(h / sh),
        (Some(w), None) => w / sw,
        (None, Some(h)) => h / sh,
        (None, None) => 1.0,
    };
    let mut scale =
        if fills { (box_w.unwrap_or(sw) / sw).max(box_h.unwrap_or(sh) / sh) } else { inside(box_w, box_h) };
    if !enlarges {
        scale = scale.min(1.0);
    }
    // The output limit holds whatever the options say (the parser checked the box already;
    // this catches "no size given" on a large source).
    scale = scale.min(max / sw).min(max / sh);
    let scaled = (side(sw * scale), side(sh * scale));
    let (crop_w, crop_h) = if fills {
        (scaled.0.min(box_w.map_or(scaled.0, side)), scaled.1.min(box_h.map_or(scaled.1, side)))
    } else {
        scaled
    };
    let (x, y) = anchor(options.gravity, scaled, (crop_w, crop_h));
    let canvas = match (options.fit, box_w, box_h) {
        (Fit::Pad, Some(w), Some(h)) => (side(w).max(crop_w), side(h).max(crop_h)),
        _ => (crop_w, crop_h),
    };
    let offset = ((canvas.0 - crop_w) / 2, (canvas.1 - crop_h) / 2);
    Plan { scaled, crop: (x, y, crop_w, crop_h), canvas, offset }
}

/// The width the whole source should have before cropping, assuming it could be enlarged
/// freely: what a copy must be at least as wide as to serve these options without upscaling.
pub fn needed_source_width(source: (u32, u32), options: &ImageOptions, max_dimension: u32) -> u32 {
    let unbounded = ImageOptions {
        fit: match options.fit {
            Fit::ScaleDown => Fit::Contain,
            Fit::Crop => Fit::Cover,
            other => other,
        },
        ..*options
    };
    plan(source, &unbounded, max_dimension).scaled.0
}

fn side(pixels: f64) -> u32 {
    pixels.round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// Top-left corner of a `window` inside `scaled`, placed by gravity.
fn anchor(gravity: Gravity, scaled: (u32, u32), window: (u32, u32)) -> (u32, u32) {
    let (spare_x, spare_y) = (scaled.0 - window.0, scaled.1 - window.1);
    let centre = |spare: u32| spare / 2;
    let focal = |spare: u32, size: u32, window: u32, thousandths: u16| {
        // Centre the window on the focal point, kept inside the image.
        let point = u64::from(size) * u64::from(thousandths) / 1000;
        (point.saturating_sub(u64::from(window) / 2) as u32).min(spare)
    };
    match gravity {
        Gravity::Auto | Gravity::Center => (centre(spare_x), centre(spare_y)),
        Gravity::Left => (0, centre(spare_y)),
        Gravity::Right => (spare_x, centre(spare_y)),
        Gravity::Top => (centre(spare_x), 0),
        Gravity::Bottom => (centre(spare_x), spare_y),
        Gravity::Point { x, y } => {
            (focal(spare_x, scaled.0, window.0, x), focal(spare_y, scaled.1, window.1, y))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::image_options::ImageLimits;

    fn options(text: &str) -> ImageOptions {
        ImageOptions::parse(text, &ImageLimits::default()).unwrap()
    }

    fn plan_of(source: (u32, u32), text: &str) -> Plan {
        plan(source, &options(text), 4096)
    }

    #[test]
    fn scale_down_fits_inside_and_never_enlarges() {
        let plan = plan_of((2000, 1500), "width=640");
        assert_eq!((plan.scaled, plan.canvas), ((640, 480), (640, 480)));
        assert_eq!(plan.crop, (0, 0, 640, 480));
        assert_eq!(plan_of((2000, 1500), "width=640,height=100").canvas, (133, 100));
        assert_eq!(plan_of((300, 200), "width=640").canvas, (300, 200), "never enlarged");
        assert_eq!(plan_of((2000, 1500), "width=320,dpr=2").canvas, (640, 480), "dpr multiplies");
    }

    #[test]
    fn contain_enlarges() {
        assert_eq!(plan_of((300, 200), "width=600,fit=contain").canvas, (600, 400));
        assert_eq!(plan_of((300, 200), "height=100,fit=contain").canvas, (150, 100));
    }

    #[test]
    fn cover_fills_the_box_and_crops_around_gravity() {
        let centre = plan_of((2000, 1500), "width=400,height=400,fit=cover");
        assert_eq!(centre.scaled, (533, 400));
        assert_eq!(centre.crop, (66, 0, 400, 400));
        assert_eq!(centre.canvas, (400, 400));
        assert_eq!(plan_of((2000, 1500), "width=400,height=400,fit=cover,gravity=left").crop.0, 0);
        assert_eq!(plan_of((2000, 1500), "width=400,height=400,fit=cover,gravity=right").crop.0, 133);
        let tall = plan_of((1000, 3000), "width=400,height=400,fit=cover,gravity=top");
        assert_eq!((tall.scaled, tall.crop), ((400, 1200), (0, 0, 400, 400)));
        let focal = plan_of((1000, 3000), "width=400,height=400,fit=cover,gravity=0.5x0.9");
        assert_eq!(focal.crop.1, 800, "kept inside the image");
        let focal = plan_of((1000, 3000), "width=400,height=400,fit=cover,gravity=0.5x0.3");
        assert_eq!(focal.crop.1, 160, "centred on the point");
        assert_eq!(plan_of((100, 100), "width=400,height=200,fit=cover").canvas, (400, 200), "enlarges");
    }

    #[test]
    fn crop_is_cover_without_enlarging() {
        assert_eq!(plan_of((2000, 1500), "width=400,height=400,fit=crop").canvas, (400, 400));
        let small = plan_of((300, 2000), "width=400,height=400,fit=crop");
        assert_eq!((small.scaled, small.canvas), ((300, 2000), (300, 400)));
    }

    #[test]
    fn pad_fits_inside_and_fills_the_box() {
        let plan = plan_of((2000, 1000), "width=400,height=400,fit=pad");
        assert_eq!((plan.scaled, plan.canvas, plan.offset), ((400, 200), (400, 400), (0, 100)));
        assert!(plan.pads());
        assert!(!plan_of((2000, 1000), "width=400,fit=pad").pads(), "one side: nothing to pad");
    }

    #[test]
    fn no_output_side_is_over_the_limit() {
        assert_eq!(plan_of((12000, 6000), "").canvas, (4096, 2048));
        assert_eq!(plan((6000, 3000), &options("width=3000,fit=contain"), 1000).canvas, (1000, 500));
    }

    #[test]
    fn the_source_needed_is_what_the_box_asks_before_cropping() {
        let source = (2000, 1500);
        assert_eq!(needed_source_width(source, &options("width=640"), 4096), 640);
        assert_eq!(needed_source_width(source, &options("width=400,height=400,fit=cover"), 4096), 533);
        assert_eq!(needed_source_width(source, &options("height=600"), 4096), 800);
        assert_eq!(needed_source_width((300, 200), &options("width=640"), 4096), 640, "as if enlargeable");
    }
}
