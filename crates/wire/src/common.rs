//! Shapes shared by every resource: metadata, list envelopes and queries, deleted-object answers and
//! the error envelope.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// Unix time in seconds, as every `*_at` field carries it.
pub type UnixTime = i64;

/// Caller-defined tags: at most 16 pairs, keys ≤ 64 and values ≤ 512 characters (see `validate`).
pub type Metadata = BTreeMap<String, String>;

/// Reads a field that may be absent, `null` or a value into `Option<Option<T>>`, which partial
/// updates need: absent leaves the stored value alone, `null` clears it.
pub(crate) fn patch<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

literal!(
    /// `"object": "list"`.
    ListTag = "list"
);

/// A cursor page: `{object:"list", data, first_id, last_id, has_more}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListResponse<T> {
    /// Always `"list"`.
    #[serde(default)]
    pub object: ListTag,
    /// The page's items in the requested order.
    pub data: Vec<T>,
    /// Id of `data[0]`; `null` when the page is empty (the schema has no value for that case).
    #[serde(default)]
    pub first_id: Option<String>,
    /// Id of the last item; `null` when the page is empty.
    #[serde(default)]
    pub last_id: Option<String>,
    /// Whether another page follows; always sent because node reads a missing value as `false`.
    #[serde(default)]
    pub has_more: bool,
}

impl<T> ListResponse<T> {
    /// Builds a page, taking `first_id`/`last_id` from the items.
    pub fn new(data: Vec<T>, has_more: bool, id_of: impl Fn(&T) -> &str) -> Self {
        let first_id = data.first().map(|item| id_of(item).to_owned());
        let last_id = data.last().map(|item| id_of(item).to_owned());
        Self {
            object: ListTag,
            data,
            first_id,
            last_id,
            has_more,
        }
    }
}

open_enum!(
    /// Sort order of a list by `created_at`.
    pub enum ListOrder {
        /// Oldest first.
        Asc => "asc",
        /// Newest first (the default).
        Desc => "desc",
    }
);

/// Query parameters of the cursor lists (`limit` 1–100, default 20): what a server reads from a
/// list request and what a client sends; unset ones are not sent, so the server's defaults apply.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListQuery {
    /// Page size, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Sort order, default `desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<ListOrder>,
    /// Return items after this id in the chosen order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Return items before this id in the chosen order (not supported by the files list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Parameters particular to one list, such as `run_id`, `filter`, `purpose` or `include[]`, sent
    /// by a client as they are. The cursor never reads them (a server takes the ones it knows
    /// apart), so they are not part of the serialized query either.
    #[serde(skip)]
    pub extra: Vec<(String, String)>,
}

impl ListQuery {
    /// Default page size when `limit` is absent.
    pub const DEFAULT_LIMIT: u32 = 20;
    /// Largest page size a cursor list accepts.
    pub const MAX_LIMIT: u32 = 100;

    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets the sort order.
    pub fn order(mut self, order: ListOrder) -> Self {
        self.order = Some(order);
        self
    }

    /// Starts after this id.
    pub fn after(mut self, id: impl Into<String>) -> Self {
        self.after = Some(id.into());
        self
    }

    /// Ends before this id.
    pub fn before(mut self, id: impl Into<String>) -> Self {
        self.before = Some(id.into());
        self
    }

    /// Adds a parameter particular to one list.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    /// The query string's pairs, in a fixed order and only for what is set.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        if let Some(limit) = self.limit {
            pairs.push(("limit".into(), limit.to_string()));
        }
        if let Some(order) = &self.order {
            pairs.push(("order".into(), order.as_str().to_owned()));
        }
        if let Some(after) = &self.after {
            pairs.push(("after".into(), after.clone()));
        }
        if let Some(before) = &self.before {
            pairs.push(("before".into(), before.clone()));
        }
        pairs.extend(self.extra.iter().cloned());
        pairs
    }
}

/// The answer to a DELETE: `{id, object: "<kind>.deleted", deleted}`; `Tag` fixes the `object`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeletedObject<Tag> {
    /// Id of the deleted object.
    pub id: String,
    /// The kind's constant, such as `assistant.deleted`.
    #[serde(default)]
    pub object: Tag,
    /// Whether it was deleted.
    pub deleted: bool,
}

impl<Tag: Default> DeletedObject<Tag> {
    /// A successful deletion of `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            object: Tag::default(),
            deleted: true,
        }
    }
}

/// The body of every error: `{message, type, param, code}`; `param` and `code` are always sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiError {
    /// Human-readable text.
    pub message: String,
    /// Error class such as `invalid_request_error` or `server_error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The offending request parameter, if one is to blame.
    #[serde(default)]
    pub param: Option<String>,
    /// A machine-readable code, if any.
    #[serde(default)]
    pub code: Option<String>,
}

impl ApiError {
    /// `type` of errors caused by the request.
    pub const INVALID_REQUEST: &'static str = "invalid_request_error";
    /// `type` of errors inside the server.
    pub const SERVER_ERROR: &'static str = "server_error";

    /// An `invalid_request_error` with the given text, parameter and code.
    pub fn invalid_request(
        message: impl Into<String>,
        param: Option<String>,
        code: Option<String>,
    ) -> Self {
        Self {
            message: message.into(),
            kind: Self::INVALID_REQUEST.to_owned(),
            param,
            code,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ApiError {}

/// The envelope of every non-2xx JSON response: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorResponse {
    /// The error itself.
    pub error: ApiError,
}

impl From<ApiError> for ErrorResponse {
    fn from(error: ApiError) -> Self {
        Self { error }
    }
}

/// Token counts of a run or run step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    /// Tokens produced.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub completion_tokens: u64,
    /// Tokens read.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub prompt_tokens: u64,
    /// Their sum.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub total_tokens: u64,
}

/// The five counters of a vector store's or a file batch's files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileCounts {
    /// Files still being processed.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub in_progress: u64,
    /// Files ready for search.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub completed: u64,
    /// Files that failed.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub failed: u64,
    /// Files whose processing was cancelled.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub cancelled: u64,
    /// All files.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub total: u64,
}

/// Converts an already-read JSON value into `T`, reporting failures as the outer deserializer's
/// error; the hand-written union impls use it after looking at the value's shape.
pub(crate) fn from_value<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}

/// Reads `null` as the type's default. Used where the schema says "string" but hosted examples
/// sent `null` (a run's `instructions`), so such answers still parse; output follows the schema.
pub(crate) fn null_as_default<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Deserialize<'de> + Default,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `true`, for fields whose absence means yes (`parallel_tool_calls`).
pub(crate) fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_pairs_in_order_and_only_when_set() {
        let q = ListQuery::default()
            .limit(2)
            .order(ListOrder::Asc)
            .after("msg_1")
            .param("run_id", "run_1");
        let pairs: Vec<_> = q
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        assert_eq!(
            pairs,
            ["limit=2", "order=asc", "after=msg_1", "run_id=run_1"]
        );
        assert!(
            ListQuery::default().pairs().is_empty(),
            "defaults must send nothing"
        );
    }
}
