//! What shoppers say about the products they received: one to five stars and a few words, once
//! per shopper and product, and the vendor's answer. Cards and product pages show a product's
//! [`Rating`] (kept on the product row, so a listing reads it with the product), product pages
//! its newest [`Review`]s.

use serde::{Deserialize, Serialize};

use crate::{DomainError, ProductId};

/// The longest review a shopper may write, in characters.
pub const MAX_REVIEW_CHARS: usize = 2_000;

/// The longest answer a vendor may write, in characters.
pub const MAX_ANSWER_CHARS: usize = 1_000;

/// How many reviews a product page shows (the newest); the rest are read page by page from
/// `GET /api/v1/products/{id}/reviews`.
pub const REVIEWS_ON_PRODUCT_PAGE: usize = 5;

/// A rating: one to five stars. Only [`Stars::new`] makes one, so a stored or sent rating is
/// always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Stars(u8);

impl Stars {
    pub const MAX: u8 = 5;

    pub fn new(stars: u8) -> Result<Stars, DomainError> {
        if (1..=Self::MAX).contains(&stars) {
            Ok(Stars(stars))
        } else {
            Err(DomainError::Invalid { what: "rating", why: format!("{stars} stars: expected 1 to 5") })
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Stars {
    type Error = DomainError;

    fn try_from(stars: u8) -> Result<Self, Self::Error> {
        Stars::new(stars)
    }
}

impl From<Stars> for u8 {
    fn from(stars: Stars) -> u8 {
        stars.0
    }
}

/// A product's ratings: how many and the sum of their stars. The average is derived, never
/// stored, so adding a rating is two integer additions in the review's own transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub count: u32,
    pub sum: u32,
}

impl Rating {
    /// The average in tenths of a star, rounded half up (`43` is 4.3 stars); `None` before the
    /// first rating.
    pub fn average_tenths(self) -> Option<u32> {
        (self.count > 0).then(|| (self.sum * 20 + self.count) / (self.count * 2))
    }

    /// The average as shoppers read it, one decimal (`4.3`), with `separator` as the
    /// language's decimal mark.
    pub fn average_text(self, separator: char) -> Option<String> {
        self.average_tenths().map(|tenths| format!("{}{separator}{}", tenths / 10, tenths % 10))
    }

    /// The rating after one more review of `stars`.
    pub fn with(self, stars: Stars) -> Rating {
        Rating { count: self.count + 1, sum: self.sum + u32::from(stars.get()) }
    }

    /// Whole stars to draw for the average (rounded to the nearest).
    pub fn filled_stars(self) -> u8 {
        self.average_tenths().map_or(0, |tenths| u8::try_from((tenths + 5) / 10).unwrap_or(Stars::MAX))
    }
}

/// A vendor's public answer to a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorAnswer {
    pub text: String,
    /// RFC 3339, UTC.
    pub answered_at: String,
}

/// One shopper's review of a product they received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: i64,
    pub product_id: ProductId,
    pub product_name: String,
    /// The name the review is signed with (see [`author_name`]): never the shopper's email.
    pub author: String,
    pub stars: Stars,
    pub text: String,
    /// RFC 3339, UTC.
    pub written_at: String,
    pub answer: Option<VendorAnswer>,
}

/// A page of reviews, newest first; `next_before` is the `before` of the following page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub items: Vec<Review>,
    pub next_before: Option<i64>,
}

/// The name a review is signed with: the first word of the email's local part, capitalised
/// (`amaka.obi@example.com` → `Amaka`), so a review shows a first name and never an address;
/// `…` when the address starts with neither a letter nor a digit.
pub fn author_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let word: String = local.chars().take_while(|c| c.is_alphanumeric()).take(24).collect();
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect(),
        None => "…".into(),
    }
}

/// Checks a review's or an answer's text (`what` names it): trimmed, at most `max` characters.
pub fn checked_text(text: &str, max: usize, what: &'static str) -> Result<String, DomainError> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(DomainError::Invalid { what, why: format!("at most {max} characters") });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_one_to_five_and_nothing_else() {
        assert_eq!(Stars::new(1).unwrap().get(), 1);
        assert_eq!(Stars::new(5).unwrap().get(), 5);
        assert!(Stars::new(0).is_err() && Stars::new(6).is_err());
        assert!(serde_json::from_str::<Stars>("9").is_err(), "nothing reads a bad rating in");
        assert_eq!(serde_json::from_str::<Stars>("4").unwrap(), Stars(4));
    }

    #[test]
    fn the_average_is_rounded_half_up_to_a_tenth() {
        assert_eq!(Rating::default().average_tenths(), None);
        let rating = Rating::default().with(Stars(5)).with(Stars(4)).with(Stars(4));
        assert_eq!((rating.count, rating.sum), (3, 13));
        assert_eq!(rating.average_tenths(), Some(43), "13 / 3 = 4.33");
        assert_eq!(rating.average_text(','), Some("4,3".into()));
        assert_eq!(Rating { count: 2, sum: 9 }.average_tenths(), Some(45), "4.5 stays");
        assert_eq!(Rating { count: 20, sum: 89 }.average_tenths(), Some(45), "4.45 rounds up");
        assert_eq!(Rating { count: 3, sum: 13 }.filled_stars(), 4);
        assert_eq!(Rating { count: 2, sum: 9 }.filled_stars(), 5);
        assert_eq!(Rating { count: 1, sum: 1 }.filled_stars(), 1);
    }

    #[test]
    fn a_review_is_signed_with_a_first_name_never_the_address() {
        assert_eq!(author_name("amaka.obi@example.com"), "Amaka");
        assert_eq!(author_name("KOFI@x.gh"), "Kofi");
        assert_eq!(author_name("_x@x.ke"), "…");
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        assert_eq!(checked_text("  good  ", 10, "review").unwrap(), "good");
        assert!(checked_text(&"é".repeat(11), 10, "review").is_err());
        assert!(checked_text(&"é".repeat(10), 10, "review").is_ok());
    }
}
