//! A vendor's stock sheet (`linkedall_shared::stock_sheet`) checked against their shop and
//! applied: every line names one of the vendor's products, or nothing changes.
//!
//! Applying is one transaction: the vendor's products are locked, the sheet is checked again
//! against them (a product may have gone since the preview), and each product whose stock
//! changes gets the same events and purge as a change from the product form
//! ([`crate::vendor_products::announce`]). A sheet with a mistake on any line changes nothing.

use std::collections::HashMap;

use linkedall_shared::stock_sheet::{LineProblem, PreviewLine, StockSheet, write_sheet};
use linkedall_shared::{DomainError, ProductId, StockSheetApplied, StockSheetPreview, VendorId};

use super::Store;
use crate::cause::Cause;
use crate::conn::{Conn, on_pool};
use crate::error::{Error, Result};
use crate::on_conn;
use crate::timing::QueryTimer;
use crate::vendor_products::{ProductChange, announce};
use crate::write_tx::WriteTx;

/// One of the vendor's products as the sheet is checked against it.
struct Held {
    name: String,
    stock: i32,
    price_minor: i64,
    currency: String,
}

/// The vendor's products, by id; locked until the transaction ends when `lock`.
async fn vendor_products(mut conn: Conn<'_>, vendor: VendorId, lock: bool) -> Result<HashMap<i64, Held>> {
    let dialect = conn.dialect();
    let select = format!(
        "SELECT id, name, stock, price_minor, currency FROM products WHERE vendor_id = $1 {}",
        if lock { dialect.for_update() } else { "" }
    );
    let rows: Vec<(i64, String, i32, i64, String)> = on_conn!(conn, c => sqlx::query_as(&select)
        .bind(vendor.get())
        .fetch_all(&mut *c)
        .await
        .map_err(Error::db("reading a vendor's stock"))?);
    Ok(rows
        .into_iter()
        .map(|(id, name, stock, price_minor, currency)| (id, Held { name, stock, price_minor, currency }))
        .collect())
}

/// The vendor's products, outside any transaction.
async fn read_vendor_products(store: &Store, vendor: VendorId) -> Result<HashMap<i64, Held>> {
    on_pool!(store, pool => {
        let mut conn = pool.acquire().await.map_err(Error::db("reading a vendor's stock"))?;
        vendor_products(Conn::from(&mut *conn), vendor, false).await
    })
}

/// Each line of `sheet` against the vendor's `products`.
fn preview(text: &str, sheet: &StockSheet, products: &HashMap<i64, Held>) -> StockSheetPreview {
    let mut preview = StockSheetPreview {
        sheet: text.to_owned(),
        lines: Vec::new(),
        changes: 0,
        unchanged: 0,
        problems: 0,
    };
    for line in &sheet.lines {
        let held = line.entry.ok().and_then(|e| products.get(&e.product.get()));
        let problem = match (line.entry, held) {
            (Err(problem), _) => Some(problem),
            (Ok(_), None) => Some(LineProblem::NotYours),
            (Ok(_), Some(_)) => None,
        };
        match (problem, line.entry, held) {
            (Some(_), _, _) => preview.problems += 1,
            (None, Ok(entry), Some(held)) if i64::from(held.stock) == i64::from(entry.stock) => {
                preview.unchanged += 1
            }
            _ => preview.changes += 1,
        }
        preview.lines.push(PreviewLine {
            line: line.line,
            product_id: line.entry.ok().map(|e| e.product.get()),
            name: held.map(|h| h.name.clone()),
            current: held.and_then(|h| u32::try_from(h.stock).ok()),
            stock: line.entry.ok().map(|e| e.stock),
            problem,
        });
    }
    preview
}

fn parse(text: &str) -> Result<StockSheet> {
    StockSheet::parse(text).map_err(|e| Error::InvalidInput(DomainError::StockSheet(e)))
}

impl Store {
    /// The sheet `vendor` fills in: each of their products with its stock now, by id.
    pub async fn stock_sheet(&self, vendor: VendorId) -> Result<String> {
        let _t = QueryTimer::start(self.dialect().as_str(), "stock_sheet");
        let products = read_vendor_products(self, vendor).await?;
        let mut rows: Vec<_> = products.iter().collect();
        rows.sort_by_key(|(id, _)| **id);
        Ok(write_sheet(
            rows.into_iter()
                .map(|(id, held)| (ProductId::new(*id), held.name.as_str(), held.stock.max(0) as u32)),
        ))
    }

    /// What `text` would change in `vendor`'s shop, line by line; nothing is written.
    pub async fn preview_stock_sheet(&self, vendor: VendorId, text: &str) -> Result<StockSheetPreview> {
        let sheet = parse(text)?;
        let _t = QueryTimer::start(self.dialect().as_str(), "preview_stock_sheet");
        let products = read_vendor_products(self, vendor).await?;
        Ok(preview(text, &sheet, &products))
    }

    /// Sets the stock of every product `text` names, in one transaction; a sheet with a
    /// mistake on any line is refused whole ([`Error::StockSheetHasProblems`]). Returns the
    /// counts and the products whose stock changed.
    pub async fn apply_stock_sheet(
        &self,
        vendor: VendorId,
        text: &str,
    ) -> Result<(StockSheetApplied, Vec<ProductId>)> {
        let sheet = parse(text)?;
        let dialect = self.dialect();
        let _t = QueryTimer::start(dialect.as_str(), "apply_stock_sheet");
        let mut tx = WriteTx::begin(self).await?;
        let products = vendor_products(tx.conn(), vendor, true).await?;
        let checked = preview(text, &sheet, &products);
        if checked.problems > 0 {
            let first = checked.lines.iter().find(|l| l.problem.is_some()).map_or(0, |l| l.line);
            return Err(Error::StockSheetHasProblems { lines: checked.problems, first });
        }
        let update = format!("UPDATE products SET stock = $2, updated_at = {} WHERE id = $1", dialect.now());
        let cause = Cause::current();
        let mut changed = Vec::new();
        for entry in sheet.lines.iter().filter_map(|l| l.entry.ok()) {
            let Some(held) = products.get(&entry.product.get()) else { continue };
            let stock = i32::try_from(entry.stock)
                .map_err(|_| Error::Corrupt(format!("stock {} passed the sheet's limit", entry.stock)))?;
            if stock == held.stock {
                continue;
            }
            on_conn!(tx.conn(), conn => sqlx::query(&update)
                .bind(entry.product.get())
                .bind(stock)
                .execute(&mut *conn)
                .await
                .map_err(Error::db("setting stock from a sheet"))?
                .rows_affected());
            let change = ProductChange {
                vendor,
                id: entry.product,
                name: None,
                description_changed: false,
                currency: held.currency.clone(),
                price: (held.price_minor, held.price_minor),
                stock: (held.stock, stock),
            };
            announce(&mut tx, change, &cause).await?;
            changed.push(entry.product);
        }
        tx.commit().await?;
        let applied = StockSheetApplied { changed: checked.changes, unchanged: checked.unchanged };
        Ok((applied, changed))
    }
}
