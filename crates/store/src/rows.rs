//! Shared row helpers: every object table keeps the wire object as JSON in a `body` column.

use rusqlite::OptionalExtension;
use rusqlite::types::Value;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::store::Tx;

/// The wire object as stored JSON.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

/// `WHERE a = ? AND b = ?` over the key columns, with its parameters.
fn key_clause(key: &[(&str, &str)]) -> (String, Vec<Value>) {
    let clause = key
        .iter()
        .map(|(column, _)| format!("{column} = ?"))
        .collect::<Vec<_>>()
        .join(" AND ");
    let params = key
        .iter()
        .map(|(_, value)| Value::Text((*value).to_owned()))
        .collect();
    (clause, params)
}

/// The object stored under `key` in `table`, if any.
pub(crate) fn get<T: DeserializeOwned>(
    tx: &Tx<'_>,
    table: &str,
    key: &[(&str, &str)],
) -> Result<Option<T>> {
    let (clause, params) = key_clause(key);
    let sql = format!("SELECT body FROM {table} WHERE {clause}");
    let body: Option<String> = tx
        .conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(params), |row| row.get(0))
        .optional()?;
    Ok(body.map(|body| serde_json::from_str(&body)).transpose()?)
}

/// Deletes the row under `key`; whether there was one. Foreign keys cascade to its children.
pub(crate) fn delete(tx: &Tx<'_>, table: &str, key: &[(&str, &str)]) -> Result<bool> {
    let (clause, params) = key_clause(key);
    let sql = format!("DELETE FROM {table} WHERE {clause}");
    let changed = tx
        .conn
        .prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(params))?;
    Ok(changed > 0)
}

/// Decodes a column of stored bodies.
pub(crate) fn decode_all<T: DeserializeOwned>(bodies: Vec<String>) -> Result<Vec<T>> {
    Ok(bodies
        .iter()
        .map(|body| serde_json::from_str(body))
        .collect::<serde_json::Result<_>>()?)
}

/// The columns an object table's rows are written with, `id` first. It is the one list both ways
/// of writing a row are made from — the store's insert of a new object and the offline mirror's
/// upsert — so a column added to a table cannot be forgotten in one of them.
pub(crate) struct Columns {
    /// The table.
    pub table: &'static str,
    /// Its written columns, `id` first; values are bound as `?1`, `?2`, … in this order.
    pub names: &'static [&'static str],
}

/// How a row is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// A new object: fails if its id exists.
    Insert,
    /// An object as a server last described it: a row with its id is updated in place. Not a
    /// delete and re-insert, which would cascade to the row's children (a thread's messages).
    Upsert,
}

impl Columns {
    /// The statement writing one row the way `write` says.
    pub fn sql(&self, write: Write) -> String {
        let values = (1..=self.names.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({values})",
            self.table,
            self.names.join(", ")
        );
        match write {
            Write::Insert => insert,
            Write::Upsert => {
                let updates = self.names[1..]
                    .iter()
                    .map(|name| format!("{name} = excluded.{name}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{insert} ON CONFLICT ({}) DO UPDATE SET {updates}",
                    self.names[0]
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREADS: Columns = Columns {
        table: "threads",
        names: &["id", "created_at", "body"],
    };

    #[test]
    fn insert_and_upsert_come_from_one_column_list() {
        assert_eq!(
            THREADS.sql(Write::Insert),
            "INSERT INTO threads (id, created_at, body) VALUES (?1, ?2, ?3)"
        );
        assert_eq!(
            THREADS.sql(Write::Upsert),
            "INSERT INTO threads (id, created_at, body) VALUES (?1, ?2, ?3) \
             ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, \
             body = excluded.body"
        );
    }
}
