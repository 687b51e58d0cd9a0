//! Money: an ISO 4217 currency and a whole number of that currency's minor units.
//!
//! Floats never hold money here. A price of ₦12,500.00 is `Money { currency: NGN, minor:
//! 1_250_000 }`; a price of USh 45,000 is `Money { currency: UGX, minor: 45_000 }` because the
//! Ugandan shilling has no minor unit. Formatting for people lives here too, so the origin's
//! JSON and the edge's HTML agree on how a price reads.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Declares [`Currency`] from one table: code, ISO 4217 exponent, the symbol shoppers expect
/// in front of a price, and the currency's name. Variants are in the order postcard encodes
/// them: append new currencies at the end.
macro_rules! currencies {
    ($($code:ident => ($exponent:literal, $symbol:literal, $name:literal),)*) => {
        /// Every African currency plus USD for cross-border listings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Currency {
            $(#[doc = $name] $code,)*
        }

        impl Currency {
            pub const ALL: &'static [Currency] = &[$(Currency::$code,)*];

            /// The ISO 4217 alphabetic code.
            pub const fn code(self) -> &'static str {
                match self { $(Currency::$code => stringify!($code),)* }
            }

            /// Number of decimal places of the minor unit (ISO 4217 "exponent").
            pub const fn exponent(self) -> u32 {
                match self { $(Currency::$code => $exponent,)* }
            }

            /// The symbol shoppers in that market expect in front of a price.
            pub const fn symbol(self) -> &'static str {
                match self { $(Currency::$code => $symbol,)* }
            }

            /// The currency's English name.
            pub const fn name(self) -> &'static str {
                match self { $(Currency::$code => $name,)* }
            }
        }
    };
}

currencies! {
    NGN => (2, "₦", "Nigerian naira"),
    GHS => (2, "GH₵", "Ghanaian cedi"),
    XOF => (0, "CFA ", "West African CFA franc (Senegal, Côte d'Ivoire, Mali, …)"),
    XAF => (0, "FCFA ", "Central African CFA franc (Cameroon, Gabon, …)"),
    KES => (2, "KSh ", "Kenyan shilling"),
    UGX => (0, "USh ", "Ugandan shilling"),
    TZS => (2, "TSh ", "Tanzanian shilling"),
    RWF => (0, "FRw ", "Rwandan franc"),
    ETB => (2, "Br ", "Ethiopian birr"),
    ZAR => (2, "R ", "South African rand"),
    EGP => (2, "E£", "Egyptian pound"),
    MAD => (2, "MAD ", "Moroccan dirham"),
    USD => (2, "$", "US dollar"),
    DZD => (2, "DA ", "Algerian dinar"),
    LYD => (3, "LD ", "Libyan dinar"),
    SDG => (2, "SDG ", "Sudanese pound"),
    TND => (3, "DT ", "Tunisian dinar"),
    CVE => (2, "CVE ", "Cape Verdean escudo"),
    GMD => (2, "D ", "Gambian dalasi"),
    GNF => (0, "FG ", "Guinean franc"),
    LRD => (2, "L$", "Liberian dollar"),
    MRU => (2, "UM ", "Mauritanian ouguiya"),
    SLE => (2, "Le ", "Sierra Leonean leone"),
    AOA => (2, "Kz ", "Angolan kwanza"),
    CDF => (2, "FC ", "Congolese franc"),
    STN => (2, "Db ", "São Tomé and Príncipe dobra"),
    BIF => (0, "FBu ", "Burundian franc"),
    KMF => (0, "CF ", "Comorian franc"),
    DJF => (0, "Fdj ", "Djiboutian franc"),
    ERN => (2, "Nfk ", "Eritrean nakfa"),
    MGA => (2, "Ar ", "Malagasy ariary"),
    MWK => (2, "MK ", "Malawian kwacha"),
    MUR => (2, "Rs ", "Mauritian rupee"),
    MZN => (2, "MT ", "Mozambican metical"),
    SCR => (2, "SR ", "Seychellois rupee"),
    SOS => (2, "Sh.So. ", "Somali shilling"),
    SSP => (2, "SSP ", "South Sudanese pound"),
    ZMW => (2, "K ", "Zambian kwacha"),
    BWP => (2, "P ", "Botswana pula"),
    LSL => (2, "M ", "Lesotho loti"),
    NAD => (2, "N$", "Namibian dollar"),
    SZL => (2, "E ", "Swazi lilangeni"),
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = DomainError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Currency::ALL.iter().copied().find(|c| c.code().eq_ignore_ascii_case(value)).ok_or_else(|| {
            DomainError::UnknownCurrency {
                value: crate::ids::truncate(value),
                expected: Currency::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", "),
            }
        })
    }
}

/// The most one unit of a product may cost, in major units of its currency (naira, shillings,
/// francs, dollars …): one billion. Prices are bounded where vendors set them, so that no sum
/// the shop computes from them can overflow: with at most 99 units a line and 100 lines an order,
/// an order's total stays below 10^16 minor units, far inside `i64`.
pub const MAX_PRICE_MAJOR: i64 = 1_000_000_000;

impl Currency {
    /// The highest price a product may have in this currency, in minor units:
    /// [`MAX_PRICE_MAJOR`] major units (10^12 for a currency of three decimals, the most).
    pub const fn max_price_minor(self) -> i64 {
        MAX_PRICE_MAJOR * 10i64.pow(self.exponent())
    }
}

/// An amount of money in one currency, counted in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub currency: Currency,
    /// Whole minor units (kobo, pesewas, cents …; whole francs or shillings where the
    /// currency has no minor unit).
    pub minor: i64,
}

impl Money {
    pub const fn new(currency: Currency, minor: i64) -> Self {
        Self { currency, minor }
    }

    /// A product's price: from zero to the currency's [`Currency::max_price_minor`].
    pub fn price(currency: Currency, minor: i64) -> Result<Money, DomainError> {
        let max = currency.max_price_minor();
        if (0..=max).contains(&minor) {
            Ok(Money::new(currency, minor))
        } else {
            Err(DomainError::PriceOutOfRange { minor, max: Money::new(currency, max) })
        }
    }

    /// `quantity` units at this price, refusing to overflow rather than wrapping.
    pub fn times(self, quantity: u32) -> Result<Money, DomainError> {
        self.minor
            .checked_mul(i64::from(quantity))
            .map(|minor| Money::new(self.currency, minor))
            .ok_or(DomainError::AmountOutOfRange { minor: i128::from(self.minor) * i128::from(quantity) })
    }

    /// Sum of two amounts in the same currency.
    pub fn plus(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch { left: self.currency, right: other.currency });
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::new(self.currency, minor))
            .ok_or(DomainError::AmountOutOfRange { minor: i128::from(self.minor) + i128::from(other.minor) })
    }

    /// The amount as shoppers read it: `₦12,500.00`, `USh 45,000`, `KSh 1,299.50`.
    pub fn display(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exponent = self.currency.exponent();
        let scale = 10u64.pow(exponent);
        let magnitude = self.minor.unsigned_abs();
        let (major, fraction) = (magnitude / scale, magnitude % scale);
        if self.minor < 0 {
            f.write_str("-")?;
        }
        f.write_str(self.currency.symbol())?;
        f.write_str(&group_thousands(major))?;
        if exponent > 0 {
            write!(f, ".{fraction:0width$}", width = exponent as usize)?;
        }
        Ok(())
    }
}

fn group_thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_bounded_per_currency() {
        assert_eq!(Currency::NGN.max_price_minor(), 100_000_000_000);
        assert_eq!(Currency::UGX.max_price_minor(), 1_000_000_000);
        assert_eq!(Currency::TND.max_price_minor(), 1_000_000_000_000);
        assert!(Money::price(Currency::NGN, 100_000_000_000).is_ok());
        assert!(Money::price(Currency::NGN, 100_000_000_001).is_err());
        assert!(Money::price(Currency::NGN, -1).is_err());
        assert!(Money::price(Currency::NGN, i64::MAX).is_err());
        // The largest order (100 lines of 99 units at the highest price) still sums.
        let line = Money::new(Currency::TND, Currency::TND.max_price_minor()).times(99).unwrap();
        assert!((0..100).try_fold(Money::new(Currency::TND, 0), |sum, _| sum.plus(line)).is_ok());
    }

    #[test]
    fn prices_read_the_way_local_shoppers_write_them() {
        assert_eq!(Money::new(Currency::NGN, 1_250_000).to_string(), "₦12,500.00");
        assert_eq!(Money::new(Currency::UGX, 45_000).to_string(), "USh 45,000");
        assert_eq!(Money::new(Currency::KES, 129_950).to_string(), "KSh 1,299.50");
        assert_eq!(Money::new(Currency::XOF, 1_500_000).to_string(), "CFA 1,500,000");
        assert_eq!(Money::new(Currency::ZAR, 5).to_string(), "R 0.05");
        assert_eq!(Money::new(Currency::GHS, -1_000).to_string(), "-GH₵10.00");
        assert_eq!(Money::new(Currency::USD, 100_000_000).to_string(), "$1,000,000.00");
    }

    #[test]
    fn currency_codes_parse_case_insensitively_and_unknown_codes_list_the_accepted_ones() {
        assert_eq!("kes".parse::<Currency>().unwrap(), Currency::KES);
        let err = "BTC".parse::<Currency>().unwrap_err().to_string();
        assert!(err.contains("BTC") && err.contains("NGN") && err.contains("MAD"), "{err}");
    }

    #[test]
    fn arithmetic_refuses_overflow_and_mixed_currencies() {
        let price = Money::new(Currency::NGN, i64::MAX / 2);
        assert!(price.times(3).is_err());
        assert_eq!(Money::new(Currency::NGN, 250).times(4).unwrap().minor, 1000);
        assert!(Money::new(Currency::NGN, 1).plus(Money::new(Currency::KES, 1)).is_err());
        assert_eq!(Money::new(Currency::KES, 1).plus(Money::new(Currency::KES, 2)).unwrap().minor, 3);
    }

    #[test]
    fn three_decimal_and_zero_decimal_currencies_format_right() {
        assert_eq!(Money::new(Currency::TND, 12_345).to_string(), "DT 12.345");
        assert_eq!(Money::new(Currency::GNF, 150_000).to_string(), "FG 150,000");
        assert_eq!(Currency::ALL.len(), 42);
        let codes: std::collections::HashSet<_> = Currency::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(codes.len(), Currency::ALL.len(), "codes are unique");
    }

    #[test]
    fn json_shape_is_code_and_minor_units() {
        let json = serde_json::to_string(&Money::new(Currency::RWF, 2500)).unwrap();
        assert_eq!(json, r#"{"currency":"RWF","minor":2500}"#);
    }
}
