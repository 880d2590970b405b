//! Downloading a model into the models folder: resumable, checked, cancellable.
//!
//! Bytes go to `<name>.gguf.part`; an interrupted or cancelled download resumes from there with an
//! HTTP range request. Only a file of the expected size and SHA-256 that reads as GGUF is renamed
//! to its final name, so a half-downloaded model never appears in the library.

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::library::{self, LibraryError, LocalModel};

/// What to download.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    /// Where from (http or https).
    pub url: String,
    /// The file name in the models folder; must end in `.gguf`.
    pub file_name: String,
    /// The size in bytes, when known; checked before the file is kept.
    pub expected_size: Option<u64>,
    /// The SHA-256 as hex, when known; checked before the file is kept.
    pub sha256: Option<String>,
}

/// How far a download is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DownloadProgress {
    /// Bytes on disk so far, including those of an earlier attempt.
    pub downloaded: u64,
    /// The whole size, when the server or the request says.
    pub total: Option<u64>,
}

/// Downloads `request` into `dir`, calling `progress` as bytes arrive. Cancelling `cancel` stops it
/// and keeps what arrived for the next attempt.
pub async fn download_model(
    dir: &Path,
    request: &DownloadRequest,
    cancel: &CancellationToken,
    mut progress: impl FnMut(DownloadProgress) + Send,
) -> Result<LocalModel, LibraryError> {
    let target = library::file_in(dir, &request.file_name)?;
    if target.exists() {
        return Err(LibraryError::Exists(request.file_name.clone()));
    }
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(LibraryError::io("creating", dir))?;
    let partial = library::part_path(&target);
    let mut have = tokio::fs::metadata(&partial).await.map_or(0, |m| m.len());
    if request.expected_size.is_some_and(|size| have > size) {
        have = 0;
    }

    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("hearth/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| LibraryError::Download(e.to_string()))?;
    let mut get = http.get(&request.url);
    if have > 0 {
        get = get.header(reqwest::header::RANGE, format!("bytes={have}-"));
    }
    let response = tokio::select! {
        () = cancel.cancelled() => return Err(LibraryError::Cancelled),
        response = get.send() => response.map_err(|e| LibraryError::Download(describe(&e)))?,
    };
    let status = response.status();
    let total = match status.as_u16() {
        // The server continues where the last attempt stopped.
        206 => response.content_length().map(|rest| have + rest),
        // The server ignores ranges (or there was nothing yet): start over.
        200 => {
            have = 0;
            response.content_length()
        }
        // The range starts at the end: the last attempt had everything.
        416 if have > 0 => Some(have),
        _ => {
            return Err(LibraryError::Download(format!(
                "the server answered {status} for {}",
                request.url
            )));
        }
    }
    .or(request.expected_size);

    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(have == 0)
        .append(have > 0)
        .open(&partial)
        .await
        .map_err(LibraryError::io("opening", &partial))?;
    progress(DownloadProgress {
        downloaded: have,
        total,
    });
    if status.as_u16() != 416 {
        let mut body = response.bytes_stream();
        loop {
            // Biased: a cancel wins over data that is already waiting.
            let chunk = tokio::select! {
                biased;
                () = cancel.cancelled() => {
                    file.flush().await.map_err(LibraryError::io("writing", &partial))?;
                    return Err(LibraryError::Cancelled);
                }
                chunk = body.next() => chunk,
            };
            let Some(chunk) = chunk else { break };
            let chunk = chunk.map_err(|e| LibraryError::Download(describe(&e)))?;
            file.write_all(&chunk)
                .await
                .map_err(LibraryError::io("writing", &partial))?;
            have += chunk.len() as u64;
            progress(DownloadProgress {
                downloaded: have,
                total,
            });
        }
    }
    file.sync_all()
        .await
        .map_err(LibraryError::io("writing", &partial))?;
    drop(file);

    let checked = partial.clone();
    let request = request.clone();
    tokio::task::spawn_blocking(move || verify(&checked, &request))
        .await
        .map_err(|e| LibraryError::Download(e.to_string()))??;
    tokio::fs::rename(&partial, &target)
        .await
        .map_err(LibraryError::io("renaming", &partial))?;
    Ok(library::describe(&target))
}

/// Checks size, digest and format of the finished `.part` file; deletes it when it is wrong, since
/// resuming a wrong file can never make it right.
fn verify(partial: &Path, request: &DownloadRequest) -> Result<(), LibraryError> {
    let result = check(partial, request);
    if result.is_err() {
        let _ = std::fs::remove_file(partial);
    }
    result
}

fn check(partial: &Path, request: &DownloadRequest) -> Result<(), LibraryError> {
    let actual = std::fs::metadata(partial)
        .map_err(LibraryError::io("reading", partial))?
        .len();
    if let Some(expected) = request.expected_size
        && actual != expected
    {
        return Err(LibraryError::SizeMismatch { expected, actual });
    }
    if let Some(expected) = &request.sha256 {
        let actual = sha256_file(partial)?;
        if !actual.eq_ignore_ascii_case(expected.trim()) {
            return Err(LibraryError::ChecksumMismatch {
                expected: expected.clone(),
                actual,
            });
        }
    }
    crate::gguf::read_header(partial).map_err(|source| LibraryError::NotAModel {
        path: request.url.clone().into(),
        source,
    })?;
    Ok(())
}

/// The SHA-256 of the file at `path`, as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, LibraryError> {
    let mut file = std::fs::File::open(path).map_err(LibraryError::io("reading", path))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(LibraryError::io("reading", path))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The transport error and its causes on one line.
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}
