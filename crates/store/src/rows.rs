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
