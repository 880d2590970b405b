//! `tool_resources` as requests give them and as objects store them.

use hearth_wire::{FileSearchResources, ToolResources, ToolResourcesRequest};

use crate::error::{EngineError, EngineResult};

/// The stored form of a create request's `tool_resources`. Vector stores named by id are kept as
/// given; asking for a new one inline needs the vector store engine, which Hearth does not run yet,
/// so that is refused plainly rather than silently dropped.
pub(crate) fn resolve(
    request: Option<ToolResourcesRequest>,
) -> EngineResult<Option<ToolResources>> {
    let Some(request) = request else {
        return Ok(None);
    };
    let file_search = match request.file_search {
        None => None,
        Some(file_search) if file_search.vector_stores.is_some() => {
            return Err(EngineError::invalid(
                "Creating vector stores inline through 'vector_stores' is not supported yet; create the vector store first and pass its id in 'vector_store_ids'.",
                Some("tool_resources.file_search.vector_stores"),
            ));
        }
        Some(file_search) => Some(FileSearchResources {
            vector_store_ids: file_search.vector_store_ids.unwrap_or_default(),
        }),
    };
    Ok(Some(ToolResources {
        code_interpreter: request.code_interpreter,
        file_search,
    }))
}
