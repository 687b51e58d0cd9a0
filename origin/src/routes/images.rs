//! Generated product pictures for the demo catalog: a small SVG per product, drawn from its
//! name and category, so a million seeded products have a picture without a million files.
//! Real vendor photos arrive with image uploads; this route is their placeholder.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use linkedall_shared::ProductId;

use super::AppState;
use crate::error::{Error, Result};

/// `GET /images/products/{id}.svg`
pub async fn product_picture(
    State(state): State<AppState>,
    path: std::result::Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Response> {
    let Path(file) = path?;
    let raw_id = file
        .strip_suffix(".svg")
        .ok_or_else(|| Error::NotFound { what: format!("image `{}`", super::catalog::truncate(&file)) })?;
    let id = ProductId::parse(raw_id)?;
    let (name, category) = state
        .store
        .product_label(id)
        .await?
        .ok_or_else(|| Error::NotFound { what: format!("product {id}") })?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400, stale-while-revalidate=604800"),
        ],
        picture(id, &name, &category),
    )
        .into_response())
}

/// Draws the picture: a background in the category's colour, a lighter shape whose position
/// depends on the product id, and the product name on up to two lines.
pub fn picture(id: ProductId, name: &str, category: &str) -> String {
    let (background, accent) = palette(category);
    let n = id.get().unsigned_abs();
    let (cx, cy, r) = (120 + (n * 37 % 360), 90 + (n * 53 % 180), 60 + (n % 70));
    let mut lines = wrap(name, 22);
    lines.truncate(2);
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            format!(
                r##"<text x="300" y="{}" font-family="sans-serif" font-size="34" font-weight="600" fill="#fff" text-anchor="middle">{}</text>"##,
                330 + i * 44,
                escape(line)
            )
        })
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="450" viewBox="0 0 600 450" role="img" aria-label="{label}"><rect width="600" height="450" fill="{background}"/><circle cx="{cx}" cy="{cy}" r="{r}" fill="{accent}" opacity="0.55"/><rect x="0" y="280" width="600" height="170" fill="#000" opacity="0.25"/>{text}</svg>"##,
        label = escape(name),
    )
}

fn palette(category: &str) -> (&'static str, &'static str) {
    match category {
        "phones-tablets" => ("#1f4e79", "#7fb3e6"),
        "fashion" => ("#8e2c48", "#f2a65a"),
        "groceries" => ("#2e6b30", "#c5e17a"),
        "beauty" => ("#7a3b69", "#f4c7de"),
        "home-kitchen" => ("#8a5a1b", "#f6d28b"),
        "electronics" => ("#243447", "#5ec2b7"),
        "computing" => ("#3b3f8f", "#a9b3ff"),
        "baby-kids" => ("#b5523b", "#ffe29a"),
        _ => ("#444", "#bbb"),
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let current = lines.last_mut().expect("lines starts non-empty");
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
    }
    lines
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_escape_names_and_differ_per_product() {
        let a = picture(ProductId::new(1), "Rice & <Beans> \"Deluxe\"", "groceries");
        assert!(a.contains("Rice &amp; &lt;Beans&gt;"));
        assert!(!a.contains("<Beans>"));
        assert_ne!(a, picture(ProductId::new(2), "Rice & <Beans> \"Deluxe\"", "groceries"));
    }
}
