//! `/cdn-cgi/image/<options>/<source>`: product photos at the size and in the format a page
//! asks for, in Cloudflare's URL grammar, on every edge host.
//!
//! A request's path: the options are parsed ([`ImageOptions::parse`]: every limit checked
//! before any pixel is touched; 400 naming the option) → the source must be one of the shop's
//! own originals (`/media/products/{id}/{hash}.{ext}`; anything else is 400, so this is never
//! an open proxy) → [`Delivery::choose`] decides between a preset and a resize:
//!
//! - **Preset**: the width is one of the origin's preset widths and nothing else is asked
//!   (dpr 1, no height, default fit and quality, format auto/webp/jpeg/avif). No signature is
//!   needed; the origin's pre-generated variant is served as it is. `format=auto` picks the
//!   variant by `Accept` in three buckets (AVIF, WebP, JPEG) with `Vary: Accept`.
//! - **Resize**: anything else needs a signed URL ([`SigningKeys::verify`]; 403 without one)
//!   and is resized here from the smallest copy at least as large as needed.
//!
//! Either way the answer is cached under a key holding the source, the canonical options and
//! the delivered format, tagged `product:ID` so purging a product drops its images too.

use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use linkedall_shared::image_options::{Format, ImageLimits, ImageOptions};
use linkedall_shared::image_signature::{SIGNATURE_PARAM, SignatureError};
use linkedall_shared::{MediaPath, PhotoFormat, Preset};

use crate::cache;
use crate::coalesce::{self, Outcome, Turn};
use crate::host::{CacheKey, Cached, Host, OriginError, Timestamp};
use crate::image_fit;
use crate::image_resize::{self, Output};
use crate::origin;
use crate::problem::Problem;
use crate::purge_journal;
use crate::route::param;
use crate::trace::{REQUEST_ID, RequestContext, TRACEPARENT};

/// How long the edge keeps an image: paths carry the photo's content hash, so a copy never
/// goes out of date; a product's purge (`product:ID`) still drops it.
pub const IMAGE_TTL_SECS: u32 = 30 * 24 * 60 * 60;

/// How long a stand-in is kept when the origin has not generated a preset yet: short, so the
/// real variant replaces it soon.
pub const STAND_IN_TTL_SECS: u32 = 60;

/// Largest source the edge reads from the origin, in bytes.
pub const MAX_SOURCE_BYTES: usize = 25 * 1024 * 1024;

/// Browsers may keep an image for a year: its address changes when the photo does.
const BROWSER_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// Metrics and logs name this route so.
const LABEL: &str = "image";

/// What the edge will send for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The origin's pre-generated variant, trying these formats in order (the AVIF bucket
    /// falls back to WebP while the origin has no AVIF copy).
    Preset { preset: Preset, formats: &'static [PhotoFormat], bucket: Format, varies: bool },
    /// Resized here, encoded as `output`.
    Resize { output: Output },
}

impl Delivery {
    /// Decides preset or resize from the options and the browser's `Accept` header.
    pub fn choose(options: &ImageOptions, accept: Option<&str>) -> Result<Delivery, String> {
        let bucket = options.format.negotiate(accept);
        let plain = ImageOptions { width: options.width, format: options.format, ..ImageOptions::default() };
        let preset = options.width.and_then(Preset::of_width).filter(|_| *options == plain);
        if let Some(preset) = preset {
            let formats: &'static [PhotoFormat] = match bucket {
                Format::Avif => &[PhotoFormat::Avif, PhotoFormat::Webp],
                Format::Webp => &[PhotoFormat::Webp],
                Format::Jpeg | Format::Auto => &[PhotoFormat::Jpeg],
                Format::Png => &[],
            };
            if !formats.is_empty() {
                let varies = options.format == Format::Auto;
                return Ok(Delivery::Preset { preset, formats, bucket, varies });
            }
        }
        let output = match options.format {
            // Any browser takes JPEG, and for photos a q85 JPEG is a fraction of the lossless
            // WebP this edge could encode (see the README): so `auto` does not vary here, and an
            // explicit `webp` off the presets gets a JPEG too (with its own content type) —
            // never a lossless photograph.
            Format::Auto | Format::Jpeg | Format::Webp => Output::Jpeg,
            Format::Png => Output::Png,
            Format::Avif => {
                return Err("avif is served only at preset widths (160, 400, 800, 1600) the origin has \
                            encoded; use format=auto, webp, jpeg or png for other sizes"
                    .into());
            }
        };
        Ok(Delivery::Resize { output })
    }

    fn needs_signature(&self) -> bool {
        matches!(self, Delivery::Resize { .. })
    }

    /// The cache key's last part: what was delivered, so `format=auto` keeps at most one copy
    /// per bucket.
    fn variant(&self) -> &'static str {
        match self {
            Delivery::Preset { bucket, .. } => match bucket {
                Format::Avif => "avif",
                Format::Webp => "webp",
                _ => "jpeg",
            },
            Delivery::Resize { output } => output.name(),
        }
    }
}

/// The cache key of one delivered image. Its path is the source, so a URL or prefix purge of
/// `/media/products/42/` reaches every size of the product's photos.
pub fn key(source: &str, options: &ImageOptions, delivery: &Delivery) -> CacheKey {
    CacheKey(format!(
        "{}|{source}|image={};as={}",
        linkedall_shared::EDGE_CACHE_KEY_VERSION,
        options.canonical(),
        delivery.variant()
    ))
}

/// Serves `/cdn-cgi/image/{options}/{source}`.
pub async fn serve<H: Host>(
    request: &Request<Bytes>,
    options: &str,
    source: &str,
    host: &H,
    ctx: &RequestContext,
) -> Response<Bytes> {
    let (response, kind) = match answer(request, options, source, host, ctx).await {
        Ok((response, kind)) => (response, kind),
        Err(problem) => {
            tracing::info!(status = problem.status, kind = problem.kind, detail = %problem.detail, "image refused");
            (problem.response(), "refused")
        }
    };
    metrics::counter!("edge_image_requests_total", "kind" => kind, "status" => response.status().as_u16().to_string())
        .increment(1);
    if response.status() == StatusCode::OK {
        metrics::counter!("edge_image_bytes_total", "direction" => "served")
            .increment(response.body().len() as u64);
    }
    response
}

async fn answer<H: Host>(
    request: &Request<Bytes>,
    options_text: &str,
    source: &str,
    host: &H,
    ctx: &RequestContext,
) -> Result<(Response<Bytes>, &'static str), Problem> {
    let limits = ImageLimits::default();
    let options = ImageOptions::parse(options_text, &limits)
        .map_err(|error| Problem::new(400, "image-option", error.to_string()).about(error.option.clone()))?;
    let source = format!("/{}", source.trim_start_matches('/'));
    let Some(MediaPath::Original { product, .. }) = MediaPath::parse(&source) else {
        return Err(Problem::new(
            400,
            "image-source",
            "only the shop's own product photos can be resized: the source must be \
             /media/products/{id}/{hash}.{jpg|png|webp}",
        ));
    };
    let accept = request.headers().get(http::header::ACCEPT).and_then(|v| v.to_str().ok());
    let delivery = Delivery::choose(&options, accept)
        .map_err(|detail| Problem::new(400, "image-option", detail).about("format"))?;
    if delivery.needs_signature() {
        let signature = param(request.uri().query(), SIGNATURE_PARAM);
        host.image_signing_keys().verify(&options, &source, signature.as_deref()).map_err(|error| {
            metrics::counter!("edge_image_signature_refusals_total", "reason" => refusal_reason(&error))
                .increment(1);
            Problem::new(403, "image-signature", error.to_string())
        })?;
    }
    let kind = if delivery.needs_signature() { "resize" } else { "preset" };
    let key = key(&source, &options, &delivery);
    let now = host.now();
    let journal = purge_journal::current(host, ctx).await;
    let cached = host.cache_get(&key).await.filter(|entry| {
        let purged = journal.purges(&key, entry);
        if purged {
            metrics::counter!("edge_cache_total", "route" => LABEL, "result" => "purged").increment(1);
        }
        !purged
    });
    let if_none_match = request.headers().get(http::header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
    if let Some(entry) = cached.as_ref().filter(|entry| entry.is_fresh(now)) {
        metrics::counter!("edge_cache_total", "route" => LABEL, "result" => "hit").increment(1);
        let ttl_left = u64::from(entry.ttl_secs).saturating_sub(entry.age_secs(now));
        return Ok((respond(entry, &cache::status_hit(ttl_left), if_none_match, now), kind));
    }
    let leader = match coalesce::turn(&key) {
        Turn::Lead(leader) => Some(leader),
        Turn::Wait(outcome) => match outcome.await {
            Ok(Outcome { entry, .. }) => {
                metrics::counter!("edge_cache_total", "route" => LABEL, "result" => "collapsed").increment(1);
                return Ok((respond(&entry, &cache::status_collapsed(), if_none_match, now), kind));
            }
            Err(_) => None,
        },
    };
    metrics::counter!("edge_cache_total", "route" => LABEL, "result" => "miss").increment(1);
    let produced = produce(&source, &options, &delivery, &limits, host, ctx).await;
    let outcome = match produced {
        Ok(image) => {
            let entry = image.into_entry(product.get(), now, journal.known());
            let stored = entry.ttl_secs > 0;
            if stored {
                host.cache_put(&key, entry.clone()).await;
            }
            Outcome { entry, cache_status: cache::status_miss(stored) }
        }
        Err(problem) => {
            match cached.filter(|entry| cache::usable_if_error(entry, now, host.max_stale_secs())) {
                Some(entry) if problem.status >= 500 => {
                    tracing::warn!(detail = %problem.detail, "origin failed; serving the stale image");
                    let overdue = entry.age_secs(now).saturating_sub(u64::from(entry.ttl_secs));
                    Outcome { entry, cache_status: cache::status_stale_if_error(overdue) }
                }
                _ => return Err(problem),
            }
        }
    };
    if let Some(leader) = leader {
        leader.finish(&outcome);
    }
    Ok((respond(&outcome.entry, &outcome.cache_status, if_none_match, now), kind))
}

fn refusal_reason(error: &SignatureError) -> &'static str {
    match error {
        SignatureError::Missing => "missing",
        SignatureError::Malformed => "malformed",
        SignatureError::UnknownKey(_) => "unknown_key",
        SignatureError::Mismatch => "mismatch",
        SignatureError::NoKeys => "no_keys",
    }
}

/// An image ready to cache and send.
struct Image {
    bytes: Bytes,
    media_type: &'static str,
    varies: bool,
    ttl_secs: u32,
}

impl Image {
    fn into_entry(self, product: i64, now: Timestamp, purge_seq: u64) -> Cached {
        let mut headers = vec![
            ("content-type".to_owned(), self.media_type.to_owned()),
            ("cache-control".to_owned(), BROWSER_CACHE_CONTROL.to_owned()),
            ("etag".to_owned(), cache::etag(&self.bytes)),
        ];
        if self.varies {
            headers.push(("vary".to_owned(), "Accept".to_owned()));
        }
        Cached {
            status: 200,
            headers,
            body: self.bytes,
            stored_at: now,
            ttl_secs: self.ttl_secs,
            tags: vec![format!("product:{product}")],
            purge_seq,
        }
    }
}

async fn produce<H: Host>(
    source: &str,
    options: &ImageOptions,
    delivery: &Delivery,
    limits: &ImageLimits,
    host: &H,
    ctx: &RequestContext,
) -> Result<Image, Problem> {
    let Some(MediaPath::Original { product, hash, .. }) = MediaPath::parse(source) else {
        return Err(Problem::new(400, "image-source", "not a product photo"));
    };
    let variant = |preset: Preset, format: PhotoFormat| {
        format!("{}{product}/{hash}/{}.{}", MediaPath::PREFIX, preset.name(), format.extension())
    };
    match *delivery {
        Delivery::Preset { preset, formats, varies, .. } => {
            for format in formats {
                if let Some(bytes) = fetch(host, ctx, &variant(preset, *format)).await? {
                    return Ok(Image {
                        bytes,
                        media_type: format.media_type(),
                        varies,
                        ttl_secs: IMAGE_TTL_SECS,
                    });
                }
            }
            // The origin makes presets after the upload answers: until they exist, resize the
            // original here and keep that only briefly.
            tracing::info!(preset = preset.name(), "preset not generated yet; resizing the original");
            metrics::counter!("edge_image_preset_stand_ins_total").increment(1);
            let output = Output::Jpeg;
            let original = fetch(host, ctx, source)
                .await?
                .ok_or_else(|| Problem::new(404, "image-not-found", "there is no such product photo"))?;
            let image = resize(&original, options, output, limits, host)?;
            Ok(Image { ttl_secs: STAND_IN_TTL_SECS, varies: false, ..image })
        }
        Delivery::Resize { output } => {
            // The smallest preset at least as wide as the output, or the original: decoding a
            // 400 px copy is far cheaper than decoding a 12-megapixel original.
            let wanted = options
                .width
                .map(|w| options.output_pixels(w))
                .or_else(|| options.height.map(|h| options.output_pixels(h)))
                .unwrap_or(u32::MAX);
            let candidates = Preset::ALL
                .into_iter()
                .filter(|preset| preset.width() >= wanted)
                .map(|preset| (Some(preset), variant(preset, PhotoFormat::Jpeg)))
                .chain([(None, source.to_owned())]);
            // Raised when a copy turns out too small for these options (a wide crop, say).
            let mut floor = wanted;
            for (preset, path) in candidates {
                if preset.is_some_and(|preset| preset.width() < floor) {
                    continue;
                }
                let Some(bytes) = fetch(host, ctx, &path).await? else { continue };
                let size = image_resize::dimensions(&bytes).map_err(|error| {
                    Problem::new(502, "image-unreadable", format!("the stored photo cannot be read: {error}"))
                })?;
                let needed = image_fit::needed_source_width(size, options, limits.max_dimension);
                if size.0 < needed && preset.is_some() {
                    floor = needed;
                    continue;
                }
                return resize(&bytes, options, output, limits, host);
            }
            Err(Problem::new(404, "image-not-found", "there is no such product photo"))
        }
    }
}

fn resize<H: Host>(
    bytes: &[u8],
    options: &ImageOptions,
    output: Output,
    limits: &ImageLimits,
    host: &H,
) -> Result<Image, Problem> {
    let started = host.now();
    let encoded = image_resize::render(bytes, options, output, limits.max_dimension).map_err(|error| {
        Problem::new(502, "image-unreadable", format!("the stored photo cannot be resized: {error}"))
    })?;
    let seconds = host.now().millis().saturating_sub(started.millis()) as f64 / 1000.0;
    metrics::counter!("edge_image_resizes_total", "format" => output.name()).increment(1);
    metrics::histogram!("edge_image_resize_seconds").record(seconds);
    tracing::info!(
        width = encoded.width,
        height = encoded.height,
        format = output.name(),
        bytes = encoded.bytes.len(),
        source_bytes = bytes.len(),
        "image resized"
    );
    Ok(Image {
        media_type: output.media_type(),
        bytes: Bytes::from(encoded.bytes),
        varies: false,
        ttl_secs: IMAGE_TTL_SECS,
    })
}

/// GETs a stored photo from the origin: `Some(bytes)` on 200, `None` on 404, a problem for
/// anything else.
async fn fetch<H: Host>(host: &H, ctx: &RequestContext, path: &str) -> Result<Option<Bytes>, Problem> {
    let request = Request::get(path)
        .header(REQUEST_ID, &ctx.request_id)
        .header(TRACEPARENT, ctx.traceparent())
        .body(Bytes::new())
        .map_err(|e| Problem::new(400, "image-source", format!("invalid source: {e}")))?;
    let response = origin::send(host, ctx, request).await.map_err(|error| match error {
        OriginError::Unreachable(_) | OriginError::Timeout(_) => {
            Problem::new(503, "origin-unavailable", "the shop's photos cannot be reached right now")
        }
    })?;
    match response.status().as_u16() {
        200 => {
            let body = response.into_body();
            if body.len() > MAX_SOURCE_BYTES {
                return Err(Problem::new(502, "image-unreadable", "the stored photo is too large"));
            }
            metrics::counter!("edge_image_bytes_total", "direction" => "origin").increment(body.len() as u64);
            Ok(Some(body))
        }
        404 => Ok(None),
        status => {
            tracing::warn!(status, path, "origin error for a photo");
            Err(Problem::new(502, "origin-error", format!("the origin answered {status} for the photo")))
        }
    }
}

/// Replays a cached image, or 304 when the browser holds this exact one.
fn respond(
    entry: &Cached,
    cache_status: &str,
    if_none_match: Option<&str>,
    now: Timestamp,
) -> Response<Bytes> {
    let etag = entry.headers.iter().find(|(name, _)| name == "etag").map(|(_, value)| value.as_str());
    let mut response = match (etag, if_none_match) {
        (Some(etag), Some(condition)) if cache::etag_matches(condition, etag) => {
            let mut not_modified = Response::new(Bytes::new());
            *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
            for (name, value) in entry.headers.iter().filter(|(name, _)| name != "content-type") {
                set(not_modified.headers_mut(), name, value);
            }
            not_modified
        }
        _ => {
            let mut response = Response::new(entry.body.clone());
            *response.status_mut() = StatusCode::from_u16(entry.status).unwrap_or(StatusCode::OK);
            for (name, value) in &entry.headers {
                set(response.headers_mut(), name, value);
            }
            response
        }
    };
    response.headers_mut().insert(http::header::AGE, entry.age_secs(now).into());
    set(response.headers_mut(), "cache-status", cache_status);
    response
}

fn set(headers: &mut http::HeaderMap, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (http::HeaderName::try_from(name), HeaderValue::from_str(value)) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> ImageOptions {
        ImageOptions::parse(text, &ImageLimits::default()).unwrap()
    }

    const CHROME: &str = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8";

    #[test]
    fn preset_widths_with_nothing_else_are_presets() {
        for text in ["width=400", "width=400,format=auto", "w=160,f=webp", "width=1600,format=jpeg"] {
            assert!(
                matches!(Delivery::choose(&options(text), Some(CHROME)), Ok(Delivery::Preset { .. })),
                "{text}"
            );
        }
        for text in [
            "width=401",
            "width=400,dpr=2",
            "width=400,height=300",
            "width=400,quality=50",
            "width=400,fit=cover",
            "width=400,format=png",
            "height=400",
        ] {
            assert!(
                matches!(Delivery::choose(&options(text), Some(CHROME)), Ok(Delivery::Resize { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn format_auto_picks_the_variant_by_accept_in_three_buckets() {
        let auto = options("width=400,format=auto");
        let bucket = |accept: Option<&str>| match Delivery::choose(&auto, accept).unwrap() {
            Delivery::Preset { bucket, varies, formats, .. } => (bucket, varies, formats[0]),
            other => panic!("{other:?}"),
        };
        assert_eq!(bucket(Some(CHROME)), (Format::Avif, true, PhotoFormat::Avif));
        assert_eq!(bucket(Some("image/webp,*/*")), (Format::Webp, true, PhotoFormat::Webp));
        assert_eq!(bucket(Some("*/*")), (Format::Jpeg, true, PhotoFormat::Jpeg));
        assert_eq!(bucket(None), (Format::Jpeg, true, PhotoFormat::Jpeg));
        let webp = Delivery::choose(&options("width=400,format=webp"), Some("*/*")).unwrap();
        assert!(matches!(webp, Delivery::Preset { varies: false, .. }), "an explicit format does not vary");
        let keys: std::collections::HashSet<_> =
            [Some(CHROME), Some("image/webp"), Some("*/*"), None, Some("text/html")]
                .into_iter()
                .map(|accept| {
                    key("/media/products/1/x.jpg", &auto, &Delivery::choose(&auto, accept).unwrap())
                })
                .collect();
        assert_eq!(keys.len(), 3, "at most three copies");
    }

    #[test]
    fn resized_images_are_jpeg_for_auto_and_avif_is_refused() {
        assert_eq!(
            Delivery::choose(&options("width=640"), Some(CHROME)),
            Ok(Delivery::Resize { output: Output::Jpeg })
        );
        assert_eq!(
            Delivery::choose(&options("width=640,format=webp"), Some(CHROME)),
            Ok(Delivery::Resize { output: Output::Jpeg }),
            "never a lossless photograph"
        );
        assert!(
            Delivery::choose(&options("width=640,format=avif"), Some(CHROME)).unwrap_err().contains("avif")
        );
    }
}
