//! Whether a product's shop delivers to the shopper's country — on a product page that stays
//! cached for everyone.
//!
//! A product page is cached per currency and language, not per country (countries sharing the
//! CFA franc share pages), yet whether its shop delivers depends on the shopper's country. So
//! the page wraps its "Add to cart" form in a pair of markers naming the shop's country and
//! zone ([`open`], [`CLOSE`]), and the edge decides per request ([`personalise`]): a shopper
//! the shop reaches gets the page as cached (the markers are comments), one it does not reach
//! gets a sentence instead of the form, under an `ETag` of its own. A shopper whose country is
//! unknown keeps the form: their address decides at checkout, where the origin refuses a part
//! its shop does not deliver (`/problems/does-not-deliver`).

use bytes::Bytes;
use linkedall_shared::{Language, Market, ShippingZone};

use crate::host::Cached;
use crate::words::Words;

/// Opens the block: `<!--linkedall:reach:<country>:<zone>:<language>-->`.
const OPEN: &str = "<!--linkedall:reach:";
/// Closes the block.
pub const CLOSE: &str = "<!--/linkedall:reach-->";

/// The opening marker for a shop in `country` delivering to `zone`, on a page in `language`.
pub fn open(country: &str, zone: ShippingZone, language: Language) -> String {
    format!("{OPEN}{country}:{}:{}-->", zone.as_str(), language.tag())
}

/// `html` with its reach block replaced by the "does not deliver to your country" sentence,
/// when the block's shop does not reach `shopper`; `None` when it does, or there is no block.
pub fn fill(html: &str, shopper: &Market) -> Option<String> {
    let at = html.find(OPEN)?;
    let header_end = at + html[at..].find("-->")?;
    let mut fields = html[at + OPEN.len()..header_end].split(':');
    let (country, zone, language) = (fields.next()?, fields.next()?, fields.next()?);
    let shop = Market::find(country)?;
    if ShippingZone::parse(zone)?.reaches(shop, shopper) {
        return None;
    }
    let close = header_end + html[header_end..].find(CLOSE)?;
    let words = Words::of(Language::parse(language).unwrap_or(Language::En));
    let sentence = format!(r#"<p class="stock low" role="note">{}</p>"#, words.not_delivered_here);
    let mut page = String::with_capacity(html.len());
    page.push_str(&html[..at]);
    page.push_str(&sentence);
    page.push_str(&html[close + CLOSE.len()..]);
    Some(page)
}

/// `entry` as a shopper in `shopper`'s market sees it: unchanged when the shop delivers there
/// (or the shopper's market is unknown, [`crate::locale::Locale::our_market`]), otherwise without its "Add to cart" form and with an
/// `ETag` of its own. The cached entry keeps its block.
pub fn personalise(entry: &Cached, shopper: Option<&Market>) -> Option<Cached> {
    let shopper = shopper?;
    let html = std::str::from_utf8(&entry.body).ok()?;
    let page = fill(html, shopper)?;
    metrics::counter!("edge_not_delivered_pages_total").increment(1);
    let mut copy = entry.clone();
    for (name, value) in &mut copy.headers {
        if name == "etag" {
            *value = format!("{}-nd\"", value.trim_end_matches('"'));
        }
    }
    copy.body = Bytes::from(page);
    Some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(country: &str, zone: ShippingZone, language: Language) -> String {
        format!("<p>price</p>{}<form>buy</form>{CLOSE}<p>sold by</p>", open(country, zone, language))
    }

    #[test]
    fn a_shop_that_reaches_the_shopper_keeps_its_form() {
        let nigeria = Market::of_country("NG");
        assert_eq!(fill(&page("NG", ShippingZone::Country, Language::En), nigeria), None);
        assert_eq!(fill(&page("GH", ShippingZone::Region, Language::En), nigeria), None);
        assert_eq!(fill(&page("KE", ShippingZone::Africa, Language::En), nigeria), None);
    }

    #[test]
    fn a_shop_that_does_not_reach_the_shopper_says_so_in_the_pages_language() {
        let kenya = Market::of_country("KE");
        let filled = fill(&page("NG", ShippingZone::Region, Language::Fr), kenya).unwrap();
        assert_eq!(
            filled,
            format!(
                r#"<p>price</p><p class="stock low" role="note">{}</p><p>sold by</p>"#,
                Words::of(Language::Fr).not_delivered_here
            )
        );
        assert!(!filled.contains("<form>"));
    }

    #[test]
    fn an_unknown_country_or_a_page_without_a_block_is_left_alone() {
        let entry = Cached {
            body: Bytes::from(page("NG", ShippingZone::Country, Language::En)),
            headers: vec![("etag".into(), "\"abc\"".into())],
            status: 200,
            stored_at: crate::host::Timestamp(0),
            ttl_secs: 60,
            tags: Vec::new(),
            purge_seq: 0,
        };
        assert!(personalise(&entry, None).is_none(), "an unknown country, or one not ours");
        let other = personalise(&entry, Some(Market::of_country("KE"))).expect("Kenya is not Nigeria");
        assert_eq!(other.headers[0].1, "\"abc-nd\"");
        assert_eq!(fill("<p>no block</p>", Market::of_country("KE")), None);
    }
}
