//! The database schema and its migrations.
//!
//! The schema is a list of numbered SQL scripts (`sql/v1.sql`, `sql/v2.sql`, …); the
//! table `schema_migrations` records which were applied. A load brings the schema up to
//! [`LATEST`] inside its own transaction, so a migration that fails, or a load that
//! fails after it, leaves the schema as it was. A schema newer than this callscore
//! knows (a newer callscore loaded into it) is refused: this version would not know
//! how to write it.
//!
//! A shipped script is never edited: a change to the schema is a new script, which is
//! how a database loaded by any older callscore keeps working.

use postgres::Transaction;

/// The scripts, in order: `MIGRATIONS[i]` brings version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[include_str!("sql/v1.sql"), include_str!("sql/v2.sql")];

/// The schema version this callscore writes.
pub const LATEST: i32 = MIGRATIONS.len() as i32;

/// Why the schema cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// A newer callscore made it.
    #[error(
        "schema {schema} is at version {found}, newer than this callscore writes ({LATEST}): it was created by a newer callscore; load with that version (or newer), or into another --schema"
    )]
    Newer {
        /// The schema.
        schema: String,
        /// Its version.
        found: i32,
    },
    /// The schema holds tables callscore did not make.
    #[error(
        "schema {schema} already holds tables callscore did not create ({examples}); load into another --schema, or an empty one"
    )]
    Foreign {
        /// The schema.
        schema: String,
        /// A few table names.
        examples: String,
    },
    /// A statement failed.
    #[error("{0}")]
    Db(#[from] postgres::Error),
}

/// Quote an identifier for SQL (`"name"`, doubling quotes).
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Create `schema` if needed, point the transaction's `search_path` at it and migrate
/// it to version `target` (normally [`LATEST`]; tests build older versions). Returns
/// the version found (0 for a new schema).
pub fn migrate_to(tx: &mut Transaction<'_>, schema: &str, target: i32) -> Result<i32, SchemaError> {
    let q = quote_ident(schema);
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {q}; SET LOCAL search_path TO {q}, pg_catalog"
    ))?;
    let has_table = |tx: &mut Transaction<'_>, name: &str| -> Result<bool, postgres::Error> {
        let row = tx.query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = $2",
            &[&schema, &name],
        )?;
        Ok(row.get::<_, i64>(0) > 0)
    };
    let found: i32 = if has_table(tx, "schema_migrations")? {
        tx.query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0)
    } else {
        let rows = tx.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename LIMIT 3",
            &[&schema],
        )?;
        if !rows.is_empty() {
            return Err(SchemaError::Foreign {
                schema: schema.into(),
                examples: rows
                    .iter()
                    .map(|r| r.get::<_, String>(0))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        0
    };
    if found > LATEST {
        return Err(SchemaError::Newer {
            schema: schema.into(),
            found,
        });
    }
    for v in found..target.min(LATEST) {
        tx.batch_execute(MIGRATIONS[v as usize])?;
        tx.execute(
            "INSERT INTO schema_migrations (version, callscore) VALUES ($1, $2)",
            &[&(v + 1), &env!("CARGO_PKG_VERSION")],
        )?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("callscore"), "\"callscore\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn every_script_is_numbered_and_the_first_creates_the_migration_table() {
        assert_eq!(LATEST, 2);
        assert!(MIGRATIONS[0].contains("CREATE TABLE schema_migrations"));
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert!(
                m.contains(&format!("version {}", i + 1)),
                "sql/v{}.sql must say which version it makes",
                i + 1
            );
        }
    }
}
