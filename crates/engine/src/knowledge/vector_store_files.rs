//! Files inside vector stores: attach (which starts indexing), retrieve, list, change attributes,
//! detach, and the parsed content.

use hearth_store::Tx;
use hearth_wire::{
    ChunkingStrategyRequest, CreateVectorStoreFileRequest, FileContentPageTag, FileContentPart,
    ListResponse, ListVectorStoreFilesQuery, UpdateVectorStoreFileAttributesRequest, Validate,
    VectorStoreFile, VectorStoreFileContent, VectorStoreFileDeleted, VectorStoreFileStatus,
    VectorStoreFileTag,
};

use super::counts::refresh_after_file_change;
use super::pipeline;
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

/// The hosted API's words for a file that is not in the store.
pub(crate) fn not_in_store(vector_store_id: &str, file_id: &str) -> EngineError {
    EngineError::NotFound(format!(
        "No file found with id '{file_id}' in vector store '{vector_store_id}'."
    ))
}

/// Attaches a file in an open transaction, `in_progress`; an already attached file is answered
/// as it is. Indexing is the caller's to start once the transaction commits.
pub(crate) fn attach(
    tx: &Tx<'_>,
    vector_store_id: &str,
    request: CreateVectorStoreFileRequest,
    batch_id: Option<&str>,
) -> EngineResult<VectorStoreFile> {
    if tx.get_file(&request.file_id)?.is_none() {
        return Err(super::files::no_such_file(&request.file_id));
    }
    if let Some(existing) = tx.get_vector_store_file(vector_store_id, &request.file_id)? {
        return Ok(existing);
    }
    let strategy = request
        .chunking_strategy
        .unwrap_or(ChunkingStrategyRequest::Auto);
    let file = VectorStoreFile {
        id: request.file_id,
        object: VectorStoreFileTag,
        usage_bytes: 0,
        created_at: now(),
        vector_store_id: vector_store_id.to_owned(),
        status: VectorStoreFileStatus::InProgress,
        last_error: None,
        chunking_strategy: Some(strategy.into()),
        attributes: Some(request.attributes.unwrap_or_default()),
    };
    tx.insert_vector_store_file(&file, batch_id)?;
    refresh_after_file_change(tx, vector_store_id, batch_id)?;
    Ok(file)
}

impl Engine {
    /// `POST /vector_stores/{vector_store_id}/files`
    pub(crate) fn create_vector_store_file_now(
        &self,
        vector_store_id: &str,
        request: CreateVectorStoreFileRequest,
    ) -> EngineResult<VectorStoreFile> {
        request.validate()?;
        self.usable_vector_store(vector_store_id)?;
        let file = self
            .store()
            .transaction(|tx| attach(tx, vector_store_id, request, None))?;
        if file.status == VectorStoreFileStatus::InProgress {
            self.start_indexing(vector_store_id, &file.id);
        }
        Ok(file)
    }

    /// `GET /vector_stores/{vector_store_id}/files/{file_id}`
    pub fn get_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> EngineResult<VectorStoreFile> {
        self.get_vector_store(vector_store_id)?;
        self.store()
            .get_vector_store_file(vector_store_id, file_id)?
            .ok_or_else(|| not_in_store(vector_store_id, file_id))
    }

    /// `GET /vector_stores/{vector_store_id}/files`
    pub fn list_vector_store_files(
        &self,
        vector_store_id: &str,
        query: &ListVectorStoreFilesQuery,
    ) -> EngineResult<ListResponse<VectorStoreFile>> {
        check_limit(query)?;
        self.get_vector_store(vector_store_id)?;
        Ok(self
            .store()
            .list_vector_store_files(vector_store_id, None, query)?)
    }

    /// `POST /vector_stores/{vector_store_id}/files/{file_id}`: replaces the attributes.
    pub fn update_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
        request: UpdateVectorStoreFileAttributesRequest,
    ) -> EngineResult<VectorStoreFile> {
        request.validate()?;
        let mut file = self.get_vector_store_file(vector_store_id, file_id)?;
        file.attributes = Some(request.attributes.unwrap_or_default());
        self.store().update_vector_store_file(&file)?;
        Ok(file)
    }

    /// `DELETE /vector_stores/{vector_store_id}/files/{file_id}`: detaches the file; the file
    /// itself stays.
    pub fn delete_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> EngineResult<VectorStoreFileDeleted> {
        self.get_vector_store(vector_store_id)?;
        if !self.detach_file(vector_store_id, file_id)? {
            return Err(not_in_store(vector_store_id, file_id));
        }
        Ok(VectorStoreFileDeleted::new(file_id))
    }

    /// Removes a file and its chunks from a vector store, whose counts and size follow; whether
    /// it was there. Indexing still under way notices and stops.
    pub(crate) fn detach_file(&self, vector_store_id: &str, file_id: &str) -> EngineResult<bool> {
        self.store().transaction(|tx| {
            let batch_id = tx.vector_store_file_batch_id(vector_store_id, file_id)?;
            pipeline::delete_file_chunks(tx, vector_store_id, file_id)?;
            if !tx.delete_vector_store_file(vector_store_id, file_id)? {
                return Ok(false);
            }
            refresh_after_file_change(tx, vector_store_id, batch_id.as_deref())?;
            Ok(true)
        })
    }

    /// `GET /vector_stores/{vector_store_id}/files/{file_id}/content`: the file's text as Hearth
    /// parsed it, one part per page or section.
    pub async fn vector_store_file_content(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> EngineResult<VectorStoreFileContent> {
        self.get_vector_store_file(vector_store_id, file_id)?;
        let (file, path) = self.file_content(file_id)?;
        let parts = tokio::task::spawn_blocking(move || {
            let bytes = std::fs::read(&path).map_err(|error| {
                EngineError::Internal(format!("Could not read '{}': {error}", file.filename))
            })?;
            pipeline::parsed_text(&file.filename, &bytes)
                .map_err(|error| EngineError::invalid(error.message, Some("file_id")))
        })
        .await
        .map_err(|error| EngineError::Internal(format!("Parsing stopped: {error}")))??;
        Ok(VectorStoreFileContent {
            object: FileContentPageTag,
            data: parts
                .into_iter()
                .map(|text| FileContentPart {
                    kind: "text".to_owned(),
                    text,
                })
                .collect(),
            has_more: false,
            next_page: None,
        })
    }
}

/// `limit` of the vector store file lists lies in 1–100.
pub(crate) fn check_limit(query: &ListVectorStoreFilesQuery) -> EngineResult<()> {
    crate::lists::check_query(&hearth_wire::ListQuery {
        limit: query.limit,
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unattached_files_are_named_with_their_store() {
        let error = not_in_store("vs_1", "file-2");
        assert_eq!(error.status(), 404);
        assert!(error.to_string().contains("file-2") && error.to_string().contains("vs_1"));
    }
}
