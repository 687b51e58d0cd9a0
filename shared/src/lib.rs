//! The shop's language, shared by the origin and every edge host.
//!
//! Everything here is plain data plus the rules that keep it valid: money is an ISO currency
//! and an integer count of minor units (never a float), ids are positive, page sizes are
//! bounded, and the bytes that travel between the edge and the origin carry a version so that
//! an old edge reading a new origin fails with a clear message instead of garbage.
//!
//! This crate does no I/O and depends only on crates that build for `wasm32-unknown-unknown`
//! and `wasm32-wasip2`, because the edge core compiles it for both.

pub mod address;
pub mod browse;
pub mod cart;
mod catalog;
pub mod delivery;
pub mod earnings;
mod error;
mod feeds;
mod fx;
mod ids;
pub mod image_options;
pub mod image_signature;
mod latency;
mod market;
mod media;
mod money;
pub mod order;
mod page;
mod payment_method;
mod purge;
pub mod review;
mod shipping_zone;
mod slug;
pub mod stock_sheet;
pub mod wire;

pub use address::{Address, AddressForm, AddressProblem};
pub use browse::{Browse, BrowseError, ShipsTo, Sort};
pub use cart::{Cart, CartLine};
pub use catalog::{Category, Product, ProductCard, Stock, Vendor};
pub use delivery::{DeliveryChoice, DeliveryOption, DeliveryTerms};
pub use error::DomainError;
pub use feeds::{HomeFeed, ProductDetail, ProductList, ResultCount, SearchResults, VendorStorefront};
pub use fx::{FxRates, ShownPrice};
pub use ids::{CategoryId, ProductId, VendorId};
pub use latency::{LATENCY_BUCKETS, LATENCY_OBJECTIVE_SECS};
pub use market::{ELSEWHERE, Language, MARKETS, Market, OriginSite, Region};
pub use media::{MAX_PHOTOS_PER_PRODUCT, MediaPath, Photo, PhotoFormat, Preset, valid_hash};
pub use money::{Currency, MAX_PRICE_MAJOR, Money};
pub use order::{Order, OrderItem, OrderPart, OrderState, PartDelivery};
pub use page::{Cursor, Limit};
pub use payment_method::PaymentMethod;
pub use purge::{
    EDGE_CACHE_KEY_PATH, EDGE_CACHE_KEY_VERSION, MAX_SELECTORS_PER_PURGE, PURGE_SEQ_HEADER, Purge, PurgeFeed,
    PurgeSelector,
};
pub use review::{Rating, Review, ReviewPage, Stars, VendorAnswer};
pub use shipping_zone::ShippingZone;
pub use slug::slugify;
pub use stock_sheet::{StockSheet, StockSheetApplied, StockSheetPreview};
