//! The migrated schema as a list of columns, read from each backend's catalog, so a test can
//! hold the PostgreSQL and SQLite migrations to one shape (`tests/schema_parity.rs`).

use super::Store;
use crate::error::{Error, Result};

/// One column of one table, its type reduced to the family both backends share.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub table: String,
    pub column: String,
    pub family: TypeFamily,
    pub nullable: bool,
}

/// What a column holds, apart from how each backend spells it. SQLite has no time, UUID, JSON
/// or boolean types: it keeps times as RFC 3339 text, UUIDs and JSON as text, booleans as 0 and
/// 1 — the dialect's named differences, which [`TypeFamily::matches_sqlite`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeFamily {
    Integer,
    Real,
    Text,
    Boolean,
    Time,
    Json,
    Uuid,
    Bytes,
    /// A backend-specific type with no counterpart (PostgreSQL's `tsvector`).
    Other,
}

impl TypeFamily {
    fn of_postgres(data_type: &str) -> TypeFamily {
        match data_type {
            "bigint" | "integer" | "smallint" => TypeFamily::Integer,
            "double precision" | "real" | "numeric" => TypeFamily::Real,
            "text" | "character varying" | "character" => TypeFamily::Text,
            "boolean" => TypeFamily::Boolean,
            t if t.starts_with("timestamp") || t == "date" => TypeFamily::Time,
            "json" | "jsonb" => TypeFamily::Json,
            "uuid" => TypeFamily::Uuid,
            "bytea" => TypeFamily::Bytes,
            _ => TypeFamily::Other,
        }
    }

    fn of_sqlite(declared: &str) -> TypeFamily {
        let declared = declared.to_ascii_uppercase();
        match declared.as_str() {
            t if t.contains("INT") => TypeFamily::Integer,
            t if t.contains("REAL")
                || t.contains("DOUBLE")
                || t.contains("FLOA")
                || t.contains("NUMERIC") =>
            {
                TypeFamily::Real
            }
            t if t.contains("BOOL") => TypeFamily::Boolean,
            t if t.contains("TIMESTAMP") || t.contains("DATE") => TypeFamily::Time,
            t if t.contains("JSON") => TypeFamily::Json,
            t if t.contains("BLOB") => TypeFamily::Bytes,
            t if t.contains("TEXT") || t.contains("CHAR") || t.contains("CLOB") => TypeFamily::Text,
            _ => TypeFamily::Other,
        }
    }

    /// Whether a PostgreSQL column of this family and a SQLite one of `sqlite` hold the same
    /// values: equal families, or one of SQLite's spellings of a type it lacks.
    pub fn matches_sqlite(self, sqlite: TypeFamily) -> bool {
        use TypeFamily::*;
        self == sqlite || matches!((self, sqlite), (Time | Uuid | Json, Text) | (Boolean, Integer))
    }
}

impl Store {
    /// Every column of every table the migrations made (sqlx's own bookkeeping left out),
    /// sorted by table and column.
    pub async fn schema_outline(&self) -> Result<Vec<Column>> {
        let db = || Error::db("reading the schema");
        let rows: Vec<(String, String, String, bool)> = match self {
            Store::Postgres(pool) => sqlx::query_as(
                "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable = 'YES' \
                 FROM information_schema.columns c \
                 JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
                 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
                   AND c.table_name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await
            .map_err(db())?,
            Store::Sqlite(pool) => sqlx::query_as(
                "SELECT m.name, p.name, p.type, p.\"notnull\" = 0 AND p.pk = 0 \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(pool)
            .await
            .map_err(db())?,
        };
        let backend = self.backend();
        let mut columns: Vec<Column> = rows
            .into_iter()
            .map(|(table, column, data_type, nullable)| Column {
                table,
                column,
                family: match backend {
                    super::Backend::Postgres => TypeFamily::of_postgres(&data_type),
                    super::Backend::Sqlite => TypeFamily::of_sqlite(&data_type),
                },
                nullable,
            })
            .collect();
        columns.sort();
        Ok(columns)
    }
}
