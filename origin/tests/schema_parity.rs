//! The PostgreSQL and SQLite migrations make the same schema: the same tables, the same
//! columns, each holding the same kind of value and equally nullable. A migration written for
//! one backend and forgotten (or written differently) for the other fails here.

use std::collections::BTreeMap;

use linkedall_origin::testing::TestDatabase;
use linkedall_store::Backend;
use linkedall_store::schema_outline::{Column, TypeFamily};

/// Differences that are the point of a backend, each with its reason: (table or table prefix
/// with `*`, column or "" for all, why). Nothing else may differ.
const BACKEND_ONLY: &[(&str, &str, &str)] = &[
    ("products", "search", "full-text index: a stored tsvector column on PostgreSQL"),
    ("products_fts*", "", "full-text index: an FTS5 table and its shadow tables on SQLite"),
    ("outbox", "seq", "a BIGSERIAL on PostgreSQL; on SQLite the rowid copied by a trigger after insert"),
];

fn by_column(columns: Vec<Column>) -> BTreeMap<(String, String), (TypeFamily, bool)> {
    columns.into_iter().map(|c| ((c.table, c.column), (c.family, c.nullable))).collect()
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let Some(postgres) = TestDatabase::new(Backend::Postgres).await else { return };
    let sqlite = TestDatabase::new(Backend::Sqlite).await.expect("SQLite always opens");
    let pg = by_column(postgres.store.schema_outline().await.unwrap());
    let lite = by_column(sqlite.store.schema_outline().await.unwrap());
    assert!(pg.len() > 50 && lite.len() > 50, "both outlines read the migrated tables");
    let allowed = |table: &str, column: &str| {
        BACKEND_ONLY.iter().any(|(t, c, _)| {
            let table_matches = match t.strip_suffix('*') {
                Some(prefix) => table.starts_with(prefix),
                None => *t == table,
            };
            table_matches && (c.is_empty() || *c == column)
        })
    };
    let mut drift = Vec::new();
    for ((table, column), (family, nullable)) in &pg {
        if allowed(table, column) {
            continue;
        }
        match lite.get(&(table.clone(), column.clone())) {
            None => drift.push(format!("{table}.{column}: only in PostgreSQL")),
            Some((lite_family, lite_nullable)) => {
                if !family.matches_sqlite(*lite_family) {
                    drift.push(format!(
                        "{table}.{column}: {family:?} in PostgreSQL, {lite_family:?} in SQLite"
                    ));
                }
                if nullable != lite_nullable {
                    drift.push(format!(
                        "{table}.{column}: {} in PostgreSQL, {} in SQLite",
                        if *nullable { "nullable" } else { "NOT NULL" },
                        if *lite_nullable { "nullable" } else { "NOT NULL" }
                    ));
                }
            }
        }
    }
    for (table, column) in lite.keys() {
        if !allowed(table, column) && !pg.contains_key(&(table.clone(), column.clone())) {
            drift.push(format!("{table}.{column}: only in SQLite"));
        }
    }
    assert!(drift.is_empty(), "the migrations drifted apart:\n{}", drift.join("\n"));
}
