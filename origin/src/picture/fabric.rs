//! Textile prints as SVG patterns (`url(#print)`): a wax print's circles, kente's woven strips,
//! adire's indigo resist dots, bogolan's mud-dyed marks, a shuka's check, lace's scallops.
//! Fabrics, garments, cushions and baby wraps are filled with the print their name says.

use super::Look;

/// The kinds of print the demo's textiles come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Print {
    Wax,
    Kente,
    Adire,
    Mudcloth,
    Check,
    Lace,
    Damask,
    Weave,
}

impl Print {
    fn of(lower: &str) -> Print {
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if has(&["kente", "aso-oke", "shemma", "kemis"]) {
            Print::Kente
        } else if has(&["adire"]) {
            Print::Adire
        } else if has(&["bogolan", "mudcloth"]) {
            Print::Mudcloth
        } else if has(&["shuka", "check"]) {
            Print::Check
        } else if has(&["lace"]) {
            Print::Lace
        } else if has(&[
            "bazin", "brocade", "george", "cotton", "boubou", "djellaba", "galabeya", "senator", "agbada",
        ]) {
            Print::Damask
        } else if has(&["basket", "sisal", "mats"]) {
            Print::Weave
        } else {
            Print::Wax
        }
    }
}

/// The `<pattern id="print">` for a product, in its colours.
pub fn pattern(lower: &str, look: &Look) -> String {
    let (a, b, c) = (look.body, look.accent, look.third);
    let turn = look.vary(4) * 15;
    let tiles = match Print::of(lower) {
        Print::Wax => format!(
            r##"<rect width="60" height="60" fill="{a}"/><circle cx="30" cy="30" r="19" fill="none" stroke="{b}" stroke-width="7"/><circle cx="30" cy="30" r="7" fill="{c}"/><circle cx="0" cy="0" r="11" fill="{b}"/><circle cx="60" cy="60" r="11" fill="{b}"/><circle cx="60" cy="0" r="11" fill="{b}"/><circle cx="0" cy="60" r="11" fill="{b}"/>"##
        ),
        Print::Kente => format!(
            r##"<rect width="60" height="60" fill="{b}"/><rect width="30" height="30" fill="{a}"/><rect x="30" y="30" width="30" height="30" fill="{c}"/><rect x="0" y="12" width="60" height="6" fill="#111" opacity="0.8"/><rect x="0" y="42" width="60" height="6" fill="#111" opacity="0.8"/><rect x="12" y="0" width="4" height="60" fill="#fff" opacity="0.6"/><rect x="42" y="0" width="4" height="60" fill="#fff" opacity="0.6"/>"##
        ),
        Print::Adire => r##"<rect width="60" height="60" fill="#23306b"/><circle cx="15" cy="15" r="6" fill="#dfe6f5"/><circle cx="45" cy="45" r="6" fill="#dfe6f5"/><path d="M0 30 H60 M30 0 V60" stroke="#9fb0de" stroke-width="3" stroke-dasharray="4 4"/>"##.to_owned(),
        Print::Mudcloth => r##"<rect width="60" height="60" fill="#2d221b"/><path d="M8 10 h16 M36 10 h16 M30 22 v16 M8 48 h16 M36 48 h16" stroke="#efe6d2" stroke-width="4"/><circle cx="14" cy="30" r="3" fill="#efe6d2"/><circle cx="46" cy="30" r="3" fill="#efe6d2"/>"##.to_owned(),
        Print::Check => format!(
            r##"<rect width="60" height="60" fill="{a}"/><rect width="60" height="12" y="24" fill="#111" opacity="0.55"/><rect width="12" height="60" x="24" fill="#111" opacity="0.55"/><rect width="60" height="3" y="6" fill="#fff" opacity="0.4"/>"##
        ),
        Print::Lace => format!(
            r##"<rect width="60" height="60" fill="{a}"/><circle cx="30" cy="30" r="16" fill="none" stroke="#fff" stroke-opacity="0.7" stroke-width="3"/><circle cx="0" cy="0" r="16" fill="none" stroke="#fff" stroke-opacity="0.7" stroke-width="3"/><circle cx="60" cy="60" r="16" fill="none" stroke="#fff" stroke-opacity="0.7" stroke-width="3"/><circle cx="30" cy="30" r="3" fill="#fff" opacity="0.9"/>"##
        ),
        Print::Damask => format!(
            r##"<rect width="60" height="60" fill="{a}"/><path d="M30 6 L44 30 L30 54 L16 30 Z" fill="#fff" opacity="0.18"/><path d="M0 0 L8 0 L0 8 Z M60 60 L52 60 L60 52 Z" fill="#fff" opacity="0.18"/>"##
        ),
        Print::Weave => format!(
            r##"<rect width="60" height="60" fill="{a}"/><path d="M0 10 H60 M0 30 H60 M0 50 H60" stroke="{b}" stroke-width="9" opacity="0.75"/><path d="M15 0 V60 M45 0 V60" stroke="#000" stroke-width="2" opacity="0.15"/>"##
        ),
    };
    format!(
        r##"<pattern id="print" width="60" height="60" patternUnits="userSpaceOnUse" patternTransform="rotate({turn})">{tiles}</pattern>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_textile_gets_the_print_its_name_says() {
        assert_eq!(Print::of("handwoven kente cloth, 6 yards"), Print::Kente);
        assert_eq!(Print::of("adire indigo tie-dye, 2 yards, eleko"), Print::Adire);
        assert_eq!(Print::of("maasai shuka, red check"), Print::Check);
        assert_eq!(Print::of("swiss voile lace, 5 yards, wine"), Print::Lace);
        assert_eq!(Print::of("ankara wax print, 6 yards"), Print::Wax);
        assert_eq!(Print::of("kitenge fabric, 6 yards"), Print::Wax);
    }
}
