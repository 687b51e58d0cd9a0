//! How an order's parts travel: each vendor ships their part by the option the shopper chose,
//! home delivery or collection at a pickup point, for a fee and within a number of days that
//! depend on how far the parcel goes: within the vendor's country, within their region of the
//! continent, or across it.
//!
//! The shop's one rule for fees (stated here and nowhere else): a fee is set in US cents per
//! vendor part ([`DeliveryOption::terms`]), converted to the currency the shopper pays in at
//! the order's rates and rounded **up to a whole unit** of that currency (no shopper pays a
//! fee of ₦3,117.16); the vendor is paid it in their own currency the same way. The fee is part
//! of what the part costs, so a cancelled part refunds its fee with it.

use serde::{Deserialize, Serialize};

use crate::{Currency, FxRates, Market, Money};

/// How a part reaches the shopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryOption {
    /// To the address, by the vendor's rider or courier.
    Home,
    /// To a pickup point near the address, where the shopper collects it.
    Pickup,
}

/// What an option costs and how long it takes for one part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTerms {
    /// In US cents.
    pub fee_usd_cents: i64,
    pub days_min: u8,
    pub days_max: u8,
}

impl DeliveryOption {
    pub const ALL: [DeliveryOption; 2] = [DeliveryOption::Home, DeliveryOption::Pickup];

    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryOption::Home => "home",
            DeliveryOption::Pickup => "pickup",
        }
    }

    pub fn parse(value: &str) -> Option<DeliveryOption> {
        DeliveryOption::ALL.into_iter().find(|option| option.as_str() == value.trim())
    }

    /// The fee and days for a part shipped from `from` (the vendor's country) to `to`.
    pub fn terms(self, from: &Market, to: &Market) -> DeliveryTerms {
        let distance = if from.country == to.country {
            0
        } else if from.region == to.region {
            1
        } else {
            2
        };
        let (fee_usd_cents, days_min, days_max) = match (self, distance) {
            (DeliveryOption::Home, 0) => (200, 1, 3),
            (DeliveryOption::Pickup, 0) => (100, 2, 4),
            (DeliveryOption::Home, 1) => (800, 4, 8),
            (DeliveryOption::Pickup, 1) => (600, 5, 9),
            (DeliveryOption::Home, _) => (1_500, 7, 14),
            (DeliveryOption::Pickup, _) => (1_200, 8, 15),
        };
        DeliveryTerms { fee_usd_cents, days_min, days_max }
    }
}

impl DeliveryTerms {
    /// The fee in `currency` at `rates`, rounded up to a whole unit; `None` without a rate.
    pub fn fee_in(&self, currency: Currency, rates: &FxRates) -> Option<Money> {
        let converted = rates.convert(Money::new(Currency::USD, self.fee_usd_cents), currency)?;
        let unit = 10i64.pow(currency.exponent());
        let whole = (converted.minor + unit - 1) / unit * unit;
        Some(Money::new(currency, whole))
    }
}

/// A delivery choice as checkout offers it: the option, what it costs for the whole order and
/// the slowest part's days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryChoice {
    pub option: DeliveryOption,
    /// The sum of every part's fee, in the cart's currency.
    pub fee: Money,
    pub days_min: u8,
    pub days_max: u8,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(country: &str) -> &'static Market {
        Market::of_country(country)
    }

    #[test]
    fn the_further_a_parcel_goes_the_more_it_costs_and_the_longer_it_takes() {
        let (lagos, accra, nairobi) = (market("NG"), market("GH"), market("KE"));
        let home = |from, to| DeliveryOption::Home.terms(from, to);
        assert_eq!(home(lagos, lagos), DeliveryTerms { fee_usd_cents: 200, days_min: 1, days_max: 3 });
        assert!(home(accra, lagos).fee_usd_cents > home(lagos, lagos).fee_usd_cents);
        assert!(home(nairobi, lagos).days_max > home(accra, lagos).days_max);
        assert!(DeliveryOption::Pickup.terms(lagos, lagos).fee_usd_cents < home(lagos, lagos).fee_usd_cents);
        assert_eq!(DeliveryOption::parse("pickup"), Some(DeliveryOption::Pickup));
        assert_eq!(DeliveryOption::parse("drone"), None);
    }

    #[test]
    fn a_fee_is_rounded_up_to_a_whole_unit_of_the_shoppers_currency() {
        let rates = FxRates { as_of: String::new(), per_usd_micros: vec![(Currency::NGN, 1_558_580_000)] };
        let terms = DeliveryTerms { fee_usd_cents: 200, days_min: 1, days_max: 3 };
        // $2.00 = ₦3,117.16 → ₦3,118.
        assert_eq!(terms.fee_in(Currency::NGN, &rates), Some(Money::new(Currency::NGN, 311_800)));
        assert_eq!(terms.fee_in(Currency::USD, &rates), Some(Money::new(Currency::USD, 200)));
        assert_eq!(terms.fee_in(Currency::KES, &rates), None);
    }
}
