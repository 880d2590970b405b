//! Files: `/files`, with uploads streamed from disk and downloads streamed to disk.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::Method;
use reqwest::header::ACCEPT;
use reqwest::multipart::{Form, Part};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use crate::request::{Call, seg};
use crate::{Client, Error, FileDeleted, FileObject, ListQuery, Page};
use hearth_wire::{PassagePlaceRequest, PassagePlaceResponse};

/// Upload progress callback: `(bytes sent so far, total bytes)`. Called from the I/O task, so keep it quick.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Read size for uploads: large enough for throughput, small enough that memory stays flat.
const CHUNK: usize = 64 * 1024;

/// What to upload with [`Client::upload_file`].
#[derive(Clone)]
pub struct FileUpload {
    /// The file on disk; it is read while sending, never loaded whole.
    pub path: PathBuf,
    /// `assistants`, `batch`, `fine-tune`, `vision`, `user_data` or `evals`.
    pub purpose: String,
    /// Name sent in the part's `filename=`; defaults to the path's file name.
    pub file_name: Option<String>,
    /// Sent as `expires_after[anchor]=created_at` and `expires_after[seconds]`.
    pub expires_after_seconds: Option<u64>,
    /// Progress callback.
    pub progress: Option<Progress>,
}

impl fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileUpload")
            .field("path", &self.path)
            .field("purpose", &self.purpose)
            .field("file_name", &self.file_name)
            .field("expires_after_seconds", &self.expires_after_seconds)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl FileUpload {
    /// An upload of `path` for `purpose`.
    pub fn new(path: impl Into<PathBuf>, purpose: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            purpose: purpose.into(),
            file_name: None,
            expires_after_seconds: None,
            progress: None,
        }
    }

    /// Overrides the file name sent to the server.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Asks the server to expire the file this many seconds after creation (3600–2592000).
    pub fn expires_after(mut self, seconds: u64) -> Self {
        self.expires_after_seconds = Some(seconds);
        self
    }

    /// Reports progress to `callback`.
    pub fn on_progress(mut self, callback: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(callback));
        self
    }

    /// The multipart form, with the file part streaming from a freshly opened handle.
    fn form(&self, name: &str, total: u64) -> Result<Form, Error> {
        let io_err = |source| Error::Io {
            path: self.path.clone(),
            source,
        };
        // A fresh handle per attempt: a retry must resend the file from its start.
        let file = std::fs::File::open(&self.path).map_err(io_err)?;
        let reader = ReaderStream::with_capacity(tokio::fs::File::from_std(file), CHUNK);
        let progress = self.progress.clone();
        let mut sent = 0u64;
        let counted = reader.inspect(move |chunk| {
            if let (Ok(chunk), Some(progress)) = (chunk, &progress) {
                sent += chunk.len() as u64;
                progress(sent, total);
            }
        });
        let part = Part::stream_with_length(reqwest::Body::wrap_stream(counted), total)
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .map_err(|e| Error::Config(format!("upload content type: {e}")))?;
        let mut form = Form::new().text("purpose", self.purpose.clone());
        if let Some(seconds) = self.expires_after_seconds {
            form = form
                .text("expires_after[anchor]", "created_at")
                .text("expires_after[seconds]", seconds.to_string());
        }
        Ok(form.part("file", part))
    }
}

impl Client {
    /// `POST /files` (multipart), streaming the file from disk so memory use does not grow with its size.
    pub async fn upload_file(&self, upload: &FileUpload) -> Result<FileObject, Error> {
        let io_err = |source| Error::Io {
            path: upload.path.clone(),
            source,
        };
        let total = tokio::fs::metadata(&upload.path)
            .await
            .map_err(io_err)?
            .len();
        let name = match &upload.file_name {
            Some(name) => name.clone(),
            None => upload
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "upload".to_owned()),
        };
        let response = self
            .inner
            .policy
            .send(|| {
                let form = upload.form(&name, total)?;
                Ok(self
                    .builder(Method::POST, "/files", false)
                    .header(ACCEPT, "application/json")
                    .multipart(form))
            })
            .await?;
        crate::request::decode(response).await
    }

    /// `GET /files/{file_id}`.
    pub async fn retrieve_file(&self, file_id: &str) -> Result<FileObject, Error> {
        self.json(Call::get(format!("/files/{}", seg(file_id))))
            .await
    }

    /// `POST /files/{file_id}/passage_place`, hearth-server's own: the page and heading of a
    /// passage a search returned. Other servers answer 404.
    pub async fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> Result<PassagePlaceResponse, Error> {
        let request = PassagePlaceRequest {
            text: text.to_owned(),
        };
        self.json(Call::post(format!("/files/{}/passage_place", seg(file_id))).json(&request)?)
            .await
    }

    /// `DELETE /files/{file_id}` (also detaches it from vector stores).
    pub async fn delete_file(&self, file_id: &str) -> Result<FileDeleted, Error> {
        self.json(Call::delete(format!("/files/{}", seg(file_id))))
            .await
    }

    /// `GET /files`: one page (`purpose` filter via `query.param`; this list has no `before`).
    pub async fn list_files(&self, query: &ListQuery) -> Result<Page<FileObject>, Error> {
        self.page("/files".into(), false, query).await
    }

    /// `GET /files`: every file, page after page.
    pub fn all_files(
        &self,
        query: ListQuery,
    ) -> impl Stream<Item = Result<FileObject, Error>> + Send + 'static {
        self.paginate("/files".into(), false, query)
    }

    /// `GET /files/{file_id}/content` into memory; for large files use [`Client::download_file`].
    pub async fn file_content(&self, file_id: &str) -> Result<Bytes, Error> {
        let call = Call::get(format!("/files/{}/content", seg(file_id)));
        Ok(self
            .send(&call, "application/binary", false)
            .await?
            .bytes()
            .await?)
    }

    /// `GET /files/{file_id}/content` streamed to `dest`; returns the byte count. The body is written
    /// to a sibling temporary file and renamed at the end, so `dest` never holds a partial download.
    pub async fn download_file(&self, file_id: &str, dest: &Path) -> Result<u64, Error> {
        let call = Call::get(format!("/files/{}/content", seg(file_id)));
        let response = self.send(&call, "application/binary", false).await?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = dest.with_file_name(format!(".{name}.part"));
        let result = write_body(response, &partial).await;
        match result {
            Ok(written) => {
                tokio::fs::rename(&partial, dest)
                    .await
                    .map_err(|source| Error::Io {
                        path: dest.to_owned(),
                        source,
                    })?;
                Ok(written)
            }
            Err(err) => {
                // Best effort: the original error matters more than a failed clean-up.
                let _ = tokio::fs::remove_file(&partial).await;
                Err(err)
            }
        }
    }
}

async fn write_body(response: reqwest::Response, path: &Path) -> Result<u64, Error> {
    let io_err = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = tokio::fs::File::create(path).await.map_err(io_err)?;
    let mut body = response.bytes_stream();
    let mut written = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        file.write_all(&chunk).await.map_err(io_err)?;
        written += chunk.len() as u64;
    }
    file.flush().await.map_err(io_err)?;
    file.sync_all().await.map_err(io_err)?;
    Ok(written)
}
