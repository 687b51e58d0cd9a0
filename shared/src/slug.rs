/// Turns a product, vendor or category name into the readable part of its URL:
/// lowercase ASCII letters and digits separated by single hyphens, at most 80 bytes.
///
/// Accented Latin letters common in our markets' languages (French, Portuguese, Wolof …) are
/// folded to their base letter so `Café Touba` becomes `cafe-touba`; anything else is a separator.
pub fn slugify(name: &str) -> String {
    const MAX: usize = 80;
    let mut slug = String::with_capacity(name.len().min(MAX));
    let mut pending_hyphen = false;
    for ch in name.chars() {
        let folded = fold(ch);
        if folded.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(folded.to_ascii_lowercase());
            if slug.len() >= MAX {
                break;
            }
        } else {
            pending_hyphen = true;
        }
    }
    if slug.is_empty() { "item".to_owned() } else { slug }
}

fn fold(ch: char) -> char {
    match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn names_become_readable_url_parts() {
        assert_eq!(slugify("Tecno Camon 30 Pro (256GB)"), "tecno-camon-30-pro-256gb");
        assert_eq!(slugify("Café Touba — 500 g"), "cafe-touba-500-g");
        assert_eq!(slugify("  --Ankara   Print!! "), "ankara-print");
        assert_eq!(slugify("مصر"), "item");
        assert!(slugify(&"a".repeat(500)).len() <= 80);
    }
}
