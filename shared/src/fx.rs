//! Exchange rates, for showing a price in the shopper's currency.
//!
//! Vendors price in their own currency; a shopper pays a whole cart, whatever its vendors'
//! currencies, in one currency (their market's). Pages show the shopper's price first and the
//! vendor's second when it differs. At checkout the order is priced with the rates of that
//! moment, which the order keeps ([`FxRates::price_line`] is the one rule, used by the cart,
//! the checkout and the pages alike). The origin publishes the rates it holds
//! (`GET /api/v1/fx-rates`); conversion is integer arithmetic, never floats.

use serde::{Deserialize, Serialize};

use crate::{Currency, Money};

/// How many units of each currency one US dollar buys, in millionths of a unit
/// (1 USD = 1,550.25 NGN is `(NGN, 1_550_250_000)`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FxRates {
    /// When the rates were last set, RFC 3339.
    pub as_of: String,
    pub per_usd_micros: Vec<(Currency, u64)>,
}

impl FxRates {
    /// Units of `currency` per US dollar, in millionths; `None` when unknown.
    pub fn rate(&self, currency: Currency) -> Option<u64> {
        if currency == Currency::USD {
            return Some(1_000_000);
        }
        self.per_usd_micros.iter().find(|(c, _)| *c == currency).map(|(_, rate)| *rate).filter(|r| *r > 0)
    }

    /// `money` in `to`, rounded half away from zero to `to`'s minor unit; `None` when a rate
    /// is unknown or the result does not fit.
    pub fn convert(&self, money: Money, to: Currency) -> Option<Money> {
        if money.currency == to {
            return Some(money);
        }
        let (from_rate, to_rate) = (self.rate(money.currency)?, self.rate(to)?);
        // minor_to = minor_from × (to_rate / from_rate) × 10^(exp_to − exp_from)
        let numerator = i128::from(money.minor)
            .checked_mul(i128::from(to_rate))?
            .checked_mul(10i128.pow(to.exponent()))?;
        let denominator = i128::from(from_rate) * 10i128.pow(money.currency.exponent());
        let half = denominator / 2;
        let rounded =
            if numerator >= 0 { (numerator + half) / denominator } else { (numerator - half) / denominator };
        i64::try_from(rounded).ok().map(|minor| Money::new(to, minor))
    }

    /// A line of `quantity` units at `unit_price` as a shopper paying in `to` pays it: the unit
    /// price converted by [`FxRates::shopper_price`], then multiplied, so an order's items
    /// always add up to its parts. `None` without a rate, or when it does not fit.
    pub fn price_line(&self, unit_price: Money, quantity: u32, to: Currency) -> Option<(Money, Money)> {
        let unit = self.shopper_price(unit_price, to)?;
        Some((unit, unit.times(quantity).ok()?))
    }

    /// The shop's one rounding rule for prices: a price converted to the shopper's currency is
    /// rounded half away from zero to a **whole unit** of it (a Lagos shopper pays ₦46,116, not
    /// ₦46,115.70); a price already in it is left as its vendor set it. The vendor is always
    /// paid their own price.
    pub fn shopper_price(&self, price: Money, to: Currency) -> Option<Money> {
        if price.currency == to {
            return Some(price);
        }
        let converted = self.convert(price, to)?;
        let unit = 10i64.pow(to.exponent());
        let half = unit / 2;
        let whole = if converted.minor >= 0 {
            (converted.minor + half) / unit
        } else {
            (converted.minor - half) / unit
        };
        Some(Money::new(to, whole.checked_mul(unit)?))
    }
}

/// A price as a shopper in a market reads it: in their currency when it differs and a rate is
/// known (shown first: what they pay), with the price the vendor set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownPrice {
    /// The vendor's price.
    pub price: Money,
    /// The price in the shopper's currency, when it differs and could be converted.
    pub converted: Option<Money>,
}

impl ShownPrice {
    pub fn new(price: Money, shopper_currency: Currency, rates: Option<&FxRates>) -> ShownPrice {
        let converted = (price.currency != shopper_currency)
            .then(|| rates.and_then(|rates| rates.shopper_price(price, shopper_currency)))
            .flatten();
        ShownPrice { price, converted }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rates() -> FxRates {
        FxRates {
            as_of: "2026-11-30T00:00:00Z".into(),
            per_usd_micros: vec![
                (Currency::NGN, 1_550_000_000),
                (Currency::KES, 129_000_000),
                (Currency::XOF, 605_000_000),
                (Currency::TND, 3_100_000),
            ],
        }
    }

    #[test]
    fn converts_through_the_dollar_with_each_currencys_minor_unit() {
        let rates = rates();
        // ₦15,500.00 = $10.00 = KSh 1,290.00
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, 1_550_000), Currency::KES),
            Some(Money::new(Currency::KES, 129_000))
        );
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, 1_550_000), Currency::USD),
            Some(Money::new(Currency::USD, 1_000))
        );
        // CFA has no minor unit, the Tunisian dinar three decimals.
        assert_eq!(
            rates.convert(Money::new(Currency::USD, 1_000), Currency::XOF),
            Some(Money::new(Currency::XOF, 6_050))
        );
        assert_eq!(
            rates.convert(Money::new(Currency::USD, 1_000), Currency::TND),
            Some(Money::new(Currency::TND, 31_000))
        );
        // Rounded half away from zero: 1 kobo is 0.0832 Kenyan cents.
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, 1), Currency::KES),
            Some(Money::new(Currency::KES, 0))
        );
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, 6), Currency::KES),
            Some(Money::new(Currency::KES, 0))
        );
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, 7), Currency::KES),
            Some(Money::new(Currency::KES, 1))
        );
        assert_eq!(
            rates.convert(Money::new(Currency::NGN, -7), Currency::KES),
            Some(Money::new(Currency::KES, -1))
        );
    }

    #[test]
    fn unknown_rates_and_overflow_give_no_conversion() {
        let rates = rates();
        assert_eq!(rates.convert(Money::new(Currency::ZAR, 100), Currency::KES), None);
        assert_eq!(rates.convert(Money::new(Currency::USD, i64::MAX), Currency::XOF), None);
        assert_eq!(
            rates.convert(Money::new(Currency::ZAR, 100), Currency::ZAR),
            Some(Money::new(Currency::ZAR, 100))
        );
    }

    #[test]
    fn a_line_is_its_converted_unit_price_times_the_quantity() {
        let rates = rates();
        // KSh 1,290.00 = ₦15,500.00 each; three of them.
        assert_eq!(
            rates.price_line(Money::new(Currency::KES, 129_000), 3, Currency::NGN),
            Some((Money::new(Currency::NGN, 1_550_000), Money::new(Currency::NGN, 4_650_000)))
        );
        // Rounded per unit to a whole shilling, never per line: ₦10.00 is KSh 0.83, so KSh 1
        // each and KSh 3 for three.
        assert_eq!(
            rates.price_line(Money::new(Currency::NGN, 1_000), 3, Currency::KES),
            Some((Money::new(Currency::KES, 100), Money::new(Currency::KES, 300)))
        );
        // A price in the shopper's own currency keeps its cents.
        assert_eq!(
            rates.price_line(Money::new(Currency::KES, 129_050), 2, Currency::KES),
            Some((Money::new(Currency::KES, 129_050), Money::new(Currency::KES, 258_100)))
        );
        // $12.34 is ₦19,127.00 (whole already) and KSh 1,591.86 → KSh 1,592.
        assert_eq!(
            rates.shopper_price(Money::new(Currency::USD, 1_234), Currency::KES),
            Some(Money::new(Currency::KES, 159_200))
        );
        assert_eq!(rates.price_line(Money::new(Currency::ZAR, 100), 1, Currency::KES), None);
    }

    #[test]
    fn a_shown_price_is_converted_only_for_another_currency() {
        let rates = rates();
        let naira = Money::new(Currency::NGN, 1_550_000);
        assert_eq!(ShownPrice::new(naira, Currency::NGN, Some(&rates)).converted, None);
        assert_eq!(
            ShownPrice::new(naira, Currency::KES, Some(&rates)).converted,
            Some(Money::new(Currency::KES, 129_000))
        );
        assert_eq!(ShownPrice::new(naira, Currency::KES, None).converted, None);
    }
}
