//! Amounts of money as a page in each language writes them: English and Swahili pages write
//! `KSh 2,500.50` (as Kenya and Tanzania do); French and Portuguese pages group with a narrow
//! space, use a decimal comma and put the currency after (`2 500,50 KSh`, as CLDR's fr and
//! pt-MZ/pt-AO do); Arabic pages keep the Latin digits our North African shoppers pay in and
//! isolate the amount (Unicode FSI … PDI), so its symbol and digits never jump around in
//! right-to-left text.
//!
//! The shop's one rule for minor units on pages: **a whole amount is written without them**
//! (`₦209,000`, not `₦209,000.00` — kobo and cents that are zero are noise no shop here prints),
//! and an amount that has them shows them all (`KSh 2,500.50`). Prices and fees converted into
//! the shopper's currency are whole units already (see `linkedall_shared::FxRates::price_line`
//! and `linkedall_shared::delivery`), so the shopper's own prices are always whole. What is
//! stored and sent to payment providers keeps every minor unit.

use linkedall_shared::{Language, Money};

/// `money` written for a page in `language`.
pub fn amount(money: Money, language: Language) -> String {
    let exponent = money.currency.exponent();
    let scale = 10u64.pow(exponent);
    let magnitude = money.minor.unsigned_abs();
    let (major, fraction) = (magnitude / scale, magnitude % scale);
    let whole = fraction == 0;
    match language {
        Language::En | Language::Sw => english(money, whole),
        Language::Ar => format!("\u{2068}{}\u{2069}", english(money, whole)),
        Language::Fr | Language::Pt => {
            let sign = if money.minor < 0 { "-" } else { "" };
            let fraction = if exponent > 0 && !whole {
                format!(",{fraction:0width$}", width = exponent as usize)
            } else {
                String::new()
            };
            // No-break spaces: the number and its currency never part at a line's end.
            format!("{sign}{}{fraction}\u{a0}{}", grouped(major, '\u{202f}'), money.currency.symbol().trim())
        }
    }
}

/// `KSh 2,500.50`, or `KSh 2,500` when whole: the money's own writing, less zero minor units.
fn english(money: Money, whole: bool) -> String {
    let written = money.to_string();
    let exponent = money.currency.exponent() as usize;
    if whole && exponent > 0 {
        // `Money` writes `<symbol><grouped units>.<minor units>`: the zeros and their point go.
        written[..written.len() - exponent - 1].to_owned()
    } else {
        written
    }
}

/// A count (of results, of items) written for `language`.
pub fn count(value: u64, language: Language) -> String {
    match language {
        Language::Fr | Language::Pt => grouped(value, '\u{202f}'),
        _ => grouped(value, ','),
    }
}

fn grouped(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use linkedall_shared::Currency;

    #[test]
    fn each_language_writes_amounts_its_own_way() {
        let price = Money::new(Currency::KES, 250_050);
        assert_eq!(amount(price, Language::En), "KSh 2,500.50");
        assert_eq!(amount(price, Language::Sw), "KSh 2,500.50");
        assert_eq!(amount(price, Language::Fr), "2\u{202f}500,50\u{a0}KSh");
        assert_eq!(
            amount(Money::new(Currency::XOF, 1_500_000), Language::Fr),
            "1\u{202f}500\u{202f}000\u{a0}CFA"
        );
        assert_eq!(amount(Money::new(Currency::USD, 99), Language::Pt), "0,99\u{a0}$");
        assert_eq!(amount(Money::new(Currency::EGP, 255_050), Language::Ar), "\u{2068}E£2,550.50\u{2069}");
        assert_eq!(amount(Money::new(Currency::KES, -550), Language::Fr), "-5,50\u{a0}KSh");
        assert_eq!(count(12_345, Language::Fr), "12\u{202f}345");
        assert_eq!(count(12_345, Language::En), "12,345");
    }

    #[test]
    fn whole_amounts_are_written_without_zero_minor_units() {
        assert_eq!(amount(Money::new(Currency::NGN, 20_900_000), Language::En), "₦209,000");
        assert_eq!(amount(Money::new(Currency::KES, 250_000), Language::Sw), "KSh 2,500");
        assert_eq!(amount(Money::new(Currency::KES, 250_000), Language::Fr), "2\u{202f}500\u{a0}KSh");
        assert_eq!(amount(Money::new(Currency::EGP, 255_000), Language::Ar), "\u{2068}E£2,550\u{2069}");
        assert_eq!(amount(Money::new(Currency::KES, -500), Language::En), "-KSh 5");
        assert_eq!(amount(Money::new(Currency::XOF, 150_000), Language::En), "CFA 150,000");
    }
}
