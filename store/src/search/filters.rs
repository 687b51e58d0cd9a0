//! A browse's filters as SQL conditions on `products p JOIN vendors v`, written once for both
//! backends. Every value but the city is inlined as a literal, because each is valid by
//! construction (integers, ISO codes checked by [`linkedall_shared::Browse`] or taken from our
//! own tables); the city, free text, is the one bound parameter.

use linkedall_shared::{Browse, CategoryId, Currency, FxRates, Market, ShippingZone, ShipsTo};

use crate::error::{Error, Result};

/// The conditions of one request, and the price expression sorts and ranges compare.
pub(crate) struct Filters {
    /// `AND …` conditions, the city's placeholder written as `{city}`.
    conditions: String,
    pub city: Option<String>,
    /// Each product's price in the shopper's currency as pages show it (converted at the
    /// current rate and rounded to a whole unit, or the vendor's own when the currencies
    /// match); NULL where no rate is known, so such products fall out of price ranges and sort
    /// last.
    pub price_key: String,
}

impl Filters {
    pub fn new(browse: &Browse, category: Option<CategoryId>, rates: &FxRates) -> Result<Filters> {
        let shopper = browse.currency.unwrap_or(Currency::USD);
        if browse.has_price_range() && browse.currency.is_none() {
            return Err(Error::InvalidParameter {
                name: "currency",
                message: "a price range needs the currency it is typed in, e.g. currency=NGN".into(),
            });
        }
        let price_key = price_key(shopper, rates);
        let unit = 10i64.pow(shopper.exponent());
        // A suspended shop's products are never found (see `vendor_suspensions.rs`).
        let mut conditions = format!(" AND {}", crate::vendor_suspensions::LISTED);
        if let Some(category) = category {
            conditions.push_str(&format!(" AND p.category_id = {}", category.get()));
        }
        if let Some(min) = browse.min_price {
            conditions.push_str(&format!(" AND {price_key} >= {}", min as i64 * unit));
        }
        if let Some(max) = browse.max_price {
            conditions.push_str(&format!(" AND {price_key} <= {}", max as i64 * unit));
        }
        if browse.in_stock {
            conditions.push_str(" AND p.stock > 0");
        }
        if browse.city.is_some() {
            conditions.push_str(" AND lower(v.city) = {city}");
        }
        match &browse.ships_to {
            None => {}
            Some(ShipsTo::Me) => {
                return Err(Error::InvalidParameter {
                    name: "ships_to",
                    message: "name the shopper's country, e.g. ships_to=KE".into(),
                });
            }
            Some(ShipsTo::Country(country)) => conditions.push_str(&ships_to(country)),
        }
        Ok(Filters { conditions, city: browse.city.as_ref().map(|c| c.to_lowercase()), price_key })
    }

    /// The conditions, the city (if any) bound as `$n`.
    pub fn conditions(&self, n: usize) -> String {
        self.conditions.replace("{city}", &format!("${n}"))
    }
}

/// `CASE p.currency WHEN 'KES' THEN ROUND(p.price_minor * 10.9) * 100 … END`: the shop's one
/// rounding rule ([`FxRates::shopper_price`]) in SQL, one branch per currency with a rate.
fn price_key(shopper: Currency, rates: &FxRates) -> String {
    let Some(to_rate) = rates.rate(shopper) else {
        return format!(
            "(CASE WHEN p.currency = '{shopper}' THEN CAST(p.price_minor AS DOUBLE PRECISION) END)"
        );
    };
    let unit = 10f64.powi(shopper.exponent() as i32);
    let mut branches =
        format!("CASE p.currency WHEN '{shopper}' THEN CAST(p.price_minor AS DOUBLE PRECISION)");
    for currency in Currency::ALL.iter().copied().filter(|c| *c != shopper) {
        let Some(from_rate) = rates.rate(currency) else { continue };
        // Minor units of `currency` → whole units of the shopper's.
        let factor = (to_rate as f64 / from_rate as f64)
            * 10f64.powi(shopper.exponent() as i32 - currency.exponent() as i32)
            / unit;
        branches.push_str(&format!(
            " WHEN '{currency}' THEN ROUND(CAST(p.price_minor AS DOUBLE PRECISION) * {factor:e}) * {unit}"
        ));
    }
    branches.push_str(" END");
    format!("({branches})")
}

/// Vendors whose shipping zone reaches `country` ([`ShippingZone::reaches`] as SQL): those in
/// it, those in its region shipping region-wide, and those shipping to all of Africa. A country
/// that is not one of our markets is reached by nobody.
fn ships_to(country: &str) -> String {
    let Some(market) = Market::find(country) else {
        return " AND 1 = 0".into();
    };
    let region: Vec<String> =
        ShippingZone::region_countries(market.region).map(|country| format!("'{country}'")).collect();
    format!(
        " AND (v.country = '{}' OR (v.ships_to = '{}' AND v.country IN ({})) OR v.ships_to = '{}')",
        market.country,
        ShippingZone::Region.as_str(),
        region.join(", "),
        ShippingZone::Africa.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_key_rounds_converted_prices_to_whole_units_like_the_pages() {
        let rates = FxRates { as_of: String::new(), per_usd_micros: vec![(Currency::NGN, 1_550_000_000)] };
        let key = price_key(Currency::NGN, &rates);
        assert!(
            key.starts_with("(CASE p.currency WHEN 'NGN' THEN CAST(p.price_minor AS DOUBLE PRECISION)"),
            "{key}"
        );
        // One US cent is ₦15.50: 15.5 whole naira, times 100 kobo a naira.
        assert!(
            key.contains("WHEN 'USD' THEN ROUND(CAST(p.price_minor AS DOUBLE PRECISION) * 1.55e1) * 100"),
            "{key}"
        );
    }

    #[test]
    fn only_the_city_is_bound() {
        let browse = Browse { city: Some("Lagos".into()), in_stock: true, ..Browse::default() };
        let filters = Filters::new(&browse, Some(CategoryId::new(3)), &FxRates::default()).unwrap();
        assert_eq!(
            filters.conditions(2),
            " AND v.suspended_at IS NULL AND p.category_id = 3 AND p.stock > 0 AND lower(v.city) = $2"
        );
        assert_eq!(filters.city.as_deref(), Some("lagos"));
    }
}
