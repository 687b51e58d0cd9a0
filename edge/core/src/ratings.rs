//! Ratings and reviews as pages show them: stars drawn as text (hidden from screen readers,
//! which read "Rated 4.3 out of 5" instead), the number of reviews in the page's language,
//! each review with its vendor's answer, and the schema.org `aggregateRating` and `review`
//! items of a product's structured data.

use linkedall_shared::{Language, Rating, Review};
use serde_json::{Value, json};

use crate::amounts;
use crate::dates;
use crate::review_words::ReviewWords;
use crate::words::fill;

/// `count` of five stars filled: `★★★★☆`.
pub fn stars(count: u8) -> String {
    let filled = usize::from(count.min(5));
    "★".repeat(filled) + &"☆".repeat(5 - filled)
}

/// The language's decimal mark.
fn decimal_mark(language: Language) -> char {
    match language {
        Language::Fr | Language::Pt => ',',
        _ => '.',
    }
}

/// A product's rating on a card or its page.
pub struct RatingView {
    /// `★★★★☆`, shown to the eye only.
    pub stars: String,
    /// "Rated 4.3 out of 5": what a screen reader says instead of the stars.
    pub text: String,
    /// "12 reviews".
    pub count: String,
}

impl RatingView {
    /// `None` before the first review: a product without ratings shows none.
    pub fn of(rating: Rating, language: Language) -> Option<RatingView> {
        let says = ReviewWords::of(language);
        let average = rating.average_text(decimal_mark(language))?;
        Some(RatingView {
            stars: stars(rating.filled_stars()),
            text: fill(says.rated, average),
            count: match rating.count {
                1 => says.one_review.to_owned(),
                n => fill(says.reviews_count, amounts::count(u64::from(n), language)),
            },
        })
    }
}

/// One review as a page shows it.
pub struct ReviewView {
    pub author: String,
    pub stars: String,
    /// "4 out of 5 stars".
    pub stars_text: String,
    /// The day it was written, in the page's language.
    pub day: String,
    /// RFC 3339, for `<time datetime>`.
    pub written_at: String,
    pub text: String,
    pub answer: Option<AnswerView>,
    pub product_name: String,
    pub product_path: String,
    pub id: i64,
}

/// A vendor's answer under a review.
pub struct AnswerView {
    pub text: String,
    pub day: String,
}

impl ReviewView {
    pub fn new(review: &Review, language: Language) -> ReviewView {
        let says = ReviewWords::of(language);
        ReviewView {
            author: review.author.clone(),
            stars: stars(review.stars.get()),
            stars_text: fill(says.stars_out_of_five, review.stars.get()),
            day: dates::day(&review.written_at, language),
            written_at: review.written_at.clone(),
            text: review.text.clone(),
            answer: review.answer.as_ref().map(|answer| AnswerView {
                text: answer.text.clone(),
                day: dates::day(&answer.answered_at, language),
            }),
            product_name: review.product_name.clone(),
            product_path: format!("/p/{}", review.product_id),
            id: review.id,
        }
    }
}

/// The `aggregateRating` and `review` members of a product's schema.org document, when it has
/// reviews (search engines refuse an `aggregateRating` with no ratings).
pub fn structured_data(rating: Rating, reviews: &[Review]) -> Vec<(&'static str, Value)> {
    let Some(average) = rating.average_text('.') else { return Vec::new() };
    let aggregate = json!({
        "@type": "AggregateRating",
        "ratingValue": average,
        "reviewCount": rating.count,
        "bestRating": 5,
        "worstRating": 1,
    });
    let items: Vec<Value> = reviews
        .iter()
        .map(|review| {
            json!({
                "@type": "Review",
                "author": {"@type": "Person", "name": review.author},
                "datePublished": review.written_at.get(..10).unwrap_or(&review.written_at),
                "reviewBody": review.text,
                "reviewRating": {"@type": "Rating", "ratingValue": review.stars.get(), "bestRating": 5, "worstRating": 1},
            })
        })
        .collect();
    let mut members = vec![("aggregateRating", aggregate)];
    if !items.is_empty() {
        members.push(("review", Value::Array(items)));
    }
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_drawn_for_the_eye_and_said_in_words() {
        assert_eq!(stars(4), "★★★★☆");
        assert_eq!(stars(9), "★★★★★");
        let view = RatingView::of(Rating { count: 3, sum: 13 }, Language::Fr).unwrap();
        assert_eq!(
            (view.stars.as_str(), view.text.as_str(), view.count.as_str()),
            ("★★★★☆", "Noté 4,3 sur 5", "3 avis")
        );
        let one = RatingView::of(Rating { count: 1, sum: 5 }, Language::En).unwrap();
        assert_eq!((one.text.as_str(), one.count.as_str()), ("Rated 5.0 out of 5", "1 review"));
        assert!(RatingView::of(Rating::default(), Language::En).is_none());
    }

    #[test]
    fn structured_data_has_a_rating_only_when_there_are_reviews() {
        assert!(structured_data(Rating::default(), &[]).is_empty());
        let members = structured_data(Rating { count: 2, sum: 9 }, &[]);
        assert_eq!(members.len(), 1);
        assert_eq!(members[0].1["ratingValue"], "4.5");
        assert_eq!(members[0].1["reviewCount"], 2);
    }
}
