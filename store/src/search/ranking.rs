//! How matches are ordered, the same on both backends: the databases find candidates (with
//! their text rank and price), this file decides their order.
//!
//! Relevance puts **the thing the shopper named** first. A word that names a category
//! ("phone" → Phones & Tablets) is read as "show me that kind of product": the category's
//! products come first, except those whose name uses the word as a modifier ("Silicone
//! *phone* case", "*Phone* holder" — accessories for the thing, not the thing), newest first,
//! or by how well they match the other words of the search. Everything else follows by text
//! rank (names weigh more than descriptions), the accessories among them. A search that names
//! no category is ranked by text alone, as before.

use std::cmp::Ordering;

use linkedall_shared::{Category, Sort};

/// A product that matched, as the candidate queries return it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub category_id: i64,
    /// Text rank, higher is better; 0 for a product found by its category alone.
    pub rank: f64,
    /// Its price in the shopper's currency (see `filters.rs`), `None` without a rate.
    pub price_key: Option<f64>,
    /// Found in a category the words named (and matching the other words, ranked by them).
    #[sqlx(skip)]
    pub named: Option<f64>,
}

/// What the words of a search say beyond text: the categories they name, and the words left.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intent {
    pub categories: Vec<i64>,
    /// Stems of the words that named a category.
    pub category_words: Vec<String>,
    /// The other words, as typed: products of the named categories must match them too.
    pub rest: String,
}

impl Intent {
    pub fn of(words: &str, categories: &[Category]) -> Intent {
        let mut intent = Intent::default();
        let mut rest = Vec::new();
        for word in words.split_whitespace() {
            let stem = stem(word);
            let named: Vec<i64> = categories
                .iter()
                .filter(|c| !stem.is_empty() && words_of(&c.name).any(|w| stem_of_word(w) == stem))
                .map(|c| c.id.get())
                .collect();
            if named.is_empty() {
                rest.push(word);
            } else {
                intent.categories.extend(named);
                intent.category_words.push(stem);
            }
        }
        intent.categories.sort_unstable();
        intent.categories.dedup();
        intent.rest = rest.join(" ");
        intent
    }

    /// Whether `name` is the thing itself rather than something for it: its model part (before
    /// the first comma) does not use a category word before another word ("phone case").
    fn is_the_thing(&self, name: &str) -> bool {
        let model = name.split(',').next().unwrap_or_default();
        let words: Vec<String> = words_of(model).map(stem_of_word).collect();
        !words.iter().enumerate().any(|(i, w)| i + 1 < words.len() && self.category_words.contains(w))
    }
}

fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

fn stem_of_word(word: &str) -> String {
    stem(word)
}

/// A crude English stem, enough to match a shopper's word to a category's name: lower case,
/// plural endings off ("phones" → "phone", "batteries" → "battery", "dresses" → "dress").
pub fn stem(word: &str) -> String {
    let word: String = word.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    if word.chars().count() <= 3 {
        return word;
    }
    if let Some(base) = word.strip_suffix("ies") {
        return format!("{base}y");
    }
    for ending in ["sses", "shes", "ches", "xes"] {
        if word.ends_with(ending) {
            return word[..word.len() - 2].to_owned();
        }
    }
    match word.strip_suffix('s') {
        Some(base) if !base.ends_with('s') => base.to_owned(),
        _ => word,
    }
}

/// The candidates' ids in the order `sort` asks for. Ties fall to the newest (highest id), so
/// the order is total and the same on every request: pages neither repeat nor skip.
pub fn order(mut candidates: Vec<Candidate>, sort: Sort, intent: &Intent) -> Vec<i64> {
    let newest = |a: &Candidate, b: &Candidate| b.id.cmp(&a.id);
    let price = |a: &Candidate, b: &Candidate, flip: bool| match (a.price_key, b.price_key) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if flip { o.reverse() } else { o }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match sort {
        Sort::Newest => candidates.sort_by(newest),
        Sort::PriceLowHigh => candidates.sort_by(|a, b| price(a, b, false).then(newest(a, b))),
        Sort::PriceHighLow => candidates.sort_by(|a, b| price(a, b, true).then(newest(a, b))),
        Sort::Relevance => {
            // (tier, rank within it): the named thing by how it matches the other words, the
            // rest by text rank.
            let tier = |c: &Candidate| match c.named {
                Some(rank) if intent.is_the_thing(&c.name) => (0, rank),
                _ => (1, c.rank),
            };
            candidates.sort_by(|a, b| {
                let ((ta, ra), (tb, rb)) = (tier(a), tier(b));
                ta.cmp(&tb).then(rb.total_cmp(&ra)).then(newest(a, b))
            });
        }
    }
    candidates.into_iter().map(|c| c.id).collect()
}

#[cfg(test)]
mod tests {
    use linkedall_shared::CategoryId;

    use super::*;

    fn category(id: i64, name: &str) -> Category {
        Category {
            id: CategoryId::new(id),
            slug: String::new(),
            name: name.into(),
            description: String::new(),
        }
    }

    fn candidate(id: i64, name: &str, category_id: i64, rank: f64, price: Option<f64>) -> Candidate {
        Candidate { id, name: name.into(), category_id, rank, price_key: price, named: None }
    }

    fn named(candidate: Candidate) -> Candidate {
        Candidate { named: Some(0.0), ..candidate }
    }

    #[test]
    fn a_word_naming_a_category_is_read_as_that_kind_of_product() {
        let categories = [category(1, "Phones & Tablets"), category(2, "Home & Kitchen")];
        let intent = Intent::of("tecno Phones", &categories);
        assert_eq!(intent.categories, vec![1]);
        assert_eq!(intent.rest, "tecno");
        assert_eq!(Intent::of("ankara", &categories).categories, Vec::<i64>::new());
        assert_eq!(stem("batteries"), "battery");
        assert_eq!(stem("dresses"), "dress");
        assert_eq!(stem("glass"), "glass");
    }

    #[test]
    fn the_thing_ranks_above_accessories_for_it_and_mere_mentions() {
        let intent = Intent::of("phone", &[category(1, "Phones & Tablets")]);
        let ids = order(
            vec![
                named(candidate(1, "Silicone phone case, Tecno Spark 20", 1, 0.9, None)),
                named(candidate(2, "Tecno Spark 20, 128 GB, Ocean Blue", 1, 0.1, None)),
                candidate(3, "Solar lamp", 5, 0.2, None),
                named(candidate(4, "Nokia 105, Blue", 1, 0.0, None)),
                named(candidate(5, "itel feature phone", 1, 0.0, None)),
            ],
            Sort::Relevance,
            &intent,
        );
        assert_eq!(ids, vec![5, 4, 2, 1, 3]);
    }

    #[test]
    fn price_sorts_put_unpriced_last_and_break_ties_by_newest() {
        let c = |id, price| candidate(id, "x", 1, 0.0, price);
        let all = vec![c(1, Some(5.0)), c(2, None), c(3, Some(1.0)), c(4, Some(5.0))];
        assert_eq!(order(all.clone(), Sort::PriceLowHigh, &Intent::default()), vec![3, 4, 1, 2]);
        assert_eq!(order(all.clone(), Sort::PriceHighLow, &Intent::default()), vec![4, 1, 3, 2]);
        assert_eq!(order(all, Sort::Newest, &Intent::default()), vec![4, 3, 2, 1]);
    }
}
