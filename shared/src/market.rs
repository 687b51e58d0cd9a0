//! Markets: the 54 African countries we sell to, each with its region (by network distance to
//! our origin sites, so Zambia and Zimbabwe sit with Johannesburg), the origin sites that
//! serve it in order of preference, its currency and the language its pages default to.
//!
//! The edge uses this to route a shopper to the nearest healthy origin and to pick the page
//! variant (currency, language); the origin uses it to price in the shopper's currency.

use serde::{Deserialize, Serialize};

use crate::Currency;

/// A region of the continent, as our origin footprint divides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Region {
    West,
    Central,
    East,
    Southern,
    North,
}

/// A data centre region running the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OriginSite {
    Lagos,
    Nairobi,
    Johannesburg,
    Cairo,
}

impl OriginSite {
    pub const ALL: [OriginSite; 4] =
        [OriginSite::Lagos, OriginSite::Nairobi, OriginSite::Johannesburg, OriginSite::Cairo];

    /// Lowercase name, as used in configuration (`ORIGIN_LAGOS`, `origin-pool = lagos,…`).
    pub const fn name(self) -> &'static str {
        match self {
            OriginSite::Lagos => "lagos",
            OriginSite::Nairobi => "nairobi",
            OriginSite::Johannesburg => "johannesburg",
            OriginSite::Cairo => "cairo",
        }
    }
}

impl Region {
    /// Origin sites in the order a shopper in this region should try them: nearest first, then
    /// by network distance. Every pool lists every site, so any one healthy site can serve.
    pub const fn origin_pool(self) -> [OriginSite; 4] {
        use OriginSite::*;
        match self {
            Region::West | Region::Central => [Lagos, Johannesburg, Nairobi, Cairo],
            Region::East => [Nairobi, Johannesburg, Cairo, Lagos],
            Region::Southern => [Johannesburg, Nairobi, Lagos, Cairo],
            Region::North => [Cairo, Lagos, Nairobi, Johannesburg],
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Region::West => "west",
            Region::Central => "central",
            Region::East => "east",
            Region::Southern => "southern",
            Region::North => "north",
        }
    }
}

/// The language a market's pages default to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    En,
    Fr,
    Ar,
    Pt,
    Sw,
}

impl Language {
    /// Every language pages are written in.
    pub const ALL: [Language; 5] = [Language::En, Language::Fr, Language::Ar, Language::Pt, Language::Sw];

    /// This language's entry of a table written in every language, in [`Language::ALL`]'s
    /// order (English, French, Arabic, Portuguese, Swahili): how each word table picks its own.
    pub const fn pick<T: ?Sized>(self, table: [&T; 5]) -> &T {
        table[self as usize]
    }

    /// The language a tag names (`fr`, `FR`, `fr-CI`), if pages are written in it.
    pub fn parse(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.trim();
        Language::ALL.into_iter().find(|language| language.tag().eq_ignore_ascii_case(primary))
    }

    /// The language's name in itself, for a language menu.
    pub const fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Fr => "Français",
            Language::Ar => "العربية",
            Language::Pt => "Português",
            Language::Sw => "Kiswahili",
        }
    }

    /// Whether text runs right to left (`<html dir="rtl">`).
    pub const fn is_right_to_left(self) -> bool {
        matches!(self, Language::Ar)
    }

    /// BCP 47 tag for `<html lang>` and `Content-Language`.
    pub const fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::Ar => "ar",
            Language::Pt => "pt",
            Language::Sw => "sw",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market {
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    pub name: &'static str,
    pub region: Region,
    pub currency: Currency,
    pub language: Language,
}

/// Where shoppers from outside Africa, or whose country is unknown, are served from and
/// priced in: the West region (our largest market, Lagos first), in US dollars, in English.
pub const ELSEWHERE: Market = Market {
    country: "ZZ",
    name: "International",
    region: Region::West,
    currency: Currency::USD,
    language: Language::En,
};

pub const MARKETS: [Market; 54] = [
    Market {
        country: "DZ",
        name: "Algeria",
        region: Region::North,
        currency: Currency::DZD,
        language: Language::Ar,
    },
    Market {
        country: "EG",
        name: "Egypt",
        region: Region::North,
        currency: Currency::EGP,
        language: Language::Ar,
    },
    Market {
        country: "LY",
        name: "Libya",
        region: Region::North,
        currency: Currency::LYD,
        language: Language::Ar,
    },
    Market {
        country: "MA",
        name: "Morocco",
        region: Region::North,
        currency: Currency::MAD,
        language: Language::Ar,
    },
    Market {
        country: "SD",
        name: "Sudan",
        region: Region::North,
        currency: Currency::SDG,
        language: Language::Ar,
    },
    Market {
        country: "TN",
        name: "Tunisia",
        region: Region::North,
        currency: Currency::TND,
        language: Language::Fr,
    },
    Market {
        country: "BJ",
        name: "Benin",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "BF",
        name: "Burkina Faso",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "CV",
        name: "Cabo Verde",
        region: Region::West,
        currency: Currency::CVE,
        language: Language::Pt,
    },
    Market {
        country: "CI",
        name: "Côte d'Ivoire",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "GM",
        name: "Gambia",
        region: Region::West,
        currency: Currency::GMD,
        language: Language::En,
    },
    Market {
        country: "GH",
        name: "Ghana",
        region: Region::West,
        currency: Currency::GHS,
        language: Language::En,
    },
    Market {
        country: "GN",
        name: "Guinea",
        region: Region::West,
        currency: Currency::GNF,
        language: Language::Fr,
    },
    Market {
        country: "GW",
        name: "Guinea-Bissau",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Pt,
    },
    Market {
        country: "LR",
        name: "Liberia",
        region: Region::West,
        currency: Currency::LRD,
        language: Language::En,
    },
    Market {
        country: "ML",
        name: "Mali",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "MR",
        name: "Mauritania",
        region: Region::West,
        currency: Currency::MRU,
        language: Language::Ar,
    },
    Market {
        country: "NE",
        name: "Niger",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "NG",
        name: "Nigeria",
        region: Region::West,
        currency: Currency::NGN,
        language: Language::En,
    },
    Market {
        country: "SN",
        name: "Senegal",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "SL",
        name: "Sierra Leone",
        region: Region::West,
        currency: Currency::SLE,
        language: Language::En,
    },
    Market {
        country: "TG",
        name: "Togo",
        region: Region::West,
        currency: Currency::XOF,
        language: Language::Fr,
    },
    Market {
        country: "AO",
        name: "Angola",
        region: Region::Central,
        currency: Currency::AOA,
        language: Language::Pt,
    },
    Market {
        country: "CM",
        name: "Cameroon",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "CF",
        name: "Central African Republic",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "TD",
        name: "Chad",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "CG",
        name: "Congo",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "CD",
        name: "DR Congo",
        region: Region::Central,
        currency: Currency::CDF,
        language: Language::Fr,
    },
    Market {
        country: "GQ",
        name: "Equatorial Guinea",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "GA",
        name: "Gabon",
        region: Region::Central,
        currency: Currency::XAF,
        language: Language::Fr,
    },
    Market {
        country: "ST",
        name: "São Tomé and Príncipe",
        region: Region::Central,
        currency: Currency::STN,
        language: Language::Pt,
    },
    Market {
        country: "BI",
        name: "Burundi",
        region: Region::East,
        currency: Currency::BIF,
        language: Language::Fr,
    },
    Market {
        country: "KM",
        name: "Comoros",
        region: Region::East,
        currency: Currency::KMF,
        language: Language::Fr,
    },
    Market {
        country: "DJ",
        name: "Djibouti",
        region: Region::East,
        currency: Currency::DJF,
        language: Language::Fr,
    },
    Market {
        country: "ER",
        name: "Eritrea",
        region: Region::East,
        currency: Currency::ERN,
        language: Language::En,
    },
    Market {
        country: "ET",
        name: "Ethiopia",
        region: Region::East,
        currency: Currency::ETB,
        language: Language::En,
    },
    Market {
        country: "KE",
        name: "Kenya",
        region: Region::East,
        currency: Currency::KES,
        language: Language::En,
    },
    Market {
        country: "MG",
        name: "Madagascar",
        region: Region::East,
        currency: Currency::MGA,
        language: Language::Fr,
    },
    Market {
        country: "MW",
        name: "Malawi",
        region: Region::East,
        currency: Currency::MWK,
        language: Language::En,
    },
    Market {
        country: "MU",
        name: "Mauritius",
        region: Region::East,
        currency: Currency::MUR,
        language: Language::En,
    },
    Market {
        country: "MZ",
        name: "Mozambique",
        region: Region::East,
        currency: Currency::MZN,
        language: Language::Pt,
    },
    Market {
        country: "RW",
        name: "Rwanda",
        region: Region::East,
        currency: Currency::RWF,
        language: Language::En,
    },
    Market {
        country: "SC",
        name: "Seychelles",
        region: Region::East,
        currency: Currency::SCR,
        language: Language::En,
    },
    Market {
        country: "SO",
        name: "Somalia",
        region: Region::East,
        currency: Currency::SOS,
        language: Language::Ar,
    },
    Market {
        country: "SS",
        name: "South Sudan",
        region: Region::East,
        currency: Currency::SSP,
        language: Language::En,
    },
    Market {
        country: "TZ",
        name: "Tanzania",
        region: Region::East,
        currency: Currency::TZS,
        language: Language::Sw,
    },
    Market {
        country: "UG",
        name: "Uganda",
        region: Region::East,
        currency: Currency::UGX,
        language: Language::En,
    },
    Market {
        country: "ZM",
        name: "Zambia",
        region: Region::East,
        currency: Currency::ZMW,
        language: Language::En,
    },
    Market {
        country: "ZW",
        name: "Zimbabwe",
        region: Region::East,
        currency: Currency::USD,
        language: Language::En,
    },
    Market {
        country: "BW",
        name: "Botswana",
        region: Region::Southern,
        currency: Currency::BWP,
        language: Language::En,
    },
    Market {
        country: "LS",
        name: "Lesotho",
        region: Region::Southern,
        currency: Currency::LSL,
        language: Language::En,
    },
    Market {
        country: "NA",
        name: "Namibia",
        region: Region::Southern,
        currency: Currency::NAD,
        language: Language::En,
    },
    Market {
        country: "ZA",
        name: "South Africa",
        region: Region::Southern,
        currency: Currency::ZAR,
        language: Language::En,
    },
    Market {
        country: "SZ",
        name: "Eswatini",
        region: Region::Southern,
        currency: Currency::SZL,
        language: Language::En,
    },
];

impl Market {
    /// The market of an ISO country code (any case); [`ELSEWHERE`] for unknown or non-African
    /// countries.
    pub fn of_country(country: &str) -> &'static Market {
        Market::find(country).unwrap_or(&ELSEWHERE)
    }

    /// The market of an ISO country code (any case), when it is one of ours.
    pub fn find(country: &str) -> Option<&'static Market> {
        MARKETS.iter().find(|m| m.country.eq_ignore_ascii_case(country.trim()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_language_picks_its_own_entry_of_a_table() {
        use super::Language;
        let table = ["en", "fr", "ar", "pt", "sw"];
        for language in Language::ALL {
            assert_eq!(*language.pick(table.each_ref()), language.tag());
        }
    }

    #[test]
    fn language_tags_are_read_by_their_primary_subtag() {
        use super::Language;
        assert_eq!(Language::parse("fr-CI"), Some(Language::Fr));
        assert_eq!(Language::parse("SW"), Some(Language::Sw));
        assert_eq!(Language::parse("pt_AO"), Some(Language::Pt));
        assert_eq!(Language::parse("de"), None);
        assert_eq!(Language::parse(""), None);
        for language in Language::ALL {
            assert_eq!(Language::parse(language.tag()), Some(language));
        }
    }

    use super::*;

    #[test]
    fn every_african_country_has_exactly_one_market() {
        let codes: std::collections::HashSet<_> = MARKETS.iter().map(|m| m.country).collect();
        assert_eq!(codes.len(), 54);
        for market in &MARKETS {
            assert_eq!(Market::of_country(market.country), market);
            assert_eq!(Market::of_country(&market.country.to_lowercase()), market);
            let pool = market.region.origin_pool();
            let unique: std::collections::HashSet<_> = pool.iter().collect();
            assert_eq!(
                unique.len(),
                OriginSite::ALL.len(),
                "{}: the pool lists every site once",
                market.name
            );
        }
    }

    #[test]
    fn shoppers_are_routed_to_their_regions_origin_first() {
        assert_eq!(Market::of_country("KE").region.origin_pool()[0], OriginSite::Nairobi);
        assert_eq!(Market::of_country("NG").region.origin_pool()[0], OriginSite::Lagos);
        assert_eq!(Market::of_country("ZA").region.origin_pool()[0], OriginSite::Johannesburg);
        assert_eq!(Market::of_country("EG").region.origin_pool()[0], OriginSite::Cairo);
        assert_eq!(Market::of_country("SN").currency, Currency::XOF);
        assert_eq!(Market::of_country("TZ").language, Language::Sw);
        assert_eq!(Market::of_country("AO").language, Language::Pt);
    }

    #[test]
    fn unknown_and_non_african_countries_get_the_international_default() {
        for country in ["FR", "US", "", "XX", "K", "KEN"] {
            assert_eq!(Market::of_country(country), &ELSEWHERE, "{country}");
        }
    }
}
