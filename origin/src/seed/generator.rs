//! Deterministic generation of a believable catalog: the same seed gives the same shop, so
//! benchmarks and screenshots are repeatable.

use linkedall_shared::{Currency, slugify};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::market::{CATEGORIES, CITIES, CategorySpec, VENDOR_SUFFIXES};

/// One in this many products is featured on the home page.
const FEATURED_ONE_IN: u32 = 40;

pub struct NewVendor {
    pub name: String,
    pub slug: String,
    pub city: &'static str,
    pub country: &'static str,
    pub currency: Currency,
    pub units_per_usd: f64,
    pub description: String,
    /// Index into [`CATEGORIES`] of what this vendor mostly sells.
    pub specialty: usize,
}

pub struct NewProduct {
    /// Index into the vendor list passed to [`Generator::product`].
    pub vendor: usize,
    /// Index into [`CATEGORIES`].
    pub category: usize,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub currency: Currency,
    pub price_minor: i64,
    pub stock: i32,
    pub featured: bool,
}

pub struct Generator {
    rng: StdRng,
    category_weights: Vec<u32>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        let mut total = 0;
        let category_weights = CATEGORIES
            .iter()
            .map(|c| {
                total += c.weight;
                total
            })
            .collect();
        Self { rng: StdRng::seed_from_u64(seed), category_weights }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn weighted_category(&mut self) -> usize {
        let total = *self.category_weights.last().expect("categories are not empty");
        let roll = self.rng.random_range(0..total);
        self.category_weights.iter().position(|&upto| roll < upto).expect("roll is below the total")
    }

    pub fn vendor(&mut self, ordinal: usize) -> NewVendor {
        let city = &CITIES[ordinal % CITIES.len()];
        // The first vendors cover every category once, so even a small catalog fills them all.
        let specialty = if ordinal < CATEGORIES.len() { ordinal } else { self.weighted_category() };
        let spec = &CATEGORIES[specialty];
        let district = *self.pick(city.districts);
        let trade = *self.pick(spec.trade);
        let suffix = *self.pick(VENDOR_SUFFIXES);
        let name = format!("{district} {trade} {suffix}");
        NewVendor {
            slug: slugify(&name),
            description: format!(
                "{name} sells {} from {}, {}. Fast dispatch and friendly service since {}.",
                spec.name.to_lowercase(),
                district,
                city.name,
                2005 + ordinal % 19
            ),
            name,
            city: city.name,
            country: city.country,
            currency: city.currency,
            units_per_usd: city.units_per_usd,
            specialty,
        }
    }

    pub fn product(&mut self, vendors: &[NewVendor]) -> NewProduct {
        let vendor_index = self.rng.random_range(0..vendors.len());
        let vendor = &vendors[vendor_index];
        // A vendor sells within its trade: "Ikeja Gadgets Ltd" does not list sandals.
        let category = vendor.specialty;
        let spec: &CategorySpec = &CATEGORIES[category];
        let name =
            format!("{} {} {}", self.pick(spec.brands), self.pick(spec.items), self.pick(spec.variants));
        let first = self.rng.random_range(0..spec.blurb.len());
        let second = (first + self.rng.random_range(1..spec.blurb.len())) % spec.blurb.len();
        let description = format!(
            "{name}. {} {} Ships from {} by {}.",
            spec.blurb[first], spec.blurb[second], vendor.city, vendor.name
        );
        let stock = if self.rng.random_ratio(1, 20) { 0 } else { self.rng.random_range(1..=250) };
        NewProduct {
            vendor: vendor_index,
            category,
            slug: slugify(&name),
            name,
            description,
            currency: vendor.currency,
            price_minor: self.price(spec.usd_range, vendor.currency, vendor.units_per_usd),
            stock,
            featured: self.rng.random_ratio(1, FEATURED_ONE_IN),
        }
    }

    /// A price in the vendor's currency, spread log-uniformly over the category's range and
    /// rounded the way shops round: to 100s of naira, 5s of shillings, .50 of a cedi.
    fn price(&mut self, (low, high): (f64, f64), currency: Currency, units_per_usd: f64) -> i64 {
        let usd = (low.ln() + self.rng.random::<f64>() * (high.ln() - low.ln())).exp();
        let local = usd * units_per_usd;
        let step = match local {
            x if x >= 10_000.0 => 100.0,
            x if x >= 1_000.0 => 50.0,
            x if x >= 100.0 => 5.0,
            _ if currency.exponent() == 0 => 1.0,
            _ => 0.5,
        };
        let major = ((local / step).round() * step).max(step);
        (major * 10f64.powi(currency.exponent() as i32)).round() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_shop() {
        let (mut a, mut b) = (Generator::new(7), Generator::new(7));
        let vendors: Vec<_> = (0..20).map(|i| a.vendor(i)).collect();
        let again: Vec<_> = (0..20).map(|i| b.vendor(i)).collect();
        for _ in 0..200 {
            let (x, y) = (a.product(&vendors), b.product(&again));
            assert_eq!((x.name, x.price_minor, x.stock), (y.name, y.price_minor, y.stock));
        }
    }

    #[test]
    fn vendors_sell_within_their_trade_and_descriptions_do_not_repeat_themselves() {
        let mut generator = Generator::new(3);
        let vendors: Vec<_> = (0..30).map(|i| generator.vendor(i)).collect();
        for _ in 0..500 {
            let product = generator.product(&vendors);
            assert_eq!(product.category, vendors[product.vendor].specialty);
            let sentences: Vec<&str> = product.description.split(". ").collect();
            let unique: std::collections::HashSet<_> = sentences.iter().collect();
            assert_eq!(unique.len(), sentences.len(), "{}", product.description);
        }
    }

    #[test]
    fn products_are_priced_in_their_vendors_currency_and_positive() {
        let mut generator = Generator::new(1);
        let vendors: Vec<_> = (0..CITIES.len()).map(|i| generator.vendor(i)).collect();
        for _ in 0..2_000 {
            let product = generator.product(&vendors);
            assert_eq!(product.currency, vendors[product.vendor].currency);
            assert!(product.price_minor > 0, "{}", product.name);
            assert!(product.stock >= 0);
            assert!(!product.slug.is_empty());
        }
    }
}
