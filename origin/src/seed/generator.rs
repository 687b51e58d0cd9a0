//! Deterministic generation of a believable catalog: the same seed gives the same shop, so
//! benchmarks and screenshots are repeatable.
//!
//! A vendor is a shop of one trade in one city ("Kariakoo Fabrics", Dar es Salaam); each of
//! its products is one of its trade's product lines sold in its country, in one size and
//! style, priced within the line's range in the vendor's currency and rounded the way shops
//! there round.

use linkedall_shared::{Currency, slugify};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::categories::CategoryIndex;
use super::market::{City, MARKETS, Market, cities};
use super::product_lines::{BRANDS, ProductLine};
use super::trades::{TRADES, Trade};

/// One in this many products is featured on the home page.
const FEATURED_ONE_IN: u32 = 40;

/// What a shop name sometimes ends with after its trade: "Alaba Electronics Ventures".
const SHOP_SUFFIXES: &[&str] = &["", "", "", "Ltd", "Enterprises", "& Sons", "Ventures", "Store", "Depot"];

pub struct NewVendor {
    pub name: String,
    pub slug: String,
    pub city: &'static str,
    pub country: &'static str,
    pub currency: Currency,
    pub description: String,
    /// Index into `TRADES`.
    pub trade: usize,
    /// Index into `MARKETS`.
    pub market: usize,
}

impl NewVendor {
    pub fn trade(&self) -> &'static Trade {
        &TRADES[self.trade]
    }

    pub fn market(&self) -> &'static Market {
        &MARKETS[self.market]
    }
}

pub struct NewProduct {
    /// Index into the vendor list passed to [`Generator::product`].
    pub vendor: usize,
    /// Index into [`super::CATEGORIES`].
    pub category: CategoryIndex,
    /// The product line it is one of, in its vendor's trade.
    pub line: &'static ProductLine,
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
    trade_weights: Vec<u32>,
    cities: Vec<(usize, &'static City)>,
    /// `offer[trade][market]`: indexes into the trade's lines of those sold in the market.
    offer: Vec<Vec<Vec<usize>>>,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        let mut total = 0;
        let trade_weights = TRADES
            .iter()
            .map(|t| {
                total += t.weight;
                total
            })
            .collect();
        let cities = cities().collect();
        for line in TRADES.iter().flat_map(|trade| trade.lines) {
            if let Some(brand) = line.brand {
                let makes =
                    BRANDS.iter().find(|(b, _)| *b == brand).map_or(&[][..], |(_, families)| *families);
                assert!(
                    makes.iter().any(|family| line.model.starts_with(family)),
                    "{brand} does not make a {}",
                    line.model
                );
            }
        }
        let offer = TRADES
            .iter()
            .map(|trade| {
                MARKETS
                    .iter()
                    .map(|market| {
                        let sold: Vec<usize> = (0..trade.lines.len())
                            .filter(|&i| trade.lines[i].is_sold_in(market.country))
                            .collect();
                        assert!(!sold.is_empty(), "every trade has lines sold in {}", market.country);
                        sold
                    })
                    .collect()
            })
            .collect();
        Self { rng: StdRng::seed_from_u64(seed), trade_weights, cities, offer }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn weighted_trade(&mut self) -> usize {
        let total = *self.trade_weights.last().expect("trades are not empty");
        let roll = self.rng.random_range(0..total);
        self.trade_weights.iter().position(|&upto| roll < upto).expect("roll is below the total")
    }

    pub fn vendor(&mut self, ordinal: usize) -> NewVendor {
        let (market_index, city) = self.cities[ordinal % self.cities.len()];
        let market = &MARKETS[market_index];
        // The first vendors cover every trade once, so even a small catalog fills every category.
        let trade_index = if ordinal < TRADES.len() { ordinal } else { self.weighted_trade() };
        let trade = &TRADES[trade_index];
        let district = *self.pick(city.districts);
        let shop = *self.pick(trade.shop_names);
        let name = match *self.pick(SHOP_SUFFIXES) {
            "" => format!("{district} {shop}"),
            suffix => format!("{district} {shop} {suffix}"),
        };
        NewVendor {
            slug: slugify(&name),
            description: format!(
                "{name} sells {} from {district}, {}. Trading since {}.",
                trade.sells,
                city.name,
                2005 + ordinal % 19
            ),
            name,
            city: city.name,
            country: market.country,
            currency: market.currency,
            trade: trade_index,
            market: market_index,
        }
    }

    pub fn product(&mut self, vendors: &[NewVendor]) -> NewProduct {
        let vendor_index = self.rng.random_range(0..vendors.len());
        let vendor = &vendors[vendor_index];
        let trade = vendor.trade();
        let offer = &self.offer[vendor.trade][vendor.market];
        let line = &trade.lines[offer[self.rng.random_range(0..offer.len())]];
        let size = (!line.sizes.is_empty()).then(|| self.rng.random_range(0..line.sizes.len()));
        let style = (!line.styles.is_empty()).then(|| *self.pick(line.styles));

        let mut name = String::with_capacity(64);
        if let Some(brand) = line.brand {
            name.push_str(brand);
            name.push(' ');
        }
        name.push_str(line.model);
        for part in [size.map(|i| line.sizes[i]), style].into_iter().flatten() {
            name.push_str(", ");
            name.push_str(part);
        }
        let description = format!(
            "{} {} Ships from {} by {}.",
            line.about,
            self.pick(trade.promises),
            vendor.city,
            vendor.name
        );
        let stock = if self.rng.random_ratio(1, 20) { 0 } else { self.rng.random_range(1..=250) };
        let usd = self.usd(line, size);
        NewProduct {
            vendor: vendor_index,
            category: trade.category,
            line,
            slug: slugify(&name),
            name,
            description,
            currency: vendor.currency,
            price_minor: vendor.market().price_minor(usd),
            stock,
            featured: self.rng.random_ratio(1, FEATURED_ONE_IN),
        }
    }

    /// A price in US dollars within the line's range, spread log-uniformly over the slice of
    /// the range its size takes (sizes are listed cheapest first).
    fn usd(&mut self, line: &ProductLine, size: Option<usize>) -> f64 {
        let (low, high) = line.usd;
        let slices = line.sizes.len().max(1) as f64;
        let at = (size.unwrap_or(0) as f64 + self.rng.random::<f64>()) / slices;
        (low.ln() + at * (high.ln() - low.ln())).exp()
    }
}
