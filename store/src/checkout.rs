//! Checkout: the one transaction that turns lines into an order without overselling.
//!
//! Stock is taken with a conditional decrement per product, in product order so that two
//! checkouts of the same products queue rather than deadlock: `UPDATE products SET stock =
//! stock - n WHERE id = ? AND stock >= n`. A product short of stock ends the transaction, so
//! nothing is written. The order, one part per vendor, its items, the emptied cart, the
//! `order.created` (and any `product.out_of_stock`) events and the idempotency record are all
//! committed together.
//!
//! The order is charged in one currency (the shopper's, [`Quote::pay_in`]) whatever its
//! vendors' currencies: each line is priced with [`FxRates::price_line`] at the rates read in
//! this transaction, and the order keeps the rates it used, what each vendor is paid in their
//! own currency, and the shopper's price until `pay_by`. A shopper who was shown a total
//! ([`Quote::total_minor`]) is never charged another: a changed price or rate refuses the
//! order with the new total ([`Error::QuoteChanged`]), and nothing is written. `place_order` is an ordinary function over a [`WriteTx`]: each
//! statement is written once and expanded per backend by `on_conn!`, and the one difference
//! (when a reservation ends) comes from the dialect.

use std::collections::BTreeMap;

use linkedall_events_schema::Event;
use linkedall_events_schema::payloads::{self, OutOfStock, StockAlert};
use linkedall_shared::{
    Address, Currency, DeliveryOption, FxRates, Market, Money, PartDelivery, ProductId, ShippingZone,
    VendorId,
};

use super::Store;
use crate::cart::Line;
use crate::cause::Cause;
use crate::conn::on_pool;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::idempotency::{Claim, ClaimedKey, IdempotencyKey};
use crate::on_conn;
use crate::order::{Order, OrderItem, OrderPart, OrderState};
use crate::rows::amount;
use crate::timing::QueryTimer;
use crate::write_tx::WriteTx;

/// The `order.created` payload of `order`, placed by `shopper`.
pub(crate) fn order_created(order: &Order, shopper: i64) -> payloads::OrderCreated {
    payloads::OrderCreated {
        id: order.id,
        shopper_id: shopper,
        state: order.state.as_str().into(),
        total: order.total.into(),
        parts: order
            .parts
            .iter()
            .map(|part| payloads::OrderPart {
                order_id: part.order_id,
                vendor_id: part.vendor_id.get(),
                state: part.state.as_str().into(),
                subtotal: part.subtotal.into(),
                vendor_subtotal: Some(part.vendor_subtotal.into()),
                items: part
                    .items
                    .iter()
                    .map(|item| payloads::OrderItem {
                        product_id: item.product_id.get(),
                        quantity: item.quantity,
                        unit_price: item.unit_price.into(),
                    })
                    .collect(),
                delivery: part.delivery.as_ref().map(|delivery| payloads::DeliveryFacts {
                    option: delivery.option.as_str().into(),
                    fee: delivery.fee.into(),
                    country: delivery.address.country.clone(),
                    city: delivery.address.city.clone(),
                }),
            })
            .collect(),
    }
}

/// How the client named what to buy.
#[derive(Debug, Clone)]
pub enum Purchase {
    /// Everything in the shopper's cart, which is emptied.
    Cart,
    /// These lines ("buy now"), leaving the cart alone.
    Lines(Vec<Line>),
}

/// What the shopper agreed to: the currency they pay in, where and how it is delivered, and,
/// when they were shown one, the total (in that currency's minor units, delivery included)
/// they accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quote {
    /// By default, the first line's currency.
    pub pay_in: Option<Currency>,
    pub total_minor: Option<i64>,
    /// `None`: no delivery is arranged through the shop (API clients that arrange their own).
    pub delivery: Option<(DeliveryOption, Address)>,
}

/// A reserved line, priced in the vendor's currency and in the one the shopper pays in.
struct Priced {
    vendor: VendorId,
    item: OrderItem,
}

/// What this transaction's lines are priced with: the rates are read (in the transaction) only
/// when a line is in another currency than the one paid in.
struct Pricing {
    pay_in: Option<Currency>,
    rates: Option<FxRates>,
}

impl Pricing {
    /// `quantity` × `unit_price` in the currency paid in, with the rate used for the vendor's
    /// currency (`None` when it needed none).
    async fn price(
        &mut self,
        tx: &mut WriteTx,
        unit_price: Money,
        quantity: u32,
    ) -> Result<(Money, Option<u64>)> {
        let pay_in = *self.pay_in.get_or_insert(unit_price.currency);
        if unit_price.currency == pay_in {
            return Ok((unit_price, None));
        }
        let rates = self.rates(tx).await?;
        let no_rate = || Error::NoExchangeRate { from: unit_price.currency, to: pay_in };
        let (unit, _) = rates.price_line(unit_price, quantity, pay_in).ok_or_else(no_rate)?;
        Ok((unit, Some(rates.rate(unit_price.currency).ok_or_else(no_rate)?)))
    }

    /// The rates, read in the transaction the first time they are needed.
    async fn rates(&mut self, tx: &mut WriteTx) -> Result<&FxRates> {
        if self.rates.is_none() {
            self.rates = Some(crate::fx_rates::rates(tx.conn()).await?);
        }
        Ok(self.rates.as_ref().expect("read above"))
    }

    /// `option`'s fee for a part that `vendor` ships to `address`: in the currency paid in,
    /// and in the vendor's `vendor_currency` (what they are paid for shipping it).
    async fn delivery(
        &mut self,
        tx: &mut WriteTx,
        vendor: VendorId,
        vendor_currency: Currency,
        option: DeliveryOption,
        address: &Address,
    ) -> Result<(PartDelivery, Money)> {
        let (shop, country, ships_to): (String, String, String) = on_conn!(tx, conn => sqlx::query_as(
            "SELECT name, country, ships_to FROM vendors WHERE id = $1",
        )
        .bind(vendor.get())
        .fetch_one(&mut *conn)
        .await
        .map_err(Error::db("placing an order"))?);
        let (from, to) = (Market::of_country(&country), Market::of_country(&address.country));
        if !ShippingZone::parse(&ships_to).unwrap_or_default().reaches(from, to) {
            return Err(Error::DoesNotDeliver { shop, country: to.country });
        }
        let terms = option.terms(from, to);
        let pay_in = self.pay_in.unwrap_or(Currency::USD);
        let rates = self.rates(tx).await?;
        let no_rate = |to| Error::NoExchangeRate { from: Currency::USD, to };
        let fee = terms.fee_in(pay_in, rates).ok_or_else(|| no_rate(pay_in))?;
        let vendor_fee = terms.fee_in(vendor_currency, rates).ok_or_else(|| no_rate(vendor_currency))?;
        let delivery = PartDelivery {
            option,
            fee,
            days_min: terms.days_min,
            days_max: terms.days_max,
            address: address.clone(),
        };
        Ok((delivery, vendor_fee))
    }

    /// The paid currency's rate, when some line or fee was converted.
    fn paid_rate(&self) -> Option<u64> {
        Some(self.rates.as_ref()?.rate(self.pay_in?)).flatten()
    }
}

/// What a key's stored row says.
pub struct StoredKey {
    pub request_hash: String,
    pub state: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
}

/// Places `shopper`'s order in one transaction: reserve each line's stock (in product order,
/// so concurrent checkouts queue instead of deadlocking), write the order, its parts and
/// items, empty the cart when it was the cart, record `order.created` (and any
/// `product.out_of_stock`) and the purges of relabelled pages, and complete `key` with the
/// answer. Any refusal rolls everything back.
async fn place_order(
    store: &Store,
    shopper: i64,
    purchase: &Purchase,
    quote: Quote,
    key: &ClaimedKey,
) -> Result<Order> {
    let mut tx = WriteTx::begin(store).await?;
    let dialect = tx.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "place_order");
    let db = || Error::db("placing an order");
    let lines: Vec<Line> = match purchase {
        Purchase::Lines(lines) => lines.clone(),
        Purchase::Cart => {
            let rows: Vec<(i64, i32)> = on_conn!(&mut tx, conn => sqlx::query_as(
                "SELECT product_id, quantity FROM cart_items WHERE user_id = $1 ORDER BY product_id",
            )
            .bind(shopper)
            .fetch_all(&mut *conn)
            .await
            .map_err(db())?);
            rows.into_iter()
                .map(|(p, q)| Line { product: ProductId::new(p), quantity: u32::try_from(q).unwrap_or(1) })
                .collect()
        }
    };
    if lines.is_empty() {
        return Err(Error::Unprocessable("there is nothing to order: the cart is empty".into()));
    }

    // Reserve stock, in product order; prices come from the catalog row just locked.
    let mut pricing = Pricing { pay_in: quote.pay_in, rates: None };
    let mut priced = Vec::with_capacity(lines.len());
    let mut vendor_rates: BTreeMap<VendorId, Option<u64>> = BTreeMap::new();
    let mut sold_out = Vec::new();
    let mut relabelled = Vec::new();
    for line in &lines {
        let reserved: Option<(i64, String, i64, String, i32)> = on_conn!(&mut tx, conn => sqlx::query_as(
            "UPDATE products SET stock = stock - $1 WHERE id = $2 AND stock >= $1 \
             RETURNING vendor_id, currency, price_minor, name, stock",
        )
        .bind(line.quantity as i32)
        .bind(line.product.get())
        .fetch_optional(&mut *conn)
        .await
        .map_err(db())?);
        let Some((vendor_id, currency, price_minor, name, stock_left)) = reserved else {
            return Err(short_of_stock(&mut tx, line.product).await?);
        };
        let vendor = VendorId::new(vendor_id);
        let vendor_unit_price = amount(&currency, price_minor)?;
        let (unit_price, rate) = pricing.price(&mut tx, vendor_unit_price, line.quantity).await?;
        vendor_rates.insert(vendor, rate);
        if crate::purges::label_changed(stock_left + line.quantity as i32, stock_left) {
            relabelled.extend(crate::purges::product_changed(line.product));
        }
        if stock_left == 0 {
            sold_out.push((line.product, vendor));
        }
        priced.push(Priced {
            vendor,
            item: OrderItem {
                product_id: line.product,
                name,
                quantity: line.quantity,
                unit_price,
                vendor_unit_price,
            },
        });
    }
    let pay_in = pricing
        .pay_in
        .ok_or_else(|| Error::Corrupt("an order without lines got past the empty check".into()))?;
    let mut parts: BTreeMap<VendorId, Vec<OrderItem>> = BTreeMap::new();
    for Priced { vendor, item } in priced {
        parts.entry(vendor).or_default().push(item);
    }
    let mut order_parts = Vec::with_capacity(parts.len());
    for (vendor_id, items) in parts {
        refuse_suspended_shop(&mut tx, vendor_id).await?;
        let vendor_currency = items[0].vendor_unit_price.currency;
        let (mut subtotal, mut vendor_subtotal) = (Money::new(pay_in, 0), Money::new(vendor_currency, 0));
        for item in &items {
            subtotal = subtotal.plus(item.unit_price.times(item.quantity)?)?;
            vendor_subtotal = vendor_subtotal.plus(item.vendor_unit_price.times(item.quantity)?)?;
        }
        let delivery = match &quote.delivery {
            Some((option, address)) => {
                let (delivery, vendor_fee) =
                    pricing.delivery(&mut tx, vendor_id, vendor_currency, *option, address).await?;
                subtotal = subtotal.plus(delivery.fee)?;
                vendor_subtotal = vendor_subtotal.plus(vendor_fee)?;
                Some(delivery)
            }
            None => None,
        };
        order_parts.push(OrderPart {
            order_id: 0,
            vendor_id,
            state: OrderState::Created,
            subtotal,
            vendor_subtotal,
            vendor_per_usd_micros: vendor_rates.get(&vendor_id).copied().flatten(),
            items,
            delivery,
            collect_on_delivery: None,
            tracking_note: None,
        });
    }
    let mut total = Money::new(pay_in, 0);
    for part in &order_parts {
        total = total.plus(part.subtotal)?;
    }
    if quote.total_minor.is_some_and(|shown| shown != total.minor) {
        metrics::counter!("orders_requoted_total").increment(1);
        return Err(Error::QuoteChanged { total });
    }

    let (order_id, placed_at, pay_by) =
        insert_order(&mut tx, dialect, shopper, total, pricing.paid_rate()).await?;
    if let Some((_, address)) = &quote.delivery {
        insert_address(&mut tx, order_id, address).await?;
    }
    for part in &mut order_parts {
        part.order_id = order_id;
        insert_part(&mut tx, part).await?;
    }
    let order = Order {
        id: order_id,
        state: OrderState::Created,
        total,
        parts: order_parts,
        placed_at,
        pay_by,
        per_usd_micros: pricing.paid_rate(),
        pay_on_delivery: false,
    };
    if let Purchase::Cart = purchase {
        on_conn!(&mut tx, conn => sqlx::query("DELETE FROM cart_items WHERE user_id = $1")
            .bind(shopper)
            .execute(&mut *conn)
            .await
            .map_err(db())?
            .rows_affected());
    }

    let cause = Cause::current();
    tx.emit(&Event::about_order(order_id, &order_created(&order, shopper))?, &cause).await?;
    for (product, vendor) in sold_out {
        let payload =
            OutOfStock(StockAlert { product_id: product.get(), vendor_id: vendor.get(), stock: Some(0) });
        tx.emit(&Event::about_product(product.get(), &payload)?, &cause).await?;
    }
    // Pages show a stock label, not the count: only a sale that changes the label
    // ("In stock" → "Only 5 left" → … → "Out of stock") changes a cached page.
    tx.record_purges(&relabelled).await?;

    let body = serde_json::to_string(&order).map_err(|e| Error::Corrupt(e.to_string()))?;
    on_conn!(&mut tx, conn => sqlx::query(
        "UPDATE idempotency_keys SET state = 'completed', response_status = 201, response_body = $3 \
         WHERE user_id = $1 AND key = $2",
    )
    .bind(key.user)
    .bind(key.key.as_str())
    .bind(&body)
    .execute(&mut *conn)
    .await
    .map_err(db())?
    .rows_affected());
    tx.commit().await?;
    Ok(order)
}

/// Refuses a part from a shop an admin suspended (its products are off sale); the caller's
/// transaction, stock taken included, is then rolled back.
async fn refuse_suspended_shop(tx: &mut WriteTx, vendor: VendorId) -> Result<()> {
    let (shop, suspended): (String, bool) = on_conn!(tx, conn => sqlx::query_as(
        "SELECT name, suspended_at IS NOT NULL FROM vendors WHERE id = $1",
    )
    .bind(vendor.get())
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::db("placing an order"))?);
    if suspended {
        return Err(Error::ShopSuspended { shop });
    }
    Ok(())
}

/// Why `product`'s line could not be reserved: it does not exist, or has too few units.
async fn short_of_stock(tx: &mut WriteTx, product: ProductId) -> Result<Error> {
    let found: Option<(String, i32)> = on_conn!(tx, conn => sqlx::query_as(
        "SELECT name, stock FROM products WHERE id = $1",
    )
    .bind(product.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::db("placing an order"))?);
    Ok(match found {
        None => Error::NotFound { what: format!("product {product}") },
        Some((name, available)) => {
            Error::InsufficientStock { product: product.get(), name, available: i64::from(available) }
        }
    })
}

/// The smallest and largest order number: twelve digits, drawn at random, so that an order's
/// number (its id, in its address and on its pages) tells no one how many orders the shop takes
/// or where to find another's.
const ORDER_NUMBERS: std::ops::RangeInclusive<i64> = 100_000_000_000..=999_999_999_999;

/// A random order number in [`ORDER_NUMBERS`].
fn random_order_number() -> i64 {
    let span = (ORDER_NUMBERS.end() - ORDER_NUMBERS.start() + 1) as u64;
    ORDER_NUMBERS.start() + (uuid::Uuid::new_v4().as_u64_pair().0 % span) as i64
}

/// Writes the order row under a random number, awaiting payment until the reservation ends:
/// its number, when it was placed and until when it may be paid. A number already taken (one
/// chance in a million with a million orders) is drawn again.
async fn insert_order(
    tx: &mut WriteTx,
    dialect: Dialect,
    shopper: i64,
    total: Money,
    per_usd_micros: Option<u64>,
) -> Result<(i64, String, String)> {
    let insert = format!(
        "INSERT INTO orders (id, shopper_id, state, currency, total_minor, per_usd_micros, expires_at) \
         VALUES ($1, $2, 'created', $3, $4, $5, {}) ON CONFLICT (id) DO NOTHING RETURNING id, {}, {}",
        dialect.reservation_ends(),
        dialect.timestamp_text("created_at"),
        dialect.timestamp_text("expires_at")
    );
    for _ in 0..8 {
        let inserted: Option<(i64, String, String)> = on_conn!(tx, conn => sqlx::query_as(&insert)
            .bind(random_order_number())
            .bind(shopper)
            .bind(total.currency.code())
            .bind(total.minor)
            .bind(per_usd_micros.and_then(|r| i64::try_from(r).ok()))
            .fetch_optional(&mut *conn)
            .await
            .map_err(Error::db("placing an order"))?);
        if let Some(inserted) = inserted {
            return Ok(inserted);
        }
        metrics::counter!("order_numbers_drawn_again_total").increment(1);
    }
    Err(Error::Corrupt("eight random order numbers in a row were taken".into()))
}

/// Writes where order `order_id` is delivered.
async fn insert_address(tx: &mut WriteTx, order_id: i64, address: &Address) -> Result<()> {
    on_conn!(tx, conn => sqlx::query(
        "INSERT INTO order_deliveries (order_id, name, phone, country, city, area, directions) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(&address.name)
    .bind(&address.phone)
    .bind(&address.country)
    .bind(&address.city)
    .bind(&address.area)
    .bind(&address.directions)
    .execute(&mut *conn)
    .await
    .map_err(Error::db("placing an order"))?
    .rows_affected());
    Ok(())
}

/// Writes one vendor's part and its items.
async fn insert_part(tx: &mut WriteTx, part: &OrderPart) -> Result<()> {
    let db = || Error::db("placing an order");
    let delivery = part.delivery.as_ref();
    let part_id: i64 = on_conn!(tx, conn => sqlx::query_scalar(
        "INSERT INTO order_parts (order_id, vendor_id, state, subtotal_minor, vendor_currency, \
         vendor_subtotal_minor, vendor_per_usd_micros, delivery_option, delivery_fee_minor, \
         delivery_days_min, delivery_days_max) \
         VALUES ($1, $2, 'created', $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(part.order_id)
    .bind(part.vendor_id.get())
    .bind(part.subtotal.minor)
    .bind(part.vendor_subtotal.currency.code())
    .bind(part.vendor_subtotal.minor)
    .bind(part.vendor_per_usd_micros.and_then(|r| i64::try_from(r).ok()))
    .bind(delivery.map(|d| d.option.as_str()))
    .bind(delivery.map(|d| d.fee.minor))
    .bind(delivery.map(|d| i64::from(d.days_min)))
    .bind(delivery.map(|d| i64::from(d.days_max)))
    .fetch_one(&mut *conn)
    .await
    .map_err(db())?);
    for item in &part.items {
        on_conn!(tx, conn => sqlx::query(
            "INSERT INTO order_items (order_id, part_id, product_id, quantity, unit_price_minor, \
             vendor_unit_price_minor) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(part.order_id)
        .bind(part_id)
        .bind(item.product_id.get())
        .bind(item.quantity as i32)
        .bind(item.unit_price.minor)
        .bind(item.vendor_unit_price.minor)
        .execute(&mut *conn)
        .await
        .map_err(db())?
        .rows_affected());
    }
    Ok(())
}

/// Claims (`user`, `key`) for a request with `hash`; `None` when claimed, otherwise the row
/// that was there. A row older than 24 hours counts as absent and is replaced, in the same
/// statement (one commit, not two: the claim is on every checkout's path).
async fn claim_key(store: &Store, user: i64, key: &str, hash: &str) -> Result<Option<StoredKey>> {
    let dialect = store.dialect();
    let _t = QueryTimer::start(dialect.as_str(), "claim_idempotency_key");
    let db = || Error::db("claiming an idempotency key");
    let claim = format!(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, state) VALUES ($1, $2, $3, 'in_flight') \
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, \
         state = 'in_flight', response_status = NULL, response_body = NULL, created_at = {} \
         WHERE idempotency_keys.created_at < {}",
        dialect.now(),
        dialect.day_ago()
    );
    let claimed = on_pool!(store, pool => sqlx::query(&claim)
        .bind(user)
        .bind(key)
        .bind(hash)
        .execute(pool)
        .await
        .map_err(db())?
        .rows_affected())
        == 1;
    if claimed {
        return Ok(None);
    }
    let row: Option<(String, String, Option<i32>, Option<String>)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT request_hash, state, response_status, response_body FROM idempotency_keys \
         WHERE user_id = $1 AND key = $2",
    )
    .bind(user)
    .bind(key)
    .fetch_optional(pool)
    .await
    .map_err(db())?);
    // Released between our insert and this read: as good as in flight.
    let (request_hash, state, response_status, response_body) =
        row.unwrap_or_else(|| (hash.to_owned(), "in_flight".to_owned(), None, None));
    Ok(Some(StoredKey { request_hash, state, response_status, response_body }))
}

/// Deletes (`user`, `key`) while it is still in flight.
async fn release_key(store: &Store, user: i64, key: &str) -> Result<()> {
    on_pool!(store, pool => sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'in_flight'",
    )
    .bind(user)
    .bind(key)
    .execute(pool)
    .await
    .map_err(Error::db("releasing an idempotency key"))?
    .rows_affected());
    Ok(())
}

impl Store {
    /// Claims `key` for `user`'s request whose body hashes to `request_hash`: a new claim, a
    /// stored response to replay, or 409 (still in flight) / 422 (used for another body).
    pub async fn claim_idempotency_key(
        &self,
        user: i64,
        key: IdempotencyKey,
        request_hash: String,
    ) -> Result<Claim> {
        let Some(stored) = claim_key(self, user, key.as_str(), &request_hash).await? else {
            return Ok(Claim::New(ClaimedKey { user, key, request_hash }));
        };
        if stored.request_hash != request_hash {
            return Err(Error::IdempotencyKeyReused);
        }
        match (stored.state.as_str(), stored.response_status, stored.response_body) {
            ("completed", Some(status), Some(body)) => {
                Ok(Claim::Replay { status: u16::try_from(status).unwrap_or(200), body })
            }
            _ => Err(Error::IdempotencyKeyInFlight),
        }
    }

    /// Gives a claimed key back after the request failed, so a retry can run.
    pub async fn release_idempotency_key(&self, key: &ClaimedKey) -> Result<()> {
        release_key(self, key.user, key.key.as_str()).await
    }

    /// Places `shopper`'s order in one transaction, completing `key` with the response.
    pub async fn place_order(
        &self,
        shopper: i64,
        purchase: &Purchase,
        quote: Quote,
        key: &ClaimedKey,
    ) -> Result<Order> {
        let order = place_order(self, shopper, purchase, quote, key).await;
        match &order {
            Ok(_) => metrics::counter!("orders_placed_total").increment(1),
            Err(Error::InsufficientStock { .. }) => {
                metrics::counter!("orders_refused_total", "reason" => "insufficient_stock").increment(1)
            }
            Err(Error::ShopSuspended { .. }) => {
                metrics::counter!("orders_refused_total", "reason" => "shop_suspended").increment(1)
            }
            Err(_) => metrics::counter!("orders_refused_total", "reason" => "other").increment(1),
        }
        order
    }
}
