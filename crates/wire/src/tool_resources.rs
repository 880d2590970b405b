//! `tool_resources`: files for code_interpreter and vector stores for file_search. Responses (and
//! modify requests) name existing vector stores; create requests may instead ask for one to be made
//! inline through the `vector_stores` helper.

use serde::{Deserialize, Serialize};

use crate::chunking::ChunkingStrategyRequest;
use crate::common::Metadata;
use crate::validate::{Checked, ValidationError, array_len, field, item, metadata_opt};

/// Most files code_interpreter may see.
pub const MAX_CODE_INTERPRETER_FILES: usize = 20;
/// Most vector stores file_search may use.
pub const MAX_VECTOR_STORES: usize = 1;

/// `tool_resources` as objects report it and modify requests set it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ToolResources {
    /// Files for code_interpreter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_interpreter: Option<CodeInterpreterResources>,
    /// Vector stores for file_search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_search: Option<FileSearchResources>,
}

/// `tool_resources.code_interpreter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeInterpreterResources {
    /// Up to 20 file ids.
    #[serde(default)]
    pub file_ids: Vec<String>,
}

/// `tool_resources.file_search` in its response form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchResources {
    /// At most one vector store id.
    #[serde(default)]
    pub vector_store_ids: Vec<String>,
}

/// `tool_resources` on create-assistant and create-thread requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ToolResourcesRequest {
    /// Files for code_interpreter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_interpreter: Option<CodeInterpreterResources>,
    /// Vector stores for file_search, existing or made inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_search: Option<FileSearchResourcesRequest>,
}

/// `tool_resources.file_search` on create requests: exactly one of the two fields.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchResourcesRequest {
    /// At most one existing vector store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_store_ids: Option<Vec<String>>,
    /// At most one vector store to create from these files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector_stores: Option<Vec<VectorStoreSeed>>,
}

/// A vector store to create inline and attach.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreSeed {
    /// Files to add to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_ids: Option<Vec<String>>,
    /// How to chunk them; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunking_strategy: Option<ChunkingStrategyRequest>,
    /// Metadata of the new store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

fn check_code_interpreter(at: &str, resources: Option<&CodeInterpreterResources>) -> Checked {
    resources.map_or(Ok(()), |ci| {
        array_len(
            &field(&field(at, "code_interpreter"), "file_ids"),
            ci.file_ids.len(),
            0,
            MAX_CODE_INTERPRETER_FILES,
        )
    })
}

impl ToolResources {
    /// Checks the counts, `at` being the path such as `tool_resources`.
    pub(crate) fn check(&self, at: &str) -> Checked {
        check_code_interpreter(at, self.code_interpreter.as_ref())?;
        if let Some(file_search) = &self.file_search {
            let param = field(&field(at, "file_search"), "vector_store_ids");
            array_len(
                &param,
                file_search.vector_store_ids.len(),
                0,
                MAX_VECTOR_STORES,
            )?;
        }
        Ok(())
    }
}

impl ToolResourcesRequest {
    /// Checks counts and the one-of rule, `at` being the path such as `tool_resources`.
    pub(crate) fn check(&self, at: &str) -> Checked {
        check_code_interpreter(at, self.code_interpreter.as_ref())?;
        let Some(file_search) = &self.file_search else {
            return Ok(());
        };
        let at = field(at, "file_search");
        match (&file_search.vector_store_ids, &file_search.vector_stores) {
            (Some(_), Some(_)) => Err(ValidationError::new(
                &at,
                "invalid_value",
                format!(
                    "Invalid '{at}': give either 'vector_store_ids' or 'vector_stores', not both."
                ),
            )),
            (None, None) => Err(ValidationError::new(
                &at,
                "missing_required_parameter",
                format!("Invalid '{at}': give one of 'vector_store_ids' or 'vector_stores'."),
            )),
            (Some(ids), None) => array_len(
                &field(&at, "vector_store_ids"),
                ids.len(),
                0,
                MAX_VECTOR_STORES,
            ),
            (None, Some(seeds)) => {
                let param = field(&at, "vector_stores");
                array_len(&param, seeds.len(), 0, MAX_VECTOR_STORES)?;
                seeds.iter().enumerate().try_for_each(|(index, seed)| {
                    let at = item(&param, index);
                    if let Some(strategy) = &seed.chunking_strategy {
                        strategy.check(&field(&at, "chunking_strategy"))?;
                    }
                    metadata_opt(&field(&at, "metadata"), seed.metadata.as_ref())
                })
            }
        }
    }
}

impl From<ToolResources> for ToolResourcesRequest {
    fn from(resources: ToolResources) -> Self {
        Self {
            code_interpreter: resources.code_interpreter,
            file_search: resources.file_search.map(|fs| FileSearchResourcesRequest {
                vector_store_ids: Some(fs.vector_store_ids),
                vector_stores: None,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_helper_form_needs_exactly_one_field() {
        let both: ToolResourcesRequest = serde_json::from_value(json!({
            "file_search": {"vector_store_ids": ["vs_1"], "vector_stores": [{"file_ids": ["file-1"]}]}
        }))
        .unwrap();
        let err = both.check("tool_resources").unwrap_err();
        assert_eq!(err.param, "tool_resources.file_search");
        assert_eq!(
            err.message,
            "Invalid 'tool_resources.file_search': give either 'vector_store_ids' or 'vector_stores', not both."
        );

        let seeded: ToolResourcesRequest = serde_json::from_value(json!({
            "code_interpreter": {"file_ids": []},
            "file_search": {"vector_stores": [{"file_ids": ["file-1"], "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 50, "chunk_overlap_tokens": 0}}}]}
        }))
        .unwrap();
        let err = seeded.check("tool_resources").unwrap_err();
        assert_eq!(
            err.param,
            "tool_resources.file_search.vector_stores[0].chunking_strategy.static.max_chunk_size_tokens"
        );
    }

    #[test]
    fn response_form_counts_are_bounded() {
        let resources = ToolResources {
            code_interpreter: Some(CodeInterpreterResources {
                file_ids: (0..21).map(|i| format!("file-{i}")).collect(),
            }),
            file_search: None,
        };
        let err = resources.check("tool_resources").unwrap_err();
        assert_eq!(err.param, "tool_resources.code_interpreter.file_ids");
        assert_eq!(
            err.message,
            "Invalid 'tool_resources.code_interpreter.file_ids': array too long. Expected an array with maximum length 20, but got an array with length 21 instead."
        );
    }
}
