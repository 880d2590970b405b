//! Streaming one wheel to a file while hashing it.

use std::path::Path;

use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::index::describe;
use crate::lock::hex;

/// Downloads `url` into `path` (created), calling `on_bytes` with each chunk's length. Returns the
/// file's SHA-256 as lowercase hex. `expected_size`, when known, must be met exactly.
pub(crate) async fn download(
    http: &reqwest::Client,
    url: &str,
    path: &Path,
    expected_size: Option<u64>,
    mut on_bytes: impl FnMut(u64),
) -> Result<String, String> {
    let response = http
        .get(url)
        .send()
        .await
        .map_err(|e| format!("asking {url}: {}", describe(&e)))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{url} answered {status}"));
    }
    let mut file = tokio::fs::File::create(path)
        .await
        .map_err(|e| format!("creating {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut received = 0u64;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            format!(
                "the connection broke after {received} bytes{}: {}",
                expected_size.map_or(String::new(), |size| format!(" of {size}")),
                describe(&e)
            )
        })?;
        hasher.update(&chunk);
        file.write_all(&chunk)
            .await
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
        received += chunk.len() as u64;
        on_bytes(chunk.len() as u64);
    }
    file.flush()
        .await
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    if let Some(size) = expected_size
        && received != size
    {
        return Err(format!(
            "the download ended after {received} bytes; the index lists {size}"
        ));
    }
    Ok(hex(&hasher.finalize()))
}
