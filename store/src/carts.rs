//! Carts: one per user, its lines priced from the products table on every read.

use linkedall_shared::{
    Currency, DeliveryChoice, DeliveryOption, FxRates, Market, Money, ProductId, ShippingZone,
};

use super::Store;
use crate::cart::{Cart, CartLine, Line};
use crate::conn::on_pool;
use crate::error::{Error, Result};
use crate::on_conn;
use crate::rows::amount;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// A cart line as read from the products table: product, name, quantity, currency, price,
/// stock, vendor, the vendor's country, where it ships and whether the shop is in good
/// standing (not suspended).
type Row = (i64, String, i32, String, i64, i32, i64, String, String, bool);

/// `user`'s cart, each line priced from its product row now (see [`priced`]).
async fn cart(store: &Store, user: i64, pay_in: Option<Currency>, to: Option<&Market>) -> Result<Cart> {
    let _t = QueryTimer::start(store.dialect().as_str(), "cart");
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(
        "SELECT i.product_id, p.name, i.quantity, p.currency, p.price_minor, p.stock, p.vendor_id, v.country, v.ships_to, \
         v.suspended_at IS NULL FROM cart_items i JOIN products p ON p.id = i.product_id JOIN vendors v ON v.id = p.vendor_id \
         WHERE i.user_id = $1 ORDER BY i.product_id",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(Error::db("reading a cart"))?);
    priced(store, rows, pay_in, to).await
}

/// `lines` (merged, at most [`crate::cart::MAX_LINES`]) priced as a cart of no one's: a
/// shopper's cart before they sign in. Unknown products are left out.
async fn guest_cart(store: &Store, lines: &[Line], pay_in: Option<Currency>) -> Result<Cart> {
    let _t = QueryTimer::start(store.dialect().as_str(), "guest_cart");
    if lines.is_empty() {
        return priced(store, Vec::new(), pay_in, None).await;
    }
    let ids: Vec<String> = lines.iter().map(|line| line.product.get().to_string()).collect();
    // Ids are parsed numbers, so listing them is safe; one statement for any number of lines.
    let sql = format!(
        "SELECT p.id, p.name, 0, p.currency, p.price_minor, p.stock, p.vendor_id, v.country, v.ships_to, \
         v.suspended_at IS NULL FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE p.id IN ({}) ORDER BY p.id",
        ids.join(", ")
    );
    let mut rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(&sql)
        .fetch_all(pool)
        .await
        .map_err(Error::db("pricing a guest's cart"))?);
    for row in &mut rows {
        row.2 = lines.iter().find(|line| line.product.get() == row.0).map_or(0, |line| line.quantity as i32);
    }
    priced(store, rows, pay_in, None).await
}

/// The cart of `rows`, each line in its vendor's currency and in `pay_in` (by default the first
/// line's currency) at the rates held now, with the delivery choices to `to` (a country) when
/// asked.
async fn priced(
    store: &Store,
    rows: Vec<Row>,
    pay_in: Option<Currency>,
    to: Option<&Market>,
) -> Result<Cart> {
    let mut lines = Vec::with_capacity(rows.len());
    // Each vendor ships their part from their country.
    let mut from: Vec<(i64, &'static Market)> = Vec::new();
    for (product_id, name, quantity, currency, price_minor, stock, vendor, country, ships_to, available) in
        rows
    {
        let unit_price = amount(&currency, price_minor)?;
        let quantity = u32::try_from(quantity).unwrap_or(0);
        let vendor_market = Market::of_country(&country);
        let delivers =
            to.is_none_or(|to| ShippingZone::parse(&ships_to).unwrap_or_default().reaches(vendor_market, to));
        lines.push((
            ProductId::new(product_id),
            name,
            quantity,
            unit_price,
            u32::try_from(stock).unwrap_or(0),
            delivers,
            available,
        ));
        if !from.iter().any(|(v, _)| *v == vendor) {
            from.push((vendor, vendor_market));
        }
    }
    let currency = pay_in.or_else(|| lines.first().map(|line| line.3.currency)).unwrap_or(Currency::USD);
    // Rates are read only when some line or a delivery fee (set in dollars) needs converting.
    let converts =
        lines.iter().any(|line| line.3.currency != currency) || (to.is_some() && currency != Currency::USD);
    let rates = if converts { store.fx_rates().await? } else { FxRates::default() };
    let mut items = Vec::with_capacity(lines.len());
    let mut total = Some(Money::new(currency, 0));
    for (product_id, name, quantity, unit_price, in_stock, delivers, available) in lines {
        let to_pay = rates.price_line(unit_price, quantity, currency).map(|(_, line)| line);
        total = match (total, to_pay) {
            (Some(total), Some(line)) => Some(total.plus(line)?),
            _ => None,
        };
        items.push(CartLine {
            product_id,
            name,
            quantity,
            unit_price,
            line_total: unit_price.times(quantity)?,
            to_pay,
            in_stock,
            delivers,
            available,
        });
    }
    let delivery_choices = match to {
        Some(to) if !from.is_empty() => delivery_choices(&from, to, currency, &rates),
        _ => Vec::new(),
    };
    Ok(Cart { items, currency, total, rates_as_of: rates.as_of, delivery_choices })
}

/// Each option's fee for the parts (one per vendor, shipped from the vendor's country in
/// `from`) to `to`, in `currency`; none when a fee cannot be converted.
fn delivery_choices(
    from: &[(i64, &Market)],
    to: &Market,
    currency: Currency,
    rates: &FxRates,
) -> Vec<DeliveryChoice> {
    DeliveryOption::ALL
        .into_iter()
        .map(|option| {
            let mut choice =
                DeliveryChoice { option, fee: Money::new(currency, 0), days_min: 0, days_max: 0 };
            for (_, vendor_country) in from {
                let terms = option.terms(vendor_country, to);
                choice.fee = choice.fee.plus(terms.fee_in(currency, rates)?).ok()?;
                choice.days_min = choice.days_min.max(terms.days_min);
                choice.days_max = choice.days_max.max(terms.days_max);
            }
            Some(choice)
        })
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default()
}

/// Adds `line` to `user`'s cart: 404 for an unknown product, 409 when its shop is suspended,
/// 422 when the cart already holds
/// as many different products as it may, or when its shop does not deliver to `to`.
async fn add(store: &Store, user: i64, line: Line, to: Option<&Market>) -> Result<()> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "add_to_cart");
    let db = || Error::db("adding to a cart");
    let mut tx = WriteTx::begin(store).await?;
    let shop: Option<(String, String, String, bool)> = on_conn!(&mut tx, conn => sqlx::query_as(
        "SELECT v.name, v.country, v.ships_to, v.suspended_at IS NOT NULL \
         FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE p.id = $1",
    )
    .bind(line.product.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db())?);
    let Some((shop, country, ships_to, suspended)) = shop else {
        return Err(Error::NotFound { what: format!("product {}", line.product) });
    };
    if suspended {
        return Err(Error::ShopSuspended { shop });
    }
    if let Some(to) = to
        && !ShippingZone::parse(&ships_to).unwrap_or_default().reaches(Market::of_country(&country), to)
    {
        return Err(Error::DoesNotDeliver { shop, country: to.country });
    }
    let others: i64 = on_conn!(&mut tx, conn => sqlx::query_scalar(
        "SELECT count(*) FROM cart_items WHERE user_id = $1 AND product_id <> $2",
    )
    .bind(user)
    .bind(line.product.get())
    .fetch_one(&mut *conn)
    .await
    .map_err(db())?);
    if others >= crate::cart::MAX_LINES as i64 {
        return Err(Error::Unprocessable(format!(
            "the cart holds {others} different products, the most it may; buy or remove some first"
        )));
    }
    let touch_cart = format!(
        "INSERT INTO carts (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = {}",
        dialect.now()
    );
    on_conn!(&mut tx, conn => sqlx::query(&touch_cart)
        .bind(user)
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
    on_conn!(&mut tx, conn => sqlx::query(
        "INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = CASE \
             WHEN cart_items.quantity + excluded.quantity > $4 THEN $4 \
             ELSE cart_items.quantity + excluded.quantity END",
    )
    .bind(user)
    .bind(line.product.get())
    .bind(line.quantity as i32)
    .bind(crate::cart::MAX_QUANTITY as i32)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    tx.commit().await
}

/// Removes one product's line, or every line when `product` is `None`.
async fn remove(store: &Store, user: i64, product: Option<ProductId>) -> Result<()> {
    let _t = QueryTimer::start(store.dialect().as_str(), "remove_from_cart");
    on_pool!(store, pool => sqlx::query(
        "DELETE FROM cart_items WHERE user_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR product_id = $2)",
    )
    .bind(user)
    .bind(product.map(ProductId::get))
    .execute(pool)
    .await
    .map_err(Error::db("removing from a cart"))?
    .rows_affected());
    Ok(())
}

impl Store {
    /// `user`'s cart priced in `pay_in` (by default, its first line's currency), with the
    /// ways to deliver it to `to` when given.
    pub async fn cart(&self, user: i64, pay_in: Option<Currency>, to: Option<&Market>) -> Result<Cart> {
        cart(self, user, pay_in, to).await
    }

    /// `lines` priced as the cart of a shopper not signed in yet.
    pub async fn guest_cart(&self, lines: &[Line], pay_in: Option<Currency>) -> Result<Cart> {
        guest_cart(self, lines, pay_in).await
    }

    /// Adds `line`'s units to the cart (capped at the per-line maximum), when its shop
    /// delivers to `to` (if named).
    pub async fn add_to_cart(&self, user: i64, line: Line, to: Option<&Market>) -> Result<()> {
        add(self, user, line, to).await
    }

    pub async fn remove_from_cart(&self, user: i64, product: Option<ProductId>) -> Result<()> {
        remove(self, user, product).await
    }
}
