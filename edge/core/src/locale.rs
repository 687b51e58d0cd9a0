//! Who a catalog page is rendered for, beyond its address: the shopper's country (its
//! market sets the currency prices are also shown in), the language and lite mode. The cache
//! key holds the market's currency, the language and lite ([`crate::cache::key`]), so
//! shoppers who would see the same page share it.
//!
//! The country comes from the host (`request.cf.country` on Workers, a header elsewhere); the
//! language is the market's own (the 54-country table). A shopper may choose either:
//! `?country=GH` or `?lang=fr` on any page, remembered for a year in a cookie
//! ([`COUNTRY_COOKIE`], [`LANGUAGE_COOKIE`]) that later requests carry. The address beats the
//! cookie, the cookie beats the host's guess. `Accept-Language` is not read: a page varying
//! by it could hardly be shared in a cache, and the market's language with a one-click
//! choice serves our shoppers better than a phone's factory setting.

use linkedall_shared::{Currency, Language, Market};
use serde::{Deserialize, Serialize};

use crate::route::param;

/// The query parameter choosing the country.
pub const COUNTRY_PARAM: &str = "country";
/// The query parameter choosing the language.
pub const LANGUAGE_PARAM: &str = "lang";
/// The cookie remembering the chosen country.
pub const COUNTRY_COOKIE: &str = "la_country";
/// The cookie remembering the chosen language.
pub const LANGUAGE_COOKIE: &str = "la_lang";
/// How long a choice is remembered.
const REMEMBER_SECS: u32 = 365 * 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Locale {
    /// ISO 3166-1 alpha-2, upper case; `None` when neither the host nor the shopper says.
    pub country: Option<String>,
    pub language: Language,
    /// A lite page (small images only): see [`crate::cache::wants_lite`].
    pub lite: bool,
}

impl Locale {
    /// `country`'s market language, full page.
    pub fn of_country(country: Option<&str>) -> Locale {
        let country = country.and_then(country_code);
        let language = Market::of_country(country.as_deref().unwrap_or_default()).language;
        Locale { country, language, lite: false }
    }

    /// The locale of a request whose host places it in `geo_country`, with the shopper's own
    /// choices from its query and cookies, and the `Set-Cookie` values remembering choices
    /// made in the query.
    pub fn of_request(
        headers: &http::HeaderMap,
        query: Option<&str>,
        geo_country: Option<&str>,
    ) -> (Locale, Vec<String>) {
        let mut remember = Vec::new();
        let chosen_country = param(query, COUNTRY_PARAM).as_deref().and_then(country_code);
        if let Some(code) = &chosen_country {
            remember.push(cookie(COUNTRY_COOKIE, code));
        }
        let country = chosen_country
            .or_else(|| cookie_value(headers, COUNTRY_COOKIE).as_deref().and_then(country_code))
            .or_else(|| geo_country.and_then(country_code));
        let chosen_language = param(query, LANGUAGE_PARAM).as_deref().and_then(Language::parse);
        if let Some(language) = chosen_language {
            remember.push(cookie(LANGUAGE_COOKIE, language.tag()));
        }
        let language = chosen_language
            .or_else(|| cookie_value(headers, LANGUAGE_COOKIE).as_deref().and_then(Language::parse))
            .unwrap_or_else(|| Market::of_country(country.as_deref().unwrap_or_default()).language);
        let lite = crate::cache::wants_lite(headers, query);
        (Locale { country, language, lite }, remember)
    }

    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// The shopper's market when their country is known and one of our 54: what delivery, "ships
    /// to me" and a shop's reach are decided against (no guess for anyone else).
    pub fn our_market(&self) -> Option<&'static Market> {
        self.country().and_then(Market::find)
    }

    /// The shopper's market: ours for African countries, [`linkedall_shared::ELSEWHERE`] otherwise.
    pub fn market(&self) -> Market {
        *Market::of_country(self.country().unwrap_or_default())
    }

    /// The currency prices are also shown in.
    pub fn currency(&self) -> Currency {
        self.market().currency
    }

    pub fn with_lite(mut self, lite: bool) -> Locale {
        self.lite = lite;
        self
    }
}

/// A two-letter country code, upper-cased; anything else is no country.
fn country_code(value: &str) -> Option<String> {
    let value = value.trim();
    (value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic())).then(|| value.to_ascii_uppercase())
}

fn cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; Max-Age={REMEMBER_SECS}; SameSite=Lax")
}

fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| cookie_in(value, name))
}

/// The value of cookie `name` in a `Cookie` header's `value`.
pub(crate) fn cookie_in(value: &str, name: &str) -> Option<String> {
    value
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        if !cookie.is_empty() {
            headers.insert(http::header::COOKIE, cookie.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_a_known_country_of_ours_is_a_market_to_deliver_to() {
        let ours = |country: Option<&str>| {
            Locale::of_request(&headers(""), None, country).0.our_market().map(|m| m.country)
        };
        assert_eq!(ours(Some("ke")), Some("KE"));
        assert_eq!(ours(Some("US")), None, "not one of our markets");
        assert_eq!(ours(None), None, "unknown");
    }

    #[test]
    fn the_market_sets_the_language_unless_the_shopper_chose_one() {
        let (senegal, remember) = Locale::of_request(&headers(""), None, Some("sn"));
        assert_eq!(
            (senegal.country(), senegal.language, senegal.currency()),
            (Some("SN"), Language::Fr, Currency::XOF)
        );
        assert!(remember.is_empty());
        let (kenya, _) = Locale::of_request(&headers("session=x; la_lang=en"), None, Some("KE"));
        assert_eq!(kenya.language, Language::En, "the cookie beats the market");
        let (chosen, remember) =
            Locale::of_request(&headers("la_lang=en"), Some("lang=sw&q=simu"), Some("KE"));
        assert_eq!(chosen.language, Language::Sw, "the address beats the cookie");
        assert_eq!(remember, vec![format!("la_lang=sw; Path=/; Max-Age={REMEMBER_SECS}; SameSite=Lax")]);
        let (unknown, remember) = Locale::of_request(&headers(""), Some("lang=de"), None);
        assert_eq!((unknown.language, unknown.currency()), (Language::En, Currency::USD));
        assert!(remember.is_empty(), "an unknown language is not remembered");
    }

    #[test]
    fn a_shopper_may_shop_as_from_another_country() {
        let (ghana, remember) = Locale::of_request(&headers(""), Some("country=gh"), Some("NG"));
        assert_eq!(
            (ghana.country(), ghana.currency(), ghana.language),
            (Some("GH"), Currency::GHS, Language::En)
        );
        assert_eq!(remember.len(), 1);
        let (remembered, _) = Locale::of_request(&headers("la_country=CI"), None, Some("NG"));
        assert_eq!((remembered.currency(), remembered.language), (Currency::XOF, Language::Fr));
        let (nonsense, remember) =
            Locale::of_request(&headers("la_country=<x>"), Some("country=Lagos"), Some("NG"));
        assert_eq!(nonsense.country(), Some("NG"), "not a country code: the host's guess stands");
        assert!(remember.is_empty());
    }
}
