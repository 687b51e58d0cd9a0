//! What a shopper asks of a search or a category page: the words, the sort, the filters and
//! the page, parsed once from a query string into a [`Browse`] (parse, don't validate) and
//! written back in one canonical order ([`Browse::to_query`]), so that `?sort=new&q=x` and
//! `?q=x&sort=new` are one cache entry at the edge and at the origin.
//!
//! The same parameters serve the API (`/api/v1/search`) and the pages (`/search`, `/c/{slug}`);
//! the pages add `ships_to=me`, which the edge turns into the shopper's country.

use std::fmt;

use crate::Currency;

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Best match first (searches only): see the store's ranking.
    Relevance,
    /// Cheapest first, prices compared in one currency at the current rates.
    PriceLowHigh,
    PriceHighLow,
    /// Newest listings first.
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::PriceLowHigh, Sort::PriceHighLow, Sort::Newest];

    pub const fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::PriceLowHigh => "price_asc",
            Sort::PriceHighLow => "price_desc",
            Sort::Newest => "newest",
        }
    }

    fn parse(value: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|sort| sort.as_str() == value)
    }
}

/// Whose country "ships to" means: the shopper's own (pages; the edge knows it) or a named one
/// (the API).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ShipsTo {
    Me,
    Country(String),
}

/// A parameter that cannot be read, named for the API's problem and the page's sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowseError {
    /// `sort` is not one of [`Sort::ALL`].
    Sort,
    /// `sort=relevance` without words to be relevant to.
    RelevanceWithoutWords,
    /// `min_price` or `max_price` is not a whole number up to [`crate::MAX_PRICE_MAJOR`].
    Price { name: &'static str },
    /// `min_price` is above `max_price`.
    PriceOrder,
    /// `currency` is not one of ours.
    Currency,
    /// `page` is not a number from 1 to [`MAX_PAGE`].
    Page,
    /// `city` is longer than [`MAX_CITY_CHARS`].
    City,
    /// `ships_to` is neither `me` nor a two-letter country code.
    ShipsTo,
    /// `category` is not a slug.
    Category,
}

impl BrowseError {
    /// The parameter at fault.
    pub const fn parameter(&self) -> &'static str {
        match self {
            BrowseError::Sort | BrowseError::RelevanceWithoutWords => "sort",
            BrowseError::Price { name } => name,
            BrowseError::PriceOrder => "min_price",
            BrowseError::Currency => "currency",
            BrowseError::Page => "page",
            BrowseError::City => "city",
            BrowseError::ShipsTo => "ships_to",
            BrowseError::Category => "category",
        }
    }
}

impl fmt::Display for BrowseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowseError::Sort => write!(f, "sort must be one of {}", Sort::ALL.map(Sort::as_str).join(", ")),
            BrowseError::RelevanceWithoutWords => f.write_str("sort=relevance needs search words (`q`)"),
            BrowseError::Price { name } => {
                write!(
                    f,
                    "{name} must be a whole number of the currency's units up to {}",
                    crate::MAX_PRICE_MAJOR
                )
            }
            BrowseError::PriceOrder => f.write_str("min_price is above max_price"),
            BrowseError::Currency => f.write_str("currency must be an ISO code the shop prices in, e.g. NGN"),
            BrowseError::Page => write!(f, "page must be a number from 1 to {MAX_PAGE}"),
            BrowseError::City => write!(f, "city is limited to {MAX_CITY_CHARS} characters"),
            BrowseError::ShipsTo => {
                f.write_str("ships_to must be a two-letter country code (or `me` on pages)")
            }
            BrowseError::Category => f.write_str("category must be a category's slug, e.g. phones-tablets"),
        }
    }
}

/// Pages beyond this are refused: no shopper pages that far, and it bounds the work a page
/// can ask of the database (results are also counted only up to a bound).
pub const MAX_PAGE: u32 = 500;

/// A city name longer than this is not a city.
pub const MAX_CITY_CHARS: usize = 60;

/// A search or a category page's request, valid by construction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Browse {
    /// The words, trimmed, spaces collapsed; empty on a category page.
    pub words: String,
    /// A category's slug (search pages: a filter; category pages carry theirs in the path).
    pub category: Option<String>,
    /// `None`: the default — relevance with words, newest without.
    pub sort: Option<Sort>,
    /// Whole units of [`Browse::currency`], inclusive.
    pub min_price: Option<u64>,
    pub max_price: Option<u64>,
    /// The currency the price range is typed in (the shopper's); needed only with a range.
    pub currency: Option<Currency>,
    pub in_stock: bool,
    /// A vendor's city, compared without regard to case.
    pub city: Option<String>,
    pub ships_to: Option<ShipsTo>,
    /// From 1.
    pub page: u32,
}

impl Browse {
    /// Reads the parameters it knows from `pairs` (decoded query pairs; the first value of a
    /// repeated key wins, empty values count as absent) and ignores the rest.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Browse, BrowseError> {
        let pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
        let get = |name: &str| {
            pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
        };
        let price = |name: &'static str| {
            get(name)
                .map(|raw| {
                    let digits: String =
                        raw.chars().filter(|c| !matches!(c, ',' | ' ' | '_' | '\u{a0}')).collect();
                    digits
                        .parse::<u64>()
                        .ok()
                        .filter(|n| {
                            *n <= crate::MAX_PRICE_MAJOR as u64 && digits.bytes().all(|b| b.is_ascii_digit())
                        })
                        .ok_or(BrowseError::Price { name })
                })
                .transpose()
        };
        let words = get("q").unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
        let sort = get("sort").map(|raw| Sort::parse(raw).ok_or(BrowseError::Sort)).transpose()?;
        if sort == Some(Sort::Relevance) && words.is_empty() {
            return Err(BrowseError::RelevanceWithoutWords);
        }
        let (min_price, max_price) = (price("min_price")?, price("max_price")?);
        if let (Some(min), Some(max)) = (min_price, max_price)
            && min > max
        {
            return Err(BrowseError::PriceOrder);
        }
        let currency = get("currency")
            .map(|raw| raw.parse::<Currency>().map_err(|_| BrowseError::Currency))
            .transpose()?;
        let category = get("category")
            .map(|raw| {
                let slug = raw.to_ascii_lowercase();
                let valid = slug.len() <= 80 && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                valid.then_some(slug).ok_or(BrowseError::Category)
            })
            .transpose()?;
        let city = get("city")
            .map(|raw| {
                let city = raw.split_whitespace().collect::<Vec<_>>().join(" ");
                (city.chars().count() <= MAX_CITY_CHARS).then_some(city).ok_or(BrowseError::City)
            })
            .transpose()?;
        let ships_to = get("ships_to")
            .map(|raw| match raw {
                "me" => Ok(ShipsTo::Me),
                code if code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()) => {
                    Ok(ShipsTo::Country(code.to_ascii_uppercase()))
                }
                _ => Err(BrowseError::ShipsTo),
            })
            .transpose()?;
        let page = match get("page") {
            None => 1,
            Some(raw) => raw
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n) && raw.bytes().all(|b| b.is_ascii_digit()))
                .ok_or(BrowseError::Page)?,
        };
        let in_stock = matches!(get("in_stock"), Some("1" | "true" | "on" | "yes"));
        Ok(Browse { words, category, sort, min_price, max_price, currency, in_stock, city, ships_to, page })
    }

    /// The order results come in: the one asked for, else relevance with words and newest
    /// without.
    pub fn sort(&self) -> Sort {
        self.sort.unwrap_or(if self.words.is_empty() { Sort::Newest } else { Sort::Relevance })
    }

    /// Whether anything beyond the words and the page narrows or orders the results.
    pub fn is_refined(&self) -> bool {
        self.sort.is_some()
            || self.has_price_range()
            || self.in_stock
            || self.city.is_some()
            || self.ships_to.is_some()
            || self.category.is_some()
    }

    pub fn has_price_range(&self) -> bool {
        self.min_price.is_some() || self.max_price.is_some()
    }

    /// The same request on another page.
    pub fn on_page(&self, page: u32) -> Browse {
        Browse { page, ..self.clone() }
    }

    /// The parameters in one canonical order, defaults left out (`page=1`, the default sort, a
    /// currency without a range), `&`-joined and percent-encoded; empty when nothing is set.
    /// The words are lower-cased: `Shea  BUTTER` and `shea butter` are one search.
    pub fn to_query(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.words.is_empty() {
            out.append_pair("q", &self.words.to_lowercase());
        }
        if let Some(category) = &self.category {
            out.append_pair("category", category);
        }
        if let Some(sort) = self.sort.filter(|sort| *sort != self.sort_default()) {
            out.append_pair("sort", sort.as_str());
        }
        if let Some(min) = self.min_price {
            out.append_pair("min_price", &min.to_string());
        }
        if let Some(max) = self.max_price {
            out.append_pair("max_price", &max.to_string());
        }
        if let Some(currency) = self.currency.filter(|_| self.has_price_range()) {
            out.append_pair("currency", currency.code());
        }
        if self.in_stock {
            out.append_pair("in_stock", "1");
        }
        if let Some(city) = &self.city {
            out.append_pair("city", &city.to_lowercase());
        }
        match &self.ships_to {
            Some(ShipsTo::Me) => {
                out.append_pair("ships_to", "me");
            }
            Some(ShipsTo::Country(code)) => {
                out.append_pair("ships_to", code);
            }
            None => {}
        }
        if self.page > 1 {
            out.append_pair("page", &self.page.to_string());
        }
        out.finish()
    }

    fn sort_default(&self) -> Sort {
        if self.words.is_empty() { Sort::Newest } else { Sort::Relevance }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<Browse, BrowseError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Browse::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn the_same_request_in_any_order_or_case_has_one_canonical_query() {
        let a = parse("sort=price_asc&q=Shea++BUTTER&in_stock=1&max_price=5000&currency=ngn&utm_source=x")
            .unwrap();
        let b = parse("currency=NGN&max_price=5,000&in_stock=on&q=shea%20butter&sort=price_asc").unwrap();
        assert_eq!(a.to_query(), b.to_query());
        assert_eq!(a.to_query(), "q=shea+butter&sort=price_asc&max_price=5000&currency=NGN&in_stock=1");
    }

    #[test]
    fn defaults_are_left_out_of_the_canonical_query() {
        let browse = parse("q=phone&sort=relevance&page=1&currency=KES").unwrap();
        assert_eq!(browse.to_query(), "q=phone");
        let category = parse("sort=newest").unwrap();
        assert_eq!(category.to_query(), "");
        assert_eq!(parse("q=phone&page=3").unwrap().on_page(4).to_query(), "q=phone&page=4");
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let cases = [
            ("sort=cheap", "sort"),
            ("sort=relevance", "sort"),
            ("min_price=abc", "min_price"),
            ("max_price=-5", "max_price"),
            ("min_price=10&max_price=5", "min_price"),
            ("currency=XYZ", "currency"),
            ("page=0", "page"),
            ("page=501", "page"),
            ("ships_to=Kenya", "ships_to"),
            ("category=../etc", "category"),
        ];
        for (query, parameter) in cases {
            assert_eq!(parse(query).unwrap_err().parameter(), parameter, "{query}");
        }
        assert_eq!(parse(&format!("city={}", "x".repeat(61))).unwrap_err(), BrowseError::City);
    }

    #[test]
    fn ships_to_is_me_or_a_country() {
        assert_eq!(parse("ships_to=me").unwrap().ships_to, Some(ShipsTo::Me));
        assert_eq!(parse("ships_to=ke").unwrap().ships_to, Some(ShipsTo::Country("KE".into())));
    }
}
