//! Static assets (CSS, logos) embedded at build time under content-hashed names
//! (`app.3f2a9c1b0d.css`): served with a year of `immutable` caching, because a changed file
//! gets a new name.

use bytes::Bytes;
use http::{Response, StatusCode, header};

pub struct Asset {
    pub name: &'static str,
    pub hashed_name: &'static str,
    pub bytes: &'static [u8],
}

static ASSETS: &[Asset] = include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The URL path of an asset by its source name, e.g. `/assets/app.3f2a9c1b0d.css`.
///
/// Names come from our own templates, and a test checks each one; should a file be missing
/// all the same, the page links a name that answers 404 rather than failing to render.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => format!("/assets/{}", asset.hashed_name),
        None => {
            tracing::error!(name, "asset is not embedded");
            format!("/assets/{name}")
        }
    }
}

/// The bytes of an asset by its source name (`favicon.ico`), for files served under a fixed
/// address.
pub fn bytes(name: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|a| a.name == name).map(|a| a.bytes)
}

/// Serves `/assets/<hashed name>`; `None` when no asset has that name.
pub fn serve(hashed_name: &str) -> Option<Response<Bytes>> {
    let asset = ASSETS.iter().find(|a| a.hashed_name == hashed_name)?;
    let content_type = match asset.name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(Bytes::from_static(asset.bytes))
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stylesheet_is_served_under_its_hashed_name_only() {
        let url = super::url("app.css");
        assert!(
            url.starts_with("/assets/app.") && url.ends_with(".css") && url.len() > "/assets/app.css".len()
        );
        let response = super::serve(url.trim_start_matches("/assets/")).unwrap();
        assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(super::serve("app.css").is_none(), "the unhashed name is not served");
        let logo = super::url("logo.svg");
        let response = super::serve(logo.trim_start_matches("/assets/")).unwrap();
        assert_eq!(response.headers()["content-type"], "image/svg+xml");
    }
}
