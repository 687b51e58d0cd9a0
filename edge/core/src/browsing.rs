//! Search and category pages as a shopper refines them: the request as the origin and the
//! cache see it ([`for_shopper`], [`origin_path`]), and what the page shows around the cards —
//! the sort and filter form (a plain GET form: it works without JavaScript), the result count
//! and the previous/next links.

use linkedall_shared::{Browse, Category, Language, ResultCount, SearchResults, ShipsTo, Sort};

use crate::amounts;
use crate::browse_words::BrowseWords;
use crate::locale::Locale;
use crate::words::fill;

/// `browse` for this shopper: "ships to me" becomes their country (dropped when the edge does
/// not know it, or it is not one of ours), and a price range is in their market's currency.
/// Its [`Browse::to_query`] is what the cache key holds and what the origin is asked.
pub fn for_shopper(browse: &Browse, locale: &Locale) -> Browse {
    let ships_to = match &browse.ships_to {
        Some(ShipsTo::Me) => locale.our_market().map(|market| ShipsTo::Country(market.country.to_owned())),
        other => other.clone(),
    };
    let currency = browse.has_price_range().then(|| locale.currency());
    Browse { ships_to, currency, ..browse.clone() }
}

/// The origin's address for a page of `browse` (already [`for_shopper`]), within `category`.
pub fn origin_path(browse: &Browse, category: Option<&str>, per_page: u32) -> String {
    let browse = Browse {
        category: category.map(str::to_owned).or_else(|| browse.category.clone()),
        ..browse.clone()
    };
    let query = browse.to_query();
    let sep = if query.is_empty() { "" } else { "&" };
    format!("/api/v1/search?{query}{sep}limit={per_page}")
}

/// The page's own address for `browse` on `page` (as the shopper's links carry it: "ships to
/// me", no currency).
pub fn page_address(path: &str, browse: &Browse, page: u32) -> String {
    let query = Browse { currency: None, ..browse.on_page(page) }.to_query();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// "123 results", "More than 1,000 results", in the page's language.
pub fn count_text(count: ResultCount, language: Language) -> String {
    let words = BrowseWords::of(language);
    let number = amounts::count(u64::from(count.at_least), language);
    match (count.exact, count.at_least) {
        (true, 1) => words.one_result.to_owned(),
        (true, _) => fill(words.results, number),
        (false, _) => fill(words.more_than, number),
    }
}

/// One `<option>` of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The sort and filter form.
pub struct RefineForm {
    pub action: String,
    /// The search words, carried in a hidden field (empty on category pages).
    pub query: String,
    pub sorts: Vec<Choice>,
    /// Search pages only: every category, "all categories" first.
    pub categories: Vec<Choice>,
    pub min_price: String,
    pub max_price: String,
    pub price_from: String,
    pub price_to: String,
    pub in_stock: bool,
    pub city: String,
    pub ships_to_me: bool,
    /// Open when the page is refined already; folded otherwise, so the cards come first on a
    /// phone.
    pub open: bool,
    pub clear_href: String,
    pub words: &'static BrowseWords,
}

impl RefineForm {
    /// The form of a page at `path` showing `browse`, with `categories` (translated) to choose
    /// from on search pages.
    pub fn new(path: &str, browse: &Browse, categories: &[Category], locale: &Locale) -> RefineForm {
        let words = BrowseWords::of(locale.language);
        let searching = !browse.words.is_empty();
        let current = browse.sort();
        let sorts = Sort::ALL
            .into_iter()
            .filter(|sort| searching || *sort != Sort::Relevance)
            .map(|sort| Choice {
                value: sort.as_str().into(),
                label: words.sort(sort).into(),
                selected: sort == current,
            })
            .collect();
        let categories = if searching {
            std::iter::once(Choice {
                value: String::new(),
                label: words.any_category.into(),
                selected: browse.category.is_none(),
            })
            .chain(categories.iter().map(|c| Choice {
                value: c.slug.clone(),
                label: c.name.clone(),
                selected: browse.category.as_deref() == Some(c.slug.as_str()),
            }))
            .collect()
        } else {
            Vec::new()
        };
        let currency = locale.currency();
        let clear = Browse { words: browse.words.clone(), page: 1, ..Browse::default() };
        RefineForm {
            action: path.to_owned(),
            query: browse.words.clone(),
            sorts,
            categories,
            min_price: browse.min_price.map(|p| p.to_string()).unwrap_or_default(),
            max_price: browse.max_price.map(|p| p.to_string()).unwrap_or_default(),
            price_from: fill(words.price_from, currency),
            price_to: fill(words.price_to, currency),
            in_stock: browse.in_stock,
            city: browse.city.clone().unwrap_or_default(),
            ships_to_me: browse.ships_to.is_some(),
            open: browse.is_refined(),
            clear_href: page_address(path, &clear, 1),
            words,
        }
    }
}

/// Previous and next page links of a search or category page.
pub struct Pager {
    pub previous: Option<String>,
    pub next: Option<String>,
    /// "Page 2", when there is more than one.
    pub label: Option<String>,
}

impl Pager {
    pub fn new(path: &str, browse: &Browse, results: &SearchResults, language: Language) -> Pager {
        let words = BrowseWords::of(language);
        let page = results.page;
        Pager {
            previous: (page > 1).then(|| page_address(path, browse, page - 1)),
            next: results.has_next.then(|| page_address(path, browse, page + 1)),
            label: (page > 1 || results.has_next)
                .then(|| fill(words.page, amounts::count(u64::from(page), language))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browse(query: &str) -> Browse {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Browse::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap()
    }

    #[test]
    fn ships_to_me_is_the_shoppers_country_and_prices_are_in_their_currency() {
        let kenya = Locale::of_country(Some("KE"));
        let resolved = for_shopper(&browse("q=phone&ships_to=me&max_price=20000"), &kenya);
        assert_eq!(resolved.to_query(), "q=phone&max_price=20000&currency=KES&ships_to=KE");
        assert_eq!(
            origin_path(&resolved, None, 24),
            "/api/v1/search?q=phone&max_price=20000&currency=KES&ships_to=KE&limit=24"
        );
        let nowhere = Locale::of_country(None);
        assert_eq!(for_shopper(&browse("q=phone&ships_to=me"), &nowhere).ships_to, None);
        assert_eq!(
            origin_path(&for_shopper(&browse("sort=price_desc"), &kenya), Some("fashion"), 24),
            "/api/v1/search?category=fashion&sort=price_desc&limit=24"
        );
    }

    #[test]
    fn counts_say_when_they_stopped_counting() {
        let count = |at_least, exact| count_text(ResultCount { at_least, exact }, Language::En);
        assert_eq!(count(1, true), "1 result");
        assert_eq!(count(123, true), "123 results");
        assert_eq!(count(1000, false), "More than 1,000 results");
        assert_eq!(
            count_text(ResultCount { at_least: 1000, exact: false }, Language::Fr),
            "Plus de 1\u{202f}000 résultats"
        );
    }

    #[test]
    fn page_links_keep_the_filters_and_drop_the_first_page_number() {
        let b = browse("q=phone&sort=newest&in_stock=1&page=2");
        assert_eq!(page_address("/search", &b, 1), "/search?q=phone&sort=newest&in_stock=1");
        assert_eq!(page_address("/search", &b, 3), "/search?q=phone&sort=newest&in_stock=1&page=3");
    }
}
