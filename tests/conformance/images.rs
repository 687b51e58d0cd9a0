//! Image cases of the conformance suite, the same on every edge host: a stand-in origin (no
//! database needed) holds a generated 2000×1500 JPEG and its preset variants at their
//! `/media/products/…` paths, as the origin's upload stores them, plus an empty purge journal.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use linkedall_images::fixtures::jpeg;
use linkedall_images::{Header, Limits};
use linkedall_shared::image_options::{ImageLimits, ImageOptions};
use linkedall_shared::image_signature::SigningKeys;
use linkedall_shared::{Photo, PhotoFormat, Preset, ProductId, PurgeFeed, wire};

use super::{Host, Kind};

const KEYS: &str = "conf2:a conformance secret long enough";

fn photo() -> Photo {
    Photo {
        product: ProductId::new(7),
        hash: "00112233445566778899aabbccddeeff".into(),
        format: PhotoFormat::Jpeg,
        width: 2000,
        height: 1500,
        thumbhash: String::new(),
    }
}

/// Stored copies by path: bytes and media type.
type MediaFiles = Arc<HashMap<String, (Vec<u8>, &'static str)>>;

/// The stand-in origin: every stored copy of the photo, and a purge journal with nothing in it.
async fn spawn_media_origin() -> String {
    let photo = photo();
    let mut files: HashMap<String, (Vec<u8>, &'static str)> = HashMap::new();
    files.insert(photo.original_path(), (jpeg(2000, 1500), "image/jpeg"));
    for preset in Preset::ALL {
        let (w, h) = (preset.width(), photo.height_at(preset.width()));
        files.insert(photo.variant_path(preset, PhotoFormat::Jpeg), (jpeg(w, h), "image/jpeg"));
        // The edge passes the origin's WebP through untouched; its bytes name the preset.
        let webp = format!("RIFF-stand-in webp {}", preset.name()).into_bytes();
        files.insert(photo.variant_path(preset, PhotoFormat::Webp), (webp, "image/webp"));
    }
    let files = Arc::new(files);
    let app = axum::Router::new().fallback(|State(files): State<MediaFiles>, request: Request| async move {
        let path = request.uri().path().to_owned();
        if path == "/api/v1/cache/purges" {
            let feed = PurgeFeed { purges: Vec::new(), latest: 0, truncated: false };
            return ([("content-type", wire::MEDIA_TYPE)], wire::encode(&feed)).into_response();
        }
        match files.get(&path) {
            Some((bytes, media_type)) => ([("content-type", *media_type)], bytes.clone()).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app.with_state(files)).await.unwrap() });
    url
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn size(&self) -> (u32, u32) {
        let header = Header::read(&self.body, &Limits::default()).expect("an image");
        (header.width, header.height)
    }
}

async fn get(client: &reqwest::Client, url: String, accept: &str) -> Answer {
    let response = client.get(url).header("accept", accept).send().await.expect("edge answers");
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    Answer { status, headers, body: response.bytes().await.unwrap().to_vec() }
}

fn signed(options: &str) -> String {
    let options = ImageOptions::parse(options, &ImageLimits::default()).unwrap();
    SigningKeys::parse(KEYS).unwrap().signed_url(&options, &photo().original_path()).unwrap()
}

pub async fn conforms(kind: Kind) {
    let origin = spawn_media_origin().await;
    let Some(host) = Host::start_with_keys(kind, &origin, KEYS).await else { return };
    let client = reqwest::Client::new();
    let edge = |path: &str| format!("{}{path}", host.url);
    let original = photo().original_path();

    // A preset needs no signature; format=auto picks the origin's variant by Accept, in
    // buckets, with Vary: Accept.
    let preset = edge(&format!("/cdn-cgi/image/width=400,format=auto{original}"));
    let webp = get(&client, preset.clone(), "image/webp,*/*").await;
    assert_eq!(webp.status, 200, "{kind:?} preset");
    assert_eq!(webp.header("content-type"), "image/webp", "{kind:?}");
    assert_eq!(webp.header("vary"), "Accept", "{kind:?}");
    assert_eq!(webp.body, b"RIFF-stand-in webp card", "{kind:?} the origin's own variant");
    let jpeg = get(&client, preset.clone(), "*/*").await;
    assert_eq!(jpeg.header("content-type"), "image/jpeg", "{kind:?}");
    assert_eq!(jpeg.size(), (400, 300), "{kind:?}");
    let again = get(&client, preset.clone(), "image/avif,image/webp,*/*").await;
    assert_eq!(again.body, webp.body, "{kind:?} AVIF browsers get the WebP copy");
    let hit = get(&client, preset, "image/webp,*/*").await;
    assert!(
        hit.header("cache-status").contains("; hit"),
        "{kind:?} bucket cached: {}",
        hit.header("cache-status")
    );

    // Any other size needs a valid signature.
    let unsigned = get(&client, edge(&format!("/cdn-cgi/image/width=640{original}")), "*/*").await;
    assert_eq!(unsigned.status, 403, "{kind:?} unsigned");
    assert_eq!(unsigned.header("content-type"), "application/problem+json", "{kind:?}");
    let good = signed("width=640");
    let tampered = get(&client, edge(&good.replace("width=640", "width=1280")), "*/*").await;
    assert_eq!(tampered.status, 403, "{kind:?} tampered");
    let resized = get(&client, edge(&good), "image/avif,image/webp,*/*").await;
    assert_eq!(resized.status, 200, "{kind:?} signed: {}", String::from_utf8_lossy(&resized.body));
    assert_eq!(resized.header("content-type"), "image/jpeg", "{kind:?}");
    assert_eq!(resized.size(), (640, 480), "{kind:?}");
    let cover = get(&client, edge(&signed("width=300,height=300,fit=cover")), "*/*").await;
    assert_eq!(cover.size(), (300, 300), "{kind:?} cover");
    let cached = get(&client, edge(&good), "*/*").await;
    assert!(cached.header("cache-status").contains("; hit"), "{kind:?} resized copy cached");

    // Invalid options: 400 naming the option.
    let invalid = get(&client, edge(&format!("/cdn-cgi/image/width=abc{original}")), "*/*").await;
    assert_eq!(invalid.status, 400, "{kind:?} invalid option");
    let problem: serde_json::Value = serde_json::from_slice(&invalid.body).unwrap();
    assert_eq!(problem["option"], "width", "{kind:?}");
    let too_big = get(&client, edge(&format!("/cdn-cgi/image/width=5000{original}")), "*/*").await;
    assert_eq!(too_big.status, 400, "{kind:?} past the limit");
    assert!(String::from_utf8_lossy(&too_big.body).contains("4096"), "{kind:?}");

    // Never an open proxy.
    let elsewhere = get(&client, edge("/cdn-cgi/image/width=400/https://example.com/a.jpg"), "*/*").await;
    assert_eq!(elsewhere.status, 400, "{kind:?} foreign source");

    host.stop().await;
}
