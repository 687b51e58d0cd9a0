//! The demo marketplace's markets: the countries vendors sell from, the currency they price
//! in, how shops there round a price, and the cities and market districts vendors are named
//! after. Plain data, so the generator reads as rules over it.

use linkedall_shared::Currency;

/// A country vendors sell from, priced in its own currency.
pub struct Market {
    pub country: &'static str,
    pub currency: Currency,
    /// Roughly how many units of `currency` a US dollar buys: enough to give local prices the
    /// right order of magnitude in the demo catalog (not a rate anyone should trade on).
    pub units_per_usd: f64,
    /// How shops round a price: `(below, step)` pairs in major units, smallest first; a price
    /// below `below` is a multiple of `step`, and the last step rounds everything dearer.
    pub rounding: &'static [(f64, f64)],
    pub cities: &'static [City],
}

/// A city vendors ship from and the market districts in it that shops are named after.
pub struct City {
    pub name: &'static str,
    pub districts: &'static [&'static str],
}

impl Market {
    /// The step a price of `major` units is rounded to: `₦18,500`, `KSh 1,250`, `CFA 2,500`.
    pub fn step(&self, major: f64) -> f64 {
        self.rounding
            .iter()
            .find(|(below, _)| major < *below)
            .or(self.rounding.last())
            .map_or(1.0, |(_, step)| *step)
    }

    /// `usd` US dollars in this market's currency, rounded the way its shops round, in minor
    /// units (kobo, cents; CFA francs have none).
    pub fn price_minor(&self, usd: f64) -> i64 {
        let local = usd * self.units_per_usd;
        let step = self.step(local);
        let major = ((local / step).round() * step).max(step);
        (major * 10f64.powi(self.currency.exponent() as i32)).round() as i64
    }
}

/// Above every price: the last `(below, step)` pair of a market.
const ANY: f64 = f64::INFINITY;

pub const MARKETS: &[Market] = &[
    Market {
        country: "NG",
        currency: Currency::NGN,
        units_per_usd: 1_550.0,
        rounding: &[(2_000.0, 50.0), (10_000.0, 100.0), (200_000.0, 500.0), (ANY, 1_000.0)],
        cities: &[
            City { name: "Lagos", districts: &["Ikeja", "Balogun", "Yaba", "Lekki", "Alaba", "Surulere"] },
            City { name: "Abuja", districts: &["Wuse", "Garki", "Maitama"] },
            City { name: "Kano", districts: &["Kantin Kwari", "Sabon Gari"] },
            City { name: "Port Harcourt", districts: &["Mile One", "Rumuokoro"] },
            City { name: "Ibadan", districts: &["Dugbe", "Bodija"] },
        ],
    },
    Market {
        country: "GH",
        currency: Currency::GHS,
        units_per_usd: 15.0,
        rounding: &[(20.0, 0.5), (200.0, 1.0), (2_000.0, 5.0), (ANY, 10.0)],
        cities: &[
            City { name: "Accra", districts: &["Makola", "Osu", "Kaneshie", "Madina"] },
            City { name: "Kumasi", districts: &["Kejetia", "Adum"] },
        ],
    },
    Market {
        country: "SN",
        currency: Currency::XOF,
        units_per_usd: 600.0,
        rounding: &[(1_000.0, 25.0), (10_000.0, 100.0), (100_000.0, 500.0), (ANY, 1_000.0)],
        cities: &[
            City { name: "Dakar", districts: &["Sandaga", "Médina", "Plateau", "HLM"] },
            City { name: "Thiès", districts: &["Grand Thiès"] },
        ],
    },
    Market {
        country: "CI",
        currency: Currency::XOF,
        units_per_usd: 600.0,
        rounding: &[(1_000.0, 25.0), (10_000.0, 100.0), (100_000.0, 500.0), (ANY, 1_000.0)],
        cities: &[
            City { name: "Abidjan", districts: &["Adjamé", "Treichville", "Cocody", "Yopougon"] },
            City { name: "Bouaké", districts: &["Dar-es-Salam"] },
        ],
    },
    Market {
        country: "CM",
        currency: Currency::XAF,
        units_per_usd: 600.0,
        rounding: &[(1_000.0, 25.0), (10_000.0, 100.0), (100_000.0, 500.0), (ANY, 1_000.0)],
        cities: &[
            City { name: "Douala", districts: &["Akwa", "Bonapriso", "Marché Central"] },
            City { name: "Yaoundé", districts: &["Mokolo", "Bastos"] },
        ],
    },
    Market {
        country: "KE",
        currency: Currency::KES,
        units_per_usd: 130.0,
        rounding: &[(1_000.0, 10.0), (20_000.0, 50.0), (ANY, 100.0)],
        cities: &[
            City {
                name: "Nairobi",
                districts: &["Gikomba", "Westlands", "Kilimani", "Eastleigh", "Luthuli"],
            },
            City { name: "Mombasa", districts: &["Nyali", "Kongowea"] },
            City { name: "Kisumu", districts: &["Kibuye", "Milimani"] },
        ],
    },
    Market {
        country: "UG",
        currency: Currency::UGX,
        units_per_usd: 3_700.0,
        rounding: &[(10_000.0, 500.0), (100_000.0, 1_000.0), (ANY, 5_000.0)],
        cities: &[
            City { name: "Kampala", districts: &["Owino", "Kikuubo", "Ntinda", "Nakasero"] },
            City { name: "Entebbe", districts: &["Kitoro"] },
        ],
    },
    Market {
        country: "RW",
        currency: Currency::RWF,
        units_per_usd: 1_400.0,
        rounding: &[(10_000.0, 100.0), (100_000.0, 500.0), (ANY, 1_000.0)],
        cities: &[City { name: "Kigali", districts: &["Nyabugogo", "Kimironko", "Kacyiru", "Remera"] }],
    },
    Market {
        country: "TZ",
        currency: Currency::TZS,
        units_per_usd: 2_600.0,
        rounding: &[(10_000.0, 500.0), (100_000.0, 1_000.0), (ANY, 5_000.0)],
        cities: &[
            City { name: "Dar es Salaam", districts: &["Kariakoo", "Msasani", "Mwenge"] },
            City { name: "Arusha", districts: &["Soko Kuu", "Njiro"] },
        ],
    },
    Market {
        country: "ET",
        currency: Currency::ETB,
        units_per_usd: 125.0,
        rounding: &[(100.0, 5.0), (1_000.0, 10.0), (ANY, 50.0)],
        cities: &[City { name: "Addis Ababa", districts: &["Merkato", "Bole", "Piassa", "Kazanchis"] }],
    },
    Market {
        country: "ZA",
        currency: Currency::ZAR,
        units_per_usd: 18.0,
        rounding: &[(100.0, 5.0), (1_000.0, 10.0), (ANY, 50.0)],
        cities: &[
            City { name: "Johannesburg", districts: &["Sandton", "Braamfontein", "Soweto", "Rosebank"] },
            City { name: "Cape Town", districts: &["Woodstock", "Bo-Kaap", "Observatory"] },
            City { name: "Durban", districts: &["Warwick", "Umhlanga"] },
        ],
    },
    Market {
        country: "EG",
        currency: Currency::EGP,
        units_per_usd: 49.0,
        rounding: &[(100.0, 5.0), (1_000.0, 10.0), (ANY, 50.0)],
        cities: &[
            City { name: "Cairo", districts: &["Khan el-Khalili", "Zamalek", "Heliopolis", "Maadi"] },
            City { name: "Alexandria", districts: &["Mansheya", "Smouha"] },
        ],
    },
    Market {
        country: "MA",
        currency: Currency::MAD,
        units_per_usd: 10.0,
        rounding: &[(100.0, 5.0), (1_000.0, 10.0), (ANY, 50.0)],
        cities: &[
            City { name: "Casablanca", districts: &["Derb Ghallef", "Maârif", "Habous"] },
            City { name: "Marrakesh", districts: &["Medina", "Guéliz"] },
        ],
    },
];

/// Every city of every market, in order, with its market's index in [`MARKETS`]: vendors are
/// spread over them.
pub fn cities() -> impl Iterator<Item = (usize, &'static City)> {
    MARKETS.iter().enumerate().flat_map(|(index, market)| market.cities.iter().map(move |city| (index, city)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_end_the_way_each_markets_shops_round_them() {
        let naira = &MARKETS[0];
        assert_eq!(naira.currency, Currency::NGN);
        // $11.87 is ₦18,398.5: naira above ₦10,000 end in 00 or 500.
        assert_eq!(naira.price_minor(11.87), 1_850_000, "₦18,500.00 in kobo");
        assert_eq!(naira.price_minor(0.5), 80_000, "₦800.00");
        let shilling = MARKETS.iter().find(|m| m.currency == Currency::KES).unwrap();
        // $9.5 is KSh 1,235: shillings above a thousand end in 0 or 50.
        assert_eq!(shilling.price_minor(9.5), 125_000, "KSh 1,250.00 in cents");
        let cfa = MARKETS.iter().find(|m| m.currency == Currency::XAF).unwrap();
        assert_eq!(cfa.price_minor(11.87), 7_100);
    }

    #[test]
    fn no_price_rounds_to_nothing() {
        for market in MARKETS {
            assert!(market.price_minor(0.01) > 0, "{}", market.country);
        }
    }

    #[test]
    fn every_market_has_cities_and_every_city_districts() {
        for (market, city) in cities() {
            assert!(!city.districts.is_empty(), "{} in {}", city.name, MARKETS[market].country);
        }
        assert!(cities().count() > MARKETS.len());
    }
}
