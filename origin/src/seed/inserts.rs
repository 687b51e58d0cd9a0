//! Seed inserts whose SQL is the same on both backends (SQLite accepts `$N` placeholders,
//! `ON CONFLICT … DO UPDATE` and `RETURNING`), written once and instantiated per pool type.

macro_rules! seed_inserts {
    ($pool:ty) => {
        /// Upserts every category by slug; returns their ids in [`CATEGORIES`] order.
        pub async fn categories(pool: &$pool) -> Result<Vec<i64>> {
            let mut ids = Vec::with_capacity(CATEGORIES.len());
            for (position, spec) in CATEGORIES.iter().enumerate() {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO categories (slug, name, description, position) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, \
                     position = EXCLUDED.position RETURNING id",
                )
                .bind(spec.slug)
                .bind(spec.name)
                .bind(spec.description)
                .bind(position as i32)
                .fetch_one(pool)
                .await
                .map_err(Error::db("seeding categories"))?;
                ids.push(id);
            }
            Ok(ids)
        }

        /// Inserts the vendors in one transaction; returns their ids in the same order.
        pub async fn vendors(pool: &$pool, vendors: &[NewVendor]) -> Result<Vec<i64>> {
            let mut tx = pool.begin().await.map_err(Error::db("seeding vendors"))?;
            let mut ids = Vec::with_capacity(vendors.len());
            for vendor in vendors {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO vendors (name, slug, city, country, description) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&vendor.name)
                .bind(&vendor.slug)
                .bind(vendor.city)
                .bind(vendor.country)
                .bind(&vendor.description)
                .fetch_one(&mut *tx)
                .await
                .map_err(Error::db("seeding vendors"))?;
                ids.push(id);
            }
            tx.commit().await.map_err(Error::db("seeding vendors"))?;
            Ok(ids)
        }
    };
}

pub(super) use seed_inserts;
