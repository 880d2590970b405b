//! Cursor pagination by `created_at`, as every list endpoint of the API pages.
//!
//! Items are ordered by `created_at` and, among equal times, by insertion order (the row id, same
//! direction): timestamps have one-second resolution, and a question and its answer written in
//! the same second must still list in the order they happened. The order is total and a cursor never skips or repeats an item. `after` starts just past its item
//! in the chosen order; `before` (alone) returns the `limit` items just before its item, still in
//! the chosen order, with `has_more` telling whether more lie further back. With both, the page
//! starts after `after` and stops before `before`. An unknown cursor id is an error, because
//! silently returning a first page would make a client loop forever.

use hearth_wire::{ListOrder, ListQuery, ListResponse};
use rusqlite::types::Value;
use serde::de::DeserializeOwned;

use crate::error::{Result, StoreError};
use crate::store::Tx;

/// One page of a list: the wire envelope `{object:"list", data, first_id, last_id, has_more}`.
pub type Page<T> = ListResponse<T>;

/// What to list: the table, the columns that fix the parent (also where cursors are looked up),
/// and extra filters that narrow the page but not the cursor lookup.
pub(crate) struct Listing<'a> {
    /// Table with `id`, `created_at` and `body` (the wire JSON) columns.
    pub table: &'static str,
    /// `column = value` pairs naming the parent, e.g. `thread_id`.
    pub parent: Vec<(&'static str, Value)>,
    /// `column = value` pairs filtering the items, e.g. `run_id`.
    pub filter: Vec<(&'static str, Value)>,
    /// Page size; 20 when absent, clamped to `1..=max_limit`.
    pub limit: Option<u32>,
    /// Sort order; `desc` when absent.
    pub order: Option<&'a ListOrder>,
    /// Start after this id.
    pub after: Option<&'a str>,
    /// Stop before this id.
    pub before: Option<&'a str>,
    /// Largest page size accepted; larger limits are clamped to it.
    pub max_limit: u32,
}

impl<'a> Listing<'a> {
    /// A listing of `table` with the standard cursor query (limit 1–100).
    pub fn new(table: &'static str, query: &'a ListQuery) -> Self {
        Self {
            table,
            parent: Vec::new(),
            filter: Vec::new(),
            limit: query.limit,
            order: query.order.as_ref(),
            after: query.after.as_deref(),
            before: query.before.as_deref(),
            max_limit: ListQuery::MAX_LIMIT,
        }
    }

    /// Restricts the list (and its cursors) to one parent.
    pub fn parent(mut self, column: &'static str, value: &str) -> Self {
        self.parent.push((column, Value::Text(value.to_owned())));
        self
    }

    /// Narrows the items when `value` is given.
    pub fn filter(mut self, column: &'static str, value: Option<&str>) -> Self {
        if let Some(value) = value {
            self.filter.push((column, Value::Text(value.to_owned())));
        }
        self
    }

    /// Runs the listing and decodes each item's JSON.
    pub fn fetch<T: DeserializeOwned>(
        self,
        tx: &Tx<'_>,
        id_of: impl Fn(&T) -> &str,
    ) -> Result<Page<T>> {
        let limit = self
            .limit
            .unwrap_or(ListQuery::DEFAULT_LIMIT)
            .clamp(1, self.max_limit);
        // Unknown orders fall back to the default, newest first.
        let ascending = matches!(self.order, Some(ListOrder::Asc));

        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Value> = Vec::new();
        for (column, value) in self.parent.iter().chain(&self.filter) {
            clauses.push(format!("{column} = ?"));
            params.push(value.clone());
        }
        // `after` moves forward in the chosen order, `before` backward.
        let bounds = [
            ("after", self.after, ascending),
            ("before", self.before, !ascending),
        ];
        for (param, id, greater) in bounds {
            let Some(id) = id else { continue };
            let (created_at, rowid) = self.cursor_position(tx, param, id)?;
            let op = if greater { ">" } else { "<" };
            clauses.push(format!("(created_at, rowid) {op} (?, ?)"));
            params.push(Value::Integer(created_at));
            params.push(Value::Integer(rowid));
        }
        // With only `before`, walk backward from it and flip the page afterwards, so the page
        // holds the items nearest the cursor.
        let backward = self.before.is_some() && self.after.is_none();
        let walk_ascending = ascending != backward;
        let direction = if walk_ascending { "ASC" } else { "DESC" };
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!(
            "SELECT body FROM {table} {filter} ORDER BY created_at {direction}, rowid {direction} LIMIT ?",
            table = self.table
        );
        params.push(Value::Integer(i64::from(limit) + 1));

        let mut statement = tx.conn.prepare_cached(&sql)?;
        let bodies = statement
            .query_map(rusqlite::params_from_iter(params), |row| {
                row.get::<_, String>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let has_more = bodies.len() > limit as usize;
        let mut data = bodies
            .iter()
            .take(limit as usize)
            .map(|body| serde_json::from_str(body))
            .collect::<serde_json::Result<Vec<T>>>()?;
        if backward {
            data.reverse();
        }
        Ok(Page::new(data, has_more, id_of))
    }

    /// The `created_at` of the cursor item, looked up among the parent's items.
    fn cursor_position(&self, tx: &Tx<'_>, param: &'static str, id: &str) -> Result<(i64, i64)> {
        let mut sql = format!("SELECT created_at, rowid FROM {} WHERE id = ?", self.table);
        let mut params = vec![Value::Text(id.to_owned())];
        for (column, value) in &self.parent {
            sql.push_str(&format!(" AND {column} = ?"));
            params.push(value.clone());
        }
        let mut statement = tx.conn.prepare_cached(&sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        match rows.next()? {
            Some(row) => Ok((row.get(0)?, row.get(1)?)),
            None => Err(StoreError::UnknownCursor {
                param,
                id: id.to_owned(),
            }),
        }
    }
}
