//! Generated product pictures for products without a photo (every demo product): a small SVG
//! that shows what the product *is* — a phone, a folded length of kente, a 50 kg sack of rice,
//! a bottle of palm oil — lit on a backdrop in the category's colour, in the brand's colour or
//! the colour the product's name says. No words are drawn but a label on packaging.
//!
//! The drawing depends only on the product's id, name and category, so the origin serves it
//! with a long `Cache-Control` and every cache in front keeps it; it is a few kilobytes of
//! text, no pixels are rendered on the server.

mod colours;
mod fabric;
mod subjects;

use linkedall_shared::ProductId;

pub use subjects::Subject;

/// The picture of a product, 600×450 (4:3, the shape of a product card).
pub fn draw(id: ProductId, name: &str, category: &str) -> String {
    let lower = name.to_lowercase();
    let subject = Subject::of(&lower, category);
    let look = Look::of(id, name, &lower, category);
    let (top, bottom) = colours::backdrop(category);
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="450" viewBox="0 0 600 450" role="img" aria-label="{label}">"##,
            r##"<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/><stop offset="1" stop-color="{bottom}"/></linearGradient>"##,
            r##"<radialGradient id="lit" cx="0.35" cy="0.3" r="0.8"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient>"##,
            r##"{pattern}</defs>"##,
            r##"<rect width="600" height="450" fill="url(#bg)"/>"##,
            r##"<ellipse cx="300" cy="392" rx="{shadow}" ry="22" fill="#000" opacity="0.18"/>"##,
            r##"<g transform="rotate({turn} 300 260)">{body}</g></svg>"##
        ),
        label = escape(name),
        top = top,
        bottom = bottom,
        pattern = fabric::pattern(&lower, &look),
        shadow = subject.footprint(),
        turn = look.vary(7) as i64 - 3,
        body = subject.draw(&look, &lower),
    )
}

/// The colours and the small variations of one product's picture.
pub struct Look {
    /// The object's main colour: the colour named in the product's name, else its brand's.
    pub body: &'static str,
    /// A second colour: the brand's, or the second colour the name names.
    pub accent: &'static str,
    /// A third colour for prints and beads.
    pub third: &'static str,
    /// Varies angles and offsets per product, so a shelf of the same line is not a row of clones.
    pub variation: u64,
    /// A short word for packaging labels ("RICE", "MAMA GOLD"), if the product has one.
    pub label: String,
}

impl Look {
    fn of(id: ProductId, name: &str, lower: &str, category: &str) -> Look {
        // splitmix64's finaliser: neighbouring ids get unrelated variations.
        let mut variation = id.get().unsigned_abs().wrapping_add(0x9e37_79b9_7f4a_7c15);
        variation = (variation ^ (variation >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        variation = (variation ^ (variation >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        variation ^= variation >> 31;
        let brand = colours::brand(name);
        let named = colours::named(lower);
        let fallback = colours::category_tones(category);
        let pick = |i: usize| fallback[(variation as usize + i) % fallback.len()];
        let body = named.first().copied().or(brand.map(|(_, c)| c)).unwrap_or_else(|| pick(0));
        let accent = named.get(1).copied().or(brand.map(|(_, c)| c)).unwrap_or_else(|| pick(1));
        let third = named.get(2).copied().unwrap_or_else(|| pick(2));
        let label = match brand {
            Some((brand, _)) => brand.to_uppercase(),
            None => short(name.split([',', '(']).next().unwrap_or_default()).to_uppercase(),
        };
        Look { body, accent, third, variation, label }
    }

    /// A whole number in `0..n` that differs between products.
    pub fn vary(&self, n: u64) -> u64 {
        self.variation % n.max(1)
    }
}

/// The first words of `text` that fit on a label (at most 16 characters, whole words).
fn short(text: &str) -> String {
    let mut label = String::new();
    for word in text.split_whitespace() {
        if !label.is_empty() && label.chars().count() + 1 + word.chars().count() > 16 {
            break;
        }
        if !label.is_empty() {
            label.push(' ');
        }
        label.push_str(word);
    }
    label
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_escape_names_and_differ_per_product() {
        let a = draw(ProductId::new(1), "Rice & <Beans> \"Deluxe\"", "groceries");
        assert!(a.contains("Rice &amp; &lt;Beans&gt;"));
        assert!(!a.contains("<Beans>"));
        assert_ne!(a, draw(ProductId::new(2), "Rice & <Beans> \"Deluxe\"", "groceries"));
    }

    #[test]
    fn a_picture_shows_what_the_product_is_and_not_its_name() {
        let cases = [
            ("Tecno Spark 20, 128 GB, Ocean Blue", "phones-tablets", Subject::Phone),
            ("Nokia 105, Charcoal", "phones-tablets", Subject::FeaturePhone),
            ("Handwoven kente cloth, 6 yards, Gold and green", "fashion", Subject::Fabric),
            ("Ankara maxi dress, size M, Royal blue", "fashion", Subject::Garment),
            ("Mama Gold Premium rice, 50 kg bag", "groceries", Subject::Sack),
            ("Red palm oil, 25 L jerrycan", "groceries", Subject::Jerrycan),
            ("Fresh tilapia, 2 kg", "groceries", Subject::Fish),
            ("Hisense A4 smart TV, 43\"", "electronics", Subject::Television),
            ("HP 250 G9 laptop, 8 GB RAM, 256 GB SSD", "computing", Subject::Laptop),
        ];
        for (name, category, subject) in cases {
            assert_eq!(Subject::of(&name.to_lowercase(), category), subject, "{name}");
            let svg = draw(ProductId::new(9), name, category);
            assert_eq!(
                svg.matches(name.split(',').next().unwrap()).count(),
                1,
                "the name is only the label: {svg}"
            );
            assert!(svg.len() < 12_000, "{name}: {} bytes", svg.len());
        }
    }

    #[test]
    fn every_demo_product_line_gets_a_drawing_of_its_own_kind() {
        for (name, category) in crate::seed::demo_product_names() {
            let subject = Subject::of(&name.to_lowercase(), category);
            assert_ne!(subject, Subject::Parcel, "{name} in {category} is drawn as a plain parcel");
        }
    }
}
