//! Dates as the origin sends them (RFC 3339, UTC: `2026-12-07T14:35:12Z`, with or without
//! fractions of a second) and as a page in each language writes them (`7 Dec 2026`,
//! `7 déc. 2026`). No time-zone database at the edge: order pages show the day, and "in N
//! minutes" where the hour matters.

use linkedall_shared::Language;

/// Seconds since 1970 of an RFC 3339 UTC time; `None` when it is not shaped like one.
pub fn unix_seconds(text: &str) -> Option<u64> {
    let (year, month, day) = ymd(text)?;
    let time = text.get(11..19)?;
    let number = |range: std::ops::Range<usize>| time.get(range)?.parse::<u64>().ok();
    let (hour, minute, second) = (number(0..2)?, number(3..5)?, number(6..8)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// The day of an RFC 3339 time as `language` writes it; the text itself when unreadable.
pub fn day(text: &str, language: Language) -> String {
    let Some((year, month, day)) = ymd(text) else { return text.to_owned() };
    let months = language.pick([&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI]);
    format!("{day} {} {year}", months[usize::from(month) - 1])
}

/// The month of `2026-12` (or of an RFC 3339 time) as `language` writes it: `Dec 2026`,
/// `déc. 2026`; the text itself when unreadable.
pub fn month(text: &str, language: Language) -> String {
    let parsed = text
        .get(0..4)
        .and_then(|y| y.parse::<i64>().ok())
        .zip(text.get(5..7).and_then(|m| m.parse::<usize>().ok()).filter(|m| (1..=12).contains(m)));
    let Some((year, month)) = parsed.filter(|_| text.as_bytes().get(4) == Some(&b'-')) else {
        return text.to_owned();
    };
    let months = language.pick([&ENGLISH, &FRENCH, &ARABIC, &PORTUGUESE, &SWAHILI]);
    format!("{} {year}", months[month - 1])
}

fn ymd(text: &str) -> Option<(i64, u8, u8)> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = text.get(0..4)?.parse::<i64>().ok()?;
    let month = text.get(5..7)?.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
    let day = text.get(8..10)?.parse::<u8>().ok().filter(|d| (1..=31).contains(d))?;
    Some((year, month, day))
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

type Months = [&'static str; 12];

static ENGLISH: Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
static FRENCH: Months =
    ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
static ARABIC: Months = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
static PORTUGUESE: Months =
    ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."];
static SWAHILI: Months = ["Jan", "Feb", "Mac", "Apr", "Mei", "Jun", "Jul", "Ago", "Sep", "Okt", "Nov", "Des"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_backends_spellings_of_a_time() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-12-07T14:35:12Z"), Some(1_796_654_112));
        assert_eq!(unix_seconds("2026-12-07T14:35:12.345Z"), Some(1_796_654_112));
        assert_eq!(unix_seconds("2024-02-29T00:00:00Z"), Some(1_709_164_800));
        assert_eq!(unix_seconds("not a time"), None);
        assert_eq!(unix_seconds("2026-13-01T00:00:00Z"), None);
    }

    #[test]
    fn writes_the_month_in_the_pages_language() {
        assert_eq!(month("2026-12", Language::En), "Dec 2026");
        assert_eq!(month("2026-02-07T14:35:12Z", Language::Fr), "févr. 2026");
        assert_eq!(month("2026-13", Language::En), "2026-13");
        assert_eq!(month("soon", Language::En), "soon");
    }

    #[test]
    fn writes_the_day_in_the_pages_language() {
        assert_eq!(day("2026-12-07T14:35:12Z", Language::En), "7 Dec 2026");
        assert_eq!(day("2026-12-07T14:35:12Z", Language::Fr), "7 déc. 2026");
        assert_eq!(day("2026-08-01T00:00:00Z", Language::Pt), "1 ago. 2026");
        assert_eq!(day("2026-03-09T00:00:00Z", Language::Sw), "9 Mac 2026");
        assert_eq!(day("garbled", Language::Ar), "garbled");
    }
}
