//! Vector store search: the request with its attribute filters, and the result page.

use serde::{Deserialize, Serialize};

use crate::steps::TextTypeTag;
use crate::validate::{Validate, ValidationError, decimal_in, integer_in};
use crate::vector_store_files::Attributes;

literal!(
    /// `"object": "vector_store.search_results.page"`.
    SearchResultsPageTag = "vector_store.search_results.page"
);

/// Body of `POST /vector_stores/{vs}/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreSearchRequest {
    /// One query or several.
    pub query: SearchQuery,
    /// Let the server rewrite the query (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewrite_query: Option<bool>,
    /// How many results, 1–50 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_num_results: Option<u32>,
    /// Attribute filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<SearchFilter>,
    /// Ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking_options: Option<SearchRankingOptions>,
}

/// `query`: a string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum SearchQuery {
    /// One query.
    One(String),
    /// Several queries.
    Many(Vec<String>),
}

impl SearchQuery {
    /// The queries as a list, as the result page's `search_query` reports them.
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            SearchQuery::One(query) => vec![query.clone()],
            SearchQuery::Many(queries) => queries.clone(),
        }
    }
}

/// An attribute filter: a comparison or an `and`/`or` of filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum SearchFilter {
    /// `{type: eq|ne|gt|gte|lt|lte|in|nin, key, value}`
    Comparison(ComparisonFilter),
    /// `{type: and|or, filters}`
    Compound(CompoundFilter),
}

/// Compares one attribute with a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ComparisonFilter {
    /// The operator.
    #[serde(rename = "type")]
    pub op: ComparisonOp,
    /// The attribute.
    pub key: String,
    /// What to compare with.
    pub value: FilterValue,
}

/// Comparison operators. Closed on purpose: an unknown `type` must fall through to the compound
/// form when the filter is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ComparisonOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than.
    Gt,
    /// Greater or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less or equal.
    Lte,
    /// In a list.
    In,
    /// Not in a list.
    Nin,
}

/// The value side of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum FilterValue {
    /// A string.
    String(String),
    /// A number, kept exactly as sent.
    Number(serde_json::Number),
    /// A boolean.
    Bool(bool),
    /// A list for `in`/`nin`.
    List(Vec<FilterListItem>),
}

/// An element of a filter list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum FilterListItem {
    /// A string.
    String(String),
    /// A number.
    Number(serde_json::Number),
}

/// Combines filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompoundFilter {
    /// `and` or `or`.
    #[serde(rename = "type")]
    pub op: CompoundOp,
    /// The filters combined.
    pub filters: Vec<SearchFilter>,
}

/// Logical operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CompoundOp {
    /// All must match.
    And,
    /// Any may match.
    Or,
}

open_enum!(
    /// The search ranker.
    pub enum SearchRanker {
        /// No reranking.
        None => "none",
        /// Let the server choose (default).
        Auto => "auto",
        /// The ranker of 2024-11-15.
        Default20241115 => "default-2024-11-15",
    }
);

/// `ranking_options` of a search.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchRankingOptions {
    /// The ranker (default `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranker: Option<SearchRanker>,
    /// Drop results below this score, 0–1 (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_threshold: Option<f64>,
}

impl Validate for VectorStoreSearchRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(max) = self.max_num_results {
            integer_in("max_num_results", max.into(), 1, 50)?;
        }
        if let Some(threshold) = self
            .ranking_options
            .as_ref()
            .and_then(|r| r.score_threshold)
        {
            decimal_in("ranking_options.score_threshold", threshold, 0.0, 1.0)?;
        }
        Ok(())
    }
}

/// Answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreSearchResultsPage {
    /// Always `"vector_store.search_results.page"`.
    #[serde(default)]
    pub object: SearchResultsPageTag,
    /// The queries run.
    pub search_query: Vec<String>,
    /// The hits.
    pub data: Vec<SearchResultItem>,
    /// Whether more follows.
    pub has_more: bool,
    /// Cursor of the next page.
    pub next_page: Option<String>,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchResultItem {
    /// `file-…`
    pub file_id: String,
    /// Its name.
    pub filename: String,
    /// Relevance, 0–1.
    pub score: f64,
    /// The file's attributes.
    pub attributes: Option<Attributes>,
    /// Matched text.
    pub content: Vec<SearchResultContent>,
}

/// A piece of matched text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchResultContent {
    /// Always `"text"`.
    #[serde(rename = "type", default)]
    pub kind: TextTypeTag,
    /// The text.
    pub text: String,
}

/// Body of `POST /v1/files/{file_id}/passage_place`, a Hearth extension (not in the hosted API):
/// where in its file a passage a search returned sits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassagePlaceRequest {
    /// The passage, exactly as the search returned it.
    pub text: String,
}

/// Answer of `POST /v1/files/{file_id}/passage_place`: the page and heading of the passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassagePlaceResponse {
    /// The page it starts on, for paged formats, from 1.
    pub page: Option<u32>,
    /// The heading it sits under, where the format has headings.
    pub heading: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_nest_and_round_trip() {
        let filter = json!({"type": "and", "filters": [
            {"type": "eq", "key": "author", "value": "ann"},
            {"type": "or", "filters": [
                {"type": "gte", "key": "year", "value": 2020},
                {"type": "in", "key": "tag", "value": ["a", 1]}
            ]}
        ]});
        let parsed: SearchFilter = serde_json::from_value(filter.clone()).unwrap();
        let SearchFilter::Compound(compound) = &parsed else {
            panic!("`and` is a compound filter")
        };
        assert_eq!(compound.op, CompoundOp::And);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), filter);
    }

    #[test]
    fn query_is_a_string_or_a_list() {
        let request: VectorStoreSearchRequest =
            serde_json::from_value(json!({"query": ["a", "b"], "max_num_results": 51})).unwrap();
        assert_eq!(request.query.to_vec(), vec!["a", "b"]);
        assert_eq!(request.validate().unwrap_err().param, "max_num_results");
    }
}
