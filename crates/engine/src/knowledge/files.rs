//! Files: uploads, their metadata, their bytes, and deletion (which detaches them from every
//! vector store).

use std::fmt::Display;
use std::path::PathBuf;

use bytes::Bytes;
use futures_util::Stream;
use hearth_store::new_id;
use hearth_wire::{
    ApiError, FileDeleted, FileObject, FilePurpose, FileStatus, FileTag, IdPrefix, ListFilesQuery,
    ListResponse, UploadFileParams, Validate,
};

use super::blobs::{ReceiveError, StagedUpload};
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

/// The hosted API's words for an unknown file.
pub(crate) fn no_such_file(file_id: &str) -> EngineError {
    EngineError::NotFound(format!("No such File object: {file_id}"))
}

/// The limit in the unit people think in.
fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / (1024.0 * 1024.0);
    if mb >= 1.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{bytes} bytes")
    }
}

impl Engine {
    /// The largest upload accepted, in bytes.
    pub fn upload_limit(&self) -> u64 {
        self.config().upload_limit
    }

    /// The 413 answered to an upload of `filename` past the limit.
    pub fn upload_too_large(&self, filename: &str) -> EngineError {
        let limit = self.upload_limit();
        EngineError::TooLarge(ApiError::invalid_request(
            format!(
                "File '{filename}' is too large: the largest file this server accepts is {} ({limit} bytes).",
                megabytes(limit)
            ),
            Some("file".to_owned()),
            Some("file_too_large".to_owned()),
        ))
    }

    /// The first half of `POST /files`: streams the bytes of `filename` to disk, hashing them,
    /// without holding them in memory. Nothing is listed until [`Engine::create_file`].
    pub async fn stage_upload<S, E>(&self, filename: &str, body: S) -> EngineResult<StagedUpload>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Display,
    {
        let blobs = self.blobs()?;
        let limit = self.upload_limit();
        blobs
            .receive(body, limit)
            .await
            .map_err(|error| match error {
                ReceiveError::TooLarge => self.upload_too_large(filename),
                ReceiveError::Body(reason) => EngineError::invalid(
                    format!("The upload of '{filename}' broke off: {reason}"),
                    Some("file"),
                ),
                ReceiveError::Io(reason) => EngineError::Internal(format!(
                    "Could not store the upload of '{filename}': {reason}"
                )),
            })
    }

    /// The second half of `POST /files`: makes staged bytes a file. Identical bytes are kept once.
    pub fn create_file(
        &self,
        staged: StagedUpload,
        filename: &str,
        params: UploadFileParams,
    ) -> EngineResult<FileObject> {
        params.validate()?;
        if filename.trim().is_empty() {
            return Err(EngineError::invalid(
                "The uploaded file has no name.",
                Some("file"),
            ));
        }
        let created_at = now();
        let file = FileObject {
            id: new_id(IdPrefix::File.as_str()),
            object: FileTag,
            bytes: staged.bytes(),
            created_at,
            expires_at: params
                .expires_after
                .map(|expiry| created_at + expiry.seconds as i64),
            filename: filename.to_owned(),
            purpose: params.purpose,
            status: FileStatus::Processed,
            status_details: None,
        };
        let blobs = self.blobs()?;
        let _guard = self.knowledge().lock_blobs();
        let path = blobs.keep(staged).map_err(|error| {
            EngineError::Internal(format!("Could not store '{filename}': {error}"))
        })?;
        if let Err(error) = self.store().insert_file(&file, &path) {
            blobs.release(self.store(), &path);
            return Err(error.into());
        }
        Ok(file)
    }

    /// A file Hearth makes itself (purpose `assistants_output`, which uploads may not use).
    pub async fn create_output_file<S, E>(
        &self,
        filename: &str,
        body: S,
    ) -> EngineResult<FileObject>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Display,
    {
        let staged = self.stage_upload(filename, body).await?;
        let created_at = now();
        let file = FileObject {
            id: new_id(IdPrefix::File.as_str()),
            object: FileTag,
            bytes: staged.bytes(),
            created_at,
            expires_at: None,
            filename: filename.to_owned(),
            purpose: FilePurpose::AssistantsOutput,
            status: FileStatus::Processed,
            status_details: None,
        };
        let blobs = self.blobs()?;
        let _guard = self.knowledge().lock_blobs();
        let path = blobs.keep(staged).map_err(|error| {
            EngineError::Internal(format!("Could not store '{filename}': {error}"))
        })?;
        self.store().insert_file(&file, &path)?;
        Ok(file)
    }

    /// `GET /files/{file_id}`
    pub fn get_file(&self, file_id: &str) -> EngineResult<FileObject> {
        self.store()
            .get_file(file_id)?
            .ok_or_else(|| no_such_file(file_id))
    }

    /// Where in file `file_id` the passage `text` (exactly as a search returned it) sits: its page
    /// and heading, both `None` when no chunk of the file has that text.
    pub fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> EngineResult<hearth_wire::PassagePlaceResponse> {
        self.get_file(file_id)?;
        let place = self.store().chunk_place(file_id, text)?;
        Ok(hearth_wire::PassagePlaceResponse {
            page: place.as_ref().and_then(|place| place.page),
            heading: place.and_then(|place| place.heading),
        })
    }

    /// `GET /files`
    pub fn list_files(&self, query: &ListFilesQuery) -> EngineResult<ListResponse<FileObject>> {
        if let Some(limit) = query.limit
            && !(1..=10_000).contains(&limit)
        {
            return Err(EngineError::invalid(
                format!(
                    "Invalid 'limit': integer out of range. Expected a value between 1 and 10000, but got {limit} instead."
                ),
                Some("limit"),
            ));
        }
        Ok(self.store().list_files(query)?)
    }

    /// `GET /files/{file_id}/content`: the file and where its bytes are, to be streamed.
    pub fn file_content(&self, file_id: &str) -> EngineResult<(FileObject, PathBuf)> {
        let file = self.get_file(file_id)?;
        let path = self
            .store()
            .file_path(file_id)?
            .ok_or_else(|| no_such_file(file_id))?;
        Ok((file, path))
    }

    /// `DELETE /files/{file_id}`: removes it from every vector store (their counts and sizes
    /// follow), then its bytes unless another file has the same ones.
    pub fn delete_file(&self, file_id: &str) -> EngineResult<FileDeleted> {
        let path = self.store().file_path(file_id)?;
        let Some(path) = path else {
            return Err(no_such_file(file_id));
        };
        let stores = self.store().vector_stores_of_file(file_id)?;
        for vector_store_id in &stores {
            self.detach_file(vector_store_id, file_id)?;
        }
        let _guard = self.knowledge().lock_blobs();
        if !self.store().delete_file(file_id)? {
            return Err(no_such_file(file_id));
        }
        if let Ok(blobs) = self.blobs() {
            blobs.release(self.store(), &path);
        }
        Ok(FileDeleted::new(file_id))
    }
}
