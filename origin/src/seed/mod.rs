//! `origin seed --products N`: fills the catalog with a realistic African marketplace.
//!
//! Categories, vendors (about one per hundred products) and products generated in batches of
//! [`BATCH`], written by the store's catalog load (`linkedall_store::catalog_load`: `COPY` on
//! PostgreSQL, multi-row inserts on SQLite).
//!
//! What is generated reads as data: `market` (countries, currencies, how shops round, cities
//! and market districts), `categories`, `product_lines` (what is sold, by which brand, where
//! and for how much in US dollars) and `trades` (kinds of shop and the lines each sells);
//! `generator` holds the rules that put them together and `rules` the tests a shopper's
//! eye would apply.

mod categories;
pub mod demo_accounts;
mod generator;
mod market;
mod product_lines;
mod trades;

#[cfg(test)]
mod rules;

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use linkedall_store::catalog_load::{CategoryLoad, LoadProgress, ProductLoad, VendorLoad};

pub use categories::CATEGORIES;
pub use generator::{Generator, NewProduct, NewVendor};
pub use market::MARKETS;

use crate::error::Result;
use linkedall_store::Store;

/// Products generated and written per batch.
const BATCH: usize = 10_000;

#[derive(Debug, Clone)]
pub struct SeedOptions {
    pub products: u64,
    /// Same seed, same catalog.
    pub seed: u64,
    /// Delete the existing catalog first.
    pub reset: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct SeedReport {
    pub vendors: usize,
    pub products: u64,
    pub elapsed: Duration,
}

/// Every product line's name ("Tecno Spark 20") with its category's slug.
#[cfg(test)]
pub(crate) fn demo_product_names() -> impl Iterator<Item = (String, &'static str)> {
    trades::TRADES.iter().flat_map(|trade| {
        trade.lines.iter().map(move |line| {
            let name = match line.brand {
                Some(brand) => format!("{brand} {}", line.model),
                None => line.model.to_owned(),
            };
            (name, CATEGORIES[trade.category].slug)
        })
    })
}

/// How many vendors a catalog of `products` products has: about one per hundred products.
pub fn vendor_count(products: u64) -> usize {
    (products / 100).clamp(12, 20_000) as usize
}

pub async fn seed(store: &Store, options: &SeedOptions) -> Result<SeedReport> {
    let started = Instant::now();
    if options.reset {
        store.empty_catalog().await?;
    }
    let mut generator = Generator::new(options.seed);
    let vendors: Vec<NewVendor> = (0..vendor_count(options.products)).map(|i| generator.vendor(i)).collect();
    let category_ids = store
        .upsert_categories(
            &CATEGORIES
                .iter()
                .map(|c| CategoryLoad { slug: c.slug, name: c.name, description: c.description })
                .collect::<Vec<_>>(),
        )
        .await?;
    let vendor_ids = store
        .insert_vendors(
            &vendors
                .iter()
                .map(|v| VendorLoad {
                    name: &v.name,
                    slug: &v.slug,
                    city: v.city,
                    country: v.country,
                    description: &v.description,
                    ships_to: v.trade().ships_to.as_str(),
                })
                .collect::<Vec<_>>(),
        )
        .await?;

    let bar = if options.progress { ProgressBar::new(options.products) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {human_pos}/{human_len} products ({per_sec}, eta {eta})",
        )
        .expect("template is valid")
        .progress_chars("=> "),
    );
    bar.set_message("seeding");
    let batches = (0..options.products).step_by(BATCH).map(|start| {
        let size = (options.products - start).min(BATCH as u64) as usize;
        (0..size)
            .map(|_| {
                let product = generator.product(&vendors);
                ProductLoad {
                    vendor_id: vendor_ids[product.vendor],
                    category_id: category_ids[product.category],
                    name: product.name,
                    slug: product.slug,
                    description: product.description,
                    currency: product.currency,
                    price_minor: product.price_minor,
                    stock: product.stock,
                    featured: product.featured,
                }
            })
            .collect::<Vec<ProductLoad>>()
    });
    store
        .load_products(batches, |step| match step {
            LoadProgress::Written(n) => bar.inc(n),
            LoadProgress::Indexing => bar.set_message("indexing"),
        })
        .await?;
    bar.finish_with_message("seeded");
    let report =
        SeedReport { vendors: vendors.len(), products: options.products, elapsed: started.elapsed() };
    tracing::info!(
        vendors = report.vendors,
        products = report.products,
        seconds = report.elapsed.as_secs_f64(),
        "catalog seeded"
    );
    Ok(report)
}
