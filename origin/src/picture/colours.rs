//! The colours of a generated picture: the category's backdrop, the brand's colour, and the
//! colours a product's name says ("Ocean Blue", "Indigo and gold").

/// The backdrop's top and bottom colours for a category: soft, so the object stands out.
pub fn backdrop(category: &str) -> (&'static str, &'static str) {
    match category {
        "phones-tablets" => ("#e3eefb", "#b9d0ec"),
        "fashion" => ("#fbe9e4", "#eec3b8"),
        "groceries" => ("#f1f6e2", "#d3e2b0"),
        "beauty" => ("#fbeef5", "#ebcadc"),
        "home-kitchen" => ("#fbf1df", "#ead2a6"),
        "electronics" => ("#e4f1f0", "#b8d8d5"),
        "computing" => ("#e9eaf8", "#c4c8ec"),
        "baby-kids" => ("#fff6dc", "#f5dea0"),
        _ => ("#f0f0f0", "#d0d0d0"),
    }
}

/// Colours that suit a category's products when the name names none.
pub fn category_tones(category: &str) -> &'static [&'static str] {
    match category {
        "phones-tablets" => &["#2b2f36", "#2a5caa", "#6c7a89"],
        "fashion" => &["#c0392b", "#e0a526", "#1f5f8b", "#2e7d4f", "#6a2c70"],
        "groceries" => &["#c9a66b", "#d35400", "#2e7d32", "#b71c1c"],
        "beauty" => &["#f5e6c8", "#8d5a3b", "#c27c9a", "#3e7d5a"],
        "home-kitchen" => &["#b5651d", "#d9b77e", "#8e3b2f", "#3b6e8f"],
        "electronics" => &["#2b2f36", "#44505c", "#1b6f8a"],
        "computing" => &["#3a3f47", "#9aa3ad", "#1d4e89"],
        "baby-kids" => &["#4fa3d1", "#f08aa6", "#f2c14e", "#6cc08b"],
        _ => &["#777777", "#aaaaaa", "#555555"],
    }
}

/// Brands and their colours, for products whose name starts with the brand.
const BRANDS: &[(&str, &str)] = &[
    ("Tecno", "#1a5fb4"),
    ("Infinix", "#2d9b3a"),
    ("itel", "#d6262c"),
    ("Samsung", "#1428a0"),
    ("Xiaomi", "#ff6900"),
    ("Nokia", "#124191"),
    ("Apple", "#4a4a4f"),
    ("Oraimo", "#7ab32e"),
    ("Hisense", "#00a4a6"),
    ("LG", "#a50034"),
    ("Sony", "#222222"),
    ("Binatone", "#c8102e"),
    ("Sun King", "#f2a900"),
    ("Firman", "#d32f2f"),
    ("DStv", "#0073cf"),
    ("GOtv", "#52b848"),
    ("HP", "#0096d6"),
    ("Lenovo", "#e2231a"),
    ("Dell", "#007db8"),
    ("SanDisk", "#e31b23"),
    ("Seagate", "#6ebe49"),
    ("TP-Link", "#1bb8c4"),
    ("Logitech", "#00b8fc"),
    ("Vlisco", "#b5121b"),
    ("Mama Gold", "#d4a017"),
    ("Golden Penny", "#e8a800"),
    ("Indomie", "#e30613"),
    ("Ketepa", "#b71c1c"),
    ("Jogoo", "#f2c200"),
    ("Dudu-Osun", "#6b3e26"),
    ("X-pression", "#7b2d8b"),
    ("BURN", "#e05a1a"),
    ("Pampers", "#00a3ad"),
    ("Nestlé", "#5f7d95"),
];

/// The brand a product's name starts with, and its colour.
pub fn brand(name: &str) -> Option<(&'static str, &'static str)> {
    BRANDS.iter().copied().find(|(brand, _)| name.starts_with(brand) && name[brand.len()..].starts_with(' '))
}

/// Colour words and what they look like.
const WORDS: &[(&str, &str)] = &[
    ("black", "#23252b"),
    ("midnight", "#1e2433"),
    ("charcoal", "#33363d"),
    ("graphite", "#45484f"),
    ("titanium", "#8a8d93"),
    ("grey", "#8b9096"),
    ("silver", "#c9ccd1"),
    ("white", "#f4f4f2"),
    ("starlight", "#efe8dc"),
    ("ivory", "#f3ecd8"),
    ("natural", "#d8bd8a"),
    ("beige", "#d9c3a0"),
    ("champagne", "#e8d3a8"),
    ("tan", "#b98552"),
    ("brown", "#7a4a2a"),
    ("rust", "#a8512c"),
    ("gold", "#d9a923"),
    ("yellow", "#f2c200"),
    ("lemon", "#f4e04d"),
    ("orange", "#ec7a1c"),
    ("peach", "#f6b89a"),
    ("coral", "#f07a62"),
    ("red", "#c62f2f"),
    ("wine", "#7b1e34"),
    ("burgundy", "#6e1a2e"),
    ("fuchsia", "#c2297f"),
    ("pink", "#f08aa6"),
    ("purple", "#6f3c96"),
    ("indigo", "#2b3582"),
    ("navy", "#1f2a52"),
    ("royal", "#2450b3"),
    ("blue", "#2a6fc9"),
    ("sky", "#7fb7e6"),
    ("mint", "#8fd3b6"),
    ("emerald", "#188a5b"),
    ("green", "#2e8b4e"),
    ("olive", "#6b6b2a"),
    ("multicolour", "#e0a526"),
];

/// The colours a lower-cased name names, in the order it names them; in a compound such as
/// "royal blue" or "midnight black" the first word gives the colour.
pub fn named(lower: &str) -> Vec<&'static str> {
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    for (word, colour) in WORDS {
        for (at, _) in lower.match_indices(word) {
            let before = lower[..at].chars().next_back();
            let after = lower[at + word.len()..].chars().next();
            if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
                found.push((at, at + word.len(), colour));
            }
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    let mut colours: Vec<&'static str> = Vec::new();
    let mut previous_end = None;
    for (at, end, colour) in found {
        let compound = previous_end == Some(at.saturating_sub(1));
        previous_end = Some(end);
        if !compound && !colours.contains(&colour) {
            colours.push(colour);
        }
    }
    colours
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_their_colours_in_order() {
        assert_eq!(named("ankara wax print, 6 yards, indigo and gold"), ["#2b3582", "#d9a923"]);
        assert_eq!(named("kente, red, gold and black"), ["#c62f2f", "#d9a923", "#23252b"]);
        assert_eq!(named("tecno spark 20, 128 gb, ocean blue"), ["#2a6fc9"]);
        assert_eq!(named("swiss voile lace, royal blue"), ["#2450b3"]);
        assert_eq!(named("phone, midnight black"), ["#1e2433"]);
        assert!(named("bolga basket, large").is_empty(), "no colour hidden inside another word");
        assert_eq!(brand("Sun King Home 60 solar kit").map(|b| b.0), Some("Sun King"));
        assert_eq!(brand("LGA 1200 cooler"), None);
    }
}
