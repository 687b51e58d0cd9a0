//! Where a statement runs, on either backend: on a connection ([`Conn`]: a write
//! transaction's, or one taken from the pool) through [`on_conn!`](crate::on_conn), or straight
//! on the pool (a read outside any transaction) through `on_pool!`.
//!
//! Both macros write a statement once, with `$n` placeholders (both backends accept them), and
//! expand it for each backend's connection type, so the steps around them stay ordinary
//! functions. Where the backends' SQL differs, the statement takes the named piece from
//! [`Dialect`].

use sqlx::{PgConnection, SqliteConnection};

use crate::Store;
use crate::dialect::Dialect;

/// A connection to either backend, borrowed from a write transaction (`WriteTx::conn`)
/// or from the pool, for a read that must run its statements on one connection and also runs
/// inside transactions (reading an order back after changing it).
pub enum Conn<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

impl Conn<'_> {
    /// The same connection, borrowed again, so a function can hand it to each statement in turn.
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Conn::Postgres(c) => Conn::Postgres(c),
            Conn::Sqlite(c) => Conn::Sqlite(c),
        }
    }

    /// The SQL pieces in which this connection's backend differs from the other.
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Postgres(_) => Dialect::Postgres,
            Conn::Sqlite(_) => Dialect::Sqlite,
        }
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Conn::Postgres(conn)
    }
}

impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Conn::Sqlite(conn)
    }
}

impl Store {
    /// The SQL pieces in which this store's backend differs from the other.
    pub fn dialect(&self) -> Dialect {
        match self {
            Store::Postgres(_) => Dialect::Postgres,
            Store::Sqlite(_) => Dialect::Sqlite,
        }
    }
}

/// Runs `$body` with `$pool` bound to the store's pool, once per backend: a read (or a single
/// statement) that needs no transaction.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::Store::Postgres($pool) => {
                let $pool: &sqlx::PgPool = $pool;
                $body
            }
            $crate::Store::Sqlite($pool) => {
                let $pool: &sqlx::SqlitePool = $pool;
                $body
            }
        }
    };
}

pub(crate) use on_pool;
