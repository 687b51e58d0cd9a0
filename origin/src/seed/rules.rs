//! The rules a shopper would notice if the demo catalog broke them, checked over generated
//! catalogs: brands only on what they make, prices within each line's range and rounded the
//! way the market rounds, vendors within their trade and their country, the same seed giving
//! the same catalog.

use super::categories::CATEGORIES;
use super::generator::{Generator, NewProduct, NewVendor};
use super::market::{MARKETS, cities};
use super::product_lines::BRANDS;
use super::trades::TRADES;
use super::vendor_count;

/// Enough vendors that every trade meets every city.
fn shop(seed: u64, products: usize) -> (Vec<NewVendor>, Vec<NewProduct>) {
    let mut generator = Generator::new(seed);
    let vendor_total = cities().count() * TRADES.len() * 2;
    let vendors: Vec<_> = (0..vendor_total).map(|i| generator.vendor(i)).collect();
    let products = (0..products).map(|_| generator.product(&vendors)).collect();
    (vendors, products)
}

/// The first brand in `name` followed by a model its maker does not make, if any.
fn misused_brand(name: &str) -> Option<&'static str> {
    BRANDS.iter().find_map(|(brand, families)| {
        let mut rest = name;
        while let Some(at) = rest.find(brand) {
            let starts_word = at == 0 || rest[..at].ends_with([' ', '(']);
            let after = &rest[at + brand.len()..];
            if starts_word
                && let Some(model) = after.strip_prefix(' ')
                && !families.iter().any(|family| model.starts_with(family))
            {
                return Some(*brand);
            }
            rest = after;
        }
        None
    })
}

#[test]
fn the_brand_check_catches_a_brand_on_another_makers_model() {
    assert_eq!(misused_brand("Samsung Hot 40i, 128 GB"), Some("Samsung"));
    assert_eq!(misused_brand("Silicone phone case, Tecno Camon 30"), None);
    assert_eq!(misused_brand("Silicone phone case, Tecno Galaxy A15"), Some("Tecno"));
    assert_eq!(misused_brand("Infinix Hot 40i, 128 GB, Ocean Blue"), None);
}

#[test]
fn no_product_carries_a_brand_on_a_line_its_maker_does_not_make() {
    for trade in TRADES {
        for line in trade.lines {
            if let Some(brand) = line.brand {
                assert!(BRANDS.iter().any(|(b, _)| *b == brand), "{brand} is missing from BRANDS");
            }
        }
    }
    let (_, products) = shop(11, 20_000);
    for product in &products {
        assert_eq!(misused_brand(&product.name), None, "{}", product.name);
        if let Some(brand) = product.line.brand {
            assert!(product.name.starts_with(&format!("{brand} {}", product.line.model)), "{}", product.name);
        }
    }
}

#[test]
fn prices_of_a_product_line_stay_within_its_range_and_round_as_the_market_rounds() {
    let (vendors, products) = shop(5, 30_000);
    let mut markets_seen = std::collections::HashSet::new();
    for product in &products {
        let market = vendors[product.vendor].market();
        markets_seen.insert(market.country);
        let major = product.price_minor as f64 / 10f64.powi(market.currency.exponent() as i32);
        let (low, high) =
            (product.line.usd.0 * market.units_per_usd, product.line.usd.1 * market.units_per_usd);
        assert!(
            major >= low - market.step(low) && major <= high + market.step(high),
            "{} at {major} {:?} is outside {low}–{high}",
            product.name,
            market.currency
        );
        let step = market.step(major);
        assert!((major / step - (major / step).round()).abs() < 1e-9, "{major} is not a multiple of {step}");
    }
    assert_eq!(markets_seen.len(), MARKETS.len(), "every market was priced");
}

#[test]
fn a_bigger_size_of_a_line_never_costs_less_than_a_smaller_one_from_the_same_market() {
    let (vendors, products) = shop(8, 30_000);
    let mut by_line_size = std::collections::HashMap::<(&str, &str, usize), (i64, i64)>::new();
    for product in &products {
        let line = product.line;
        let Some(size) = line.sizes.iter().position(|s| product.name.contains(&format!(", {s}"))) else {
            continue;
        };
        let market = vendors[product.vendor].market().country;
        let range = by_line_size.entry((line.model, market, size)).or_insert((i64::MAX, i64::MIN));
        *range = (range.0.min(product.price_minor), range.1.max(product.price_minor));
    }
    for (&(model, market, size), &(_, dearest)) in &by_line_size {
        if let Some(&(cheapest_bigger, _)) = by_line_size.get(&(model, market, size + 1)) {
            assert!(dearest <= cheapest_bigger, "{model} in {market}: size {size} costs up to {dearest}");
        }
    }
}

#[test]
fn every_vendor_sells_only_its_trade_in_its_own_country_and_currency() {
    let (vendors, products) = shop(3, 20_000);
    for vendor in &vendors {
        let (market, trade) = (vendor.market(), vendor.trade());
        assert_eq!((vendor.country, vendor.currency), (market.country, market.currency));
        let city = market.cities.iter().find(|c| c.name == vendor.city).expect("a city of its market");
        assert!(
            city.districts.iter().any(|d| vendor.name.starts_with(d)),
            "{} in {}",
            vendor.name,
            city.name
        );
        assert!(
            trade.shop_names.iter().any(|s| vendor.name.contains(s)),
            "{} is named after its trade",
            vendor.name
        );
    }
    for product in &products {
        let vendor = &vendors[product.vendor];
        let trade = vendor.trade();
        assert_eq!(product.category, trade.category, "{} from {}", product.name, vendor.name);
        assert!(trade.lines.iter().any(|line| std::ptr::eq(line, product.line)), "{}", product.name);
        assert!(
            product.line.is_sold_in(vendor.country),
            "{} is not sold in {}",
            product.name,
            vendor.country
        );
        assert_eq!(product.currency, vendor.currency);
        assert!(product.description.contains(&vendor.name) && product.description.contains(vendor.city));
        assert!(product.stock >= 0 && !product.slug.is_empty());
    }
}

#[test]
fn the_same_seed_gives_the_same_catalog_and_another_seed_another() {
    let key = |(vendors, products): (Vec<NewVendor>, Vec<NewProduct>)| {
        let vendors: Vec<_> = vendors.into_iter().map(|v| (v.name, v.city, v.description)).collect();
        let products: Vec<_> = products
            .into_iter()
            .map(|p| (p.vendor, p.name, p.description, p.price_minor, p.stock, p.featured))
            .collect();
        (vendors, products)
    };
    assert_eq!(key(shop(7, 2_000)), key(shop(7, 2_000)));
    assert_ne!(key(shop(7, 2_000)), key(shop(8, 2_000)));
}

#[test]
fn the_smallest_catalog_fills_every_category() {
    let mut generator = Generator::new(2026);
    let vendors: Vec<_> = (0..vendor_count(0)).map(|i| generator.vendor(i)).collect();
    let filled: std::collections::HashSet<_> = vendors.iter().map(|v| v.trade().category).collect();
    assert_eq!(filled.len(), CATEGORIES.len());
}
