//! Downloading a model into the models folder: https only (or http where allowed), resumable
//! only where safe, checked, cancellable, and never filling the disk.
//!
//! Bytes go to a partial file of their own (see [`partial`]). A cancelled or cut download keeps
//! it, with the server's validator (`ETag` or `Last-Modified`), when the server named one; the next
//! attempt from the same address asks for the rest with `Range` and `If-Range` and takes the
//! answer only if its `Content-Range` starts exactly where the file stops and names the same
//! size. Anything else starts over from zero. Any other failure deletes the partial file. Only a
//! file of the expected size and SHA-256 that reads as GGUF gets its final name, so a
//! half-downloaded model never appears in the library.

mod partial;
mod source;
pub(crate) mod space;

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{IF_RANGE, RANGE};
use reqwest::{Client, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use crate::library::{self, LibraryError, LocalModel};
use partial::{Partial, Record};
use source::{Source, Validator};
use space::{SpaceBudget, is_disk_full};

pub use source::host_needing_http_permission;
pub use space::{FreeSpace, SPACE_RESERVE};

/// What to download.
#[derive(Debug, Clone, Default)]
pub struct DownloadRequest {
    /// Where from: https, or http on loopback or where `allow_http` says.
    pub url: String,
    /// The file name in the models folder; must end in `.gguf`.
    pub file_name: String,
    /// The size in bytes, when known; checked before the file is kept.
    pub expected_size: Option<u64>,
    /// The SHA-256 as hex, when known; checked before the file is kept.
    pub sha256: Option<String>,
    /// Whether the person allowed plain http for the URL's host (loopback needs no permission).
    pub allow_http: bool,
    /// How much the download may write.
    pub free_space: FreeSpace,
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
/// and keeps what arrived for the next attempt when that attempt can resume safely.
pub async fn download_model(
    dir: &Path,
    request: &DownloadRequest,
    cancel: &CancellationToken,
    mut progress: impl FnMut(DownloadProgress) + Send,
) -> Result<LocalModel, LibraryError> {
    let target = library::file_in(dir, &request.file_name)?;
    let source = Source::check(&request.url, request.allow_http)?;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(LibraryError::io("creating", dir))?;
    let earlier = Partial::find(dir, &request.file_name, &request.url)?;
    if target.exists() {
        // A partial file for a name that is taken can never be used: dropped, it is deleted.
        drop(earlier);
        return Err(LibraryError::Exists(request.file_name.clone()));
    }
    let earlier = earlier.filter(|partial| {
        partial.resumable()
            && partial
                .len()
                .is_ok_and(|have| request.expected_size.is_none_or(|size| have <= size))
    });
    let http = client(&source)?;
    let started = start(&http, dir, request, earlier, cancel).await?;
    let Started {
        response,
        partial,
        mut have,
        total,
    } = started;
    let total = total.or(request.expected_size);
    let mut space = SpaceBudget::measure(dir, request.free_space);
    if let Err(refused) = space.check(total.map(|total| total.saturating_sub(have))) {
        // Nothing got worse: a partial file that can resume stays for when there is room.
        partial.keep();
        return Err(refused);
    }
    progress(DownloadProgress {
        downloaded: have,
        total,
    });
    if let Some(response) = response {
        let received = receive(response, &partial, &mut space, cancel, |downloaded| {
            progress(DownloadProgress { downloaded, total });
        })
        .await;
        have = match received {
            Ok(have) => have,
            Err(Stop::Resumable(reason)) => {
                let kept = partial.keep();
                return Err(reason.into_error(kept));
            }
            // The partial file is deleted as it is dropped.
            Err(Stop::Fatal(error)) => return Err(error),
        };
    }
    finish(partial, have, &target, request).await
}

fn client(source: &Source) -> Result<Client, LibraryError> {
    Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("hearth/", env!("CARGO_PKG_VERSION")))
        .redirect(source.redirect_policy())
        .build()
        .map_err(|e| LibraryError::Download(e.to_string()))
}

/// An answer whose body is to be written to `partial` after its first `have` bytes.
struct Started {
    /// `None` when the file was complete already.
    response: Option<Response>,
    partial: Partial,
    have: u64,
    total: Option<u64>,
}

/// Asks for the rest of `earlier` when there is one and the answer continues it exactly, or for
/// the whole file.
async fn start(
    http: &Client,
    dir: &Path,
    request: &DownloadRequest,
    earlier: Option<Partial>,
    cancel: &CancellationToken,
) -> Result<Started, LibraryError> {
    let Some(mut partial) = earlier else {
        return start_over(http, dir, request, None, cancel).await;
    };
    let have = partial.len()?;
    let validator = partial
        .record
        .validator
        .if_range()
        .unwrap_or_default()
        .to_owned();
    let get = http
        .get(&request.url)
        .header(RANGE, format!("bytes={have}-"))
        .header(IF_RANGE, validator);
    let sent = tokio::select! {
        () = cancel.cancelled() => {
            let kept = partial.keep();
            return Err(LibraryError::Cancelled { kept });
        }
        sent = get.send() => sent,
    };
    let response = match sent {
        Ok(response) => response,
        Err(error) => {
            let kept = partial.keep();
            return Err(Resumable::Cut(describe(&error)).into_error(kept));
        }
    };
    let status = response.status().as_u16();
    let known_total = partial.record.total.or(request.expected_size);
    match status {
        206 => {
            if let Some(total) = source::continues_at(response.headers(), have, known_total) {
                return Ok(Started {
                    response: Some(response),
                    partial,
                    have,
                    total: Some(total),
                });
            }
            log::warn!(
                "{} answered a resume of {} with another range; starting over",
                request.url,
                request.file_name
            );
        }
        // The file changed (If-Range did not match) or the server ignores ranges.
        200 => {
            partial.restart(record_of(request, &response))?;
            let total = response.content_length();
            return Ok(Started {
                response: Some(response),
                partial,
                have: 0,
                total,
            });
        }
        // The range starts at the end: the last attempt had everything.
        416 if source::unsatisfied_size(response.headers()) == Some(have) => {
            return Ok(Started {
                response: None,
                partial,
                have,
                total: Some(have),
            });
        }
        _ if response.status().is_server_error() => {
            let kept = partial.keep();
            return Err(Resumable::Cut(format!("the server answered {status}")).into_error(kept));
        }
        _ => {}
    }
    drop(response);
    start_over(http, dir, request, Some(partial), cancel).await
}

/// Asks for the whole file, writing it to `partial` (emptied) or to a new partial file.
async fn start_over(
    http: &Client,
    dir: &Path,
    request: &DownloadRequest,
    partial: Option<Partial>,
    cancel: &CancellationToken,
) -> Result<Started, LibraryError> {
    // A partial file passed in could not be resumed: it is deleted if this fails.
    let response = tokio::select! {
        () = cancel.cancelled() => return Err(LibraryError::Cancelled { kept: false }),
        sent = http.get(&request.url).send() => sent.map_err(|e| LibraryError::Download(describe(&e)))?,
    };
    let status = response.status();
    if status.as_u16() != 200 {
        return Err(LibraryError::Download(format!(
            "the server answered {status} for {}",
            request.url
        )));
    }
    let record = record_of(request, &response);
    let partial = match partial {
        Some(mut partial) => {
            partial.restart(record)?;
            partial
        }
        None => Partial::create(dir, record)?,
    };
    let total = response.content_length();
    Ok(Started {
        response: Some(response),
        partial,
        have: 0,
        total,
    })
}

fn record_of(request: &DownloadRequest, response: &Response) -> Record {
    Record {
        file_name: request.file_name.clone(),
        url: request.url.clone(),
        validator: Validator::of(response.headers()),
        total: response.content_length(),
    }
}

/// Why receiving stopped.
enum Stop {
    /// The partial file may be kept for a resume.
    Resumable(Resumable),
    /// The partial file is deleted.
    Fatal(LibraryError),
}

/// A stop after which what arrived is still good.
enum Resumable {
    Cancelled,
    Cut(String),
}

impl Resumable {
    fn into_error(self, kept: bool) -> LibraryError {
        match self {
            Resumable::Cancelled => LibraryError::Cancelled { kept },
            Resumable::Cut(reason) => LibraryError::Interrupted { reason, kept },
        }
    }
}

/// Writes the body of `response` to `partial`, starting with `have` bytes there, and returns the
/// bytes there at the end.
async fn receive(
    response: Response,
    partial: &Partial,
    space: &mut SpaceBudget,
    cancel: &CancellationToken,
    mut progress: impl FnMut(u64) + Send,
) -> Result<u64, Stop> {
    let path = partial.path().to_owned();
    let mut have = partial.len().map_err(Stop::Fatal)?;
    let mut file = partial.writer().map_err(Stop::Fatal)?;
    let mut written = 0u64;
    let write_error = |error: std::io::Error, space: &SpaceBudget, written: u64| {
        if is_disk_full(&error) {
            Stop::Fatal(space.filled(written))
        } else {
            Stop::Fatal(LibraryError::io("writing", &path)(error))
        }
    };
    let mut body = response.bytes_stream();
    loop {
        // Biased: a cancel wins over data that is already waiting.
        let chunk = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                file.flush().await.map_err(|e| write_error(e, space, written))?;
                return Err(Stop::Resumable(Resumable::Cancelled));
            }
            chunk = body.next() => chunk,
        };
        let Some(chunk) = chunk else { break };
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(error) => {
                file.flush()
                    .await
                    .map_err(|e| write_error(e, space, written))?;
                return Err(Stop::Resumable(Resumable::Cut(describe(&error))));
            }
        };
        space
            .take(chunk.len() as u64, written)
            .map_err(Stop::Fatal)?;
        file.write_all(&chunk)
            .await
            .map_err(|e| write_error(e, space, written))?;
        have += chunk.len() as u64;
        written += chunk.len() as u64;
        progress(have);
    }
    file.sync_all()
        .await
        .map_err(|e| write_error(e, space, written))?;
    Ok(have)
}

/// Checks the finished partial file and gives it its final name; a wrong file is deleted, since
/// resuming it can never make it right.
async fn finish(
    partial: Partial,
    have: u64,
    target: &Path,
    request: &DownloadRequest,
) -> Result<LocalModel, LibraryError> {
    debug_assert_eq!(partial.len().ok(), Some(have));
    partial.unlock()?;
    let checked = partial.path().to_owned();
    let request_copy = request.clone();
    tokio::task::spawn_blocking(move || check(&checked, &request_copy))
        .await
        .map_err(|e| LibraryError::Download(e.to_string()))??;
    let target_copy = target.to_owned();
    tokio::task::spawn_blocking(move || partial.finish(&target_copy))
        .await
        .map_err(|e| LibraryError::Download(e.to_string()))??;
    Ok(library::describe(target))
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
