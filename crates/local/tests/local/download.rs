//! Downloads from a real HTTP server on loopback: resuming only what is safe to resume, the https
//! rule, free space, and what is left in the folder after each way a download can end.

use std::path::Path;

use axum::body::Bytes;
use hearth_local::{
    DownloadProgress, DownloadRequest, FreeSpace, LibraryError, add_model_within, download_model,
    list_models,
};
use tokio_util::sync::CancellationToken;

use crate::model_server::{Behaviour, ModelServer, Seen};

/// A valid GGUF file: one metadata entry and one F32 tensor of 64Ki values (256 KiB of data),
/// whose bytes depend on `seed`.
fn small_gguf(seed: u32) -> Bytes {
    let mut b = Vec::new();
    let string = |b: &mut Vec<u8>, s: &str| {
        b.extend_from_slice(&(s.len() as u64).to_le_bytes());
        b.extend_from_slice(s.as_bytes());
    };
    b.extend_from_slice(b"GGUF");
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    b.extend_from_slice(&1u64.to_le_bytes());
    string(&mut b, "general.architecture");
    b.extend_from_slice(&8u32.to_le_bytes());
    string(&mut b, "llama");
    string(&mut b, "weights");
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&65536u64.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(&0u64.to_le_bytes());
    while b.len() % 32 != 0 {
        b.push(0);
    }
    b.extend((0..65536u32 * 4).map(|i| ((i + seed) % 251) as u8));
    Bytes::from(b)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn request(url: &str, file: &[u8]) -> DownloadRequest {
    DownloadRequest {
        url: url.to_owned(),
        file_name: "small.gguf".into(),
        expected_size: Some(file.len() as u64),
        sha256: Some(sha256_hex(file)),
        ..DownloadRequest::default()
    }
}

/// A server with ranges and a strong ETag whose next answer breaks off after `cut` bytes.
fn resumable(file: &Bytes, cut: usize) -> Behaviour {
    Behaviour {
        file: file.clone(),
        etag: Some("\"v1\"".into()),
        ranges: true,
        cut_next_at: Some(cut),
        ..Behaviour::default()
    }
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The size of the one partial file in `dir`, which must have its record beside it.
fn kept_partial(dir: &Path) -> u64 {
    let names = names(dir);
    let parts: Vec<_> = names.iter().filter(|n| n.ends_with(".part")).collect();
    assert_eq!(parts.len(), 1, "one partial file should be kept: {names:?}");
    assert!(
        parts[0].starts_with("small.gguf.") && parts[0] != "small.gguf.part",
        "the partial file has a name of its own: {names:?}"
    );
    assert!(
        names.contains(&format!("{}.json", parts[0])),
        "its record is kept beside it: {names:?}"
    );
    std::fs::metadata(dir.join(parts[0])).unwrap().len()
}

fn range(from: u64, if_range: &str) -> Seen {
    Seen {
        range: Some(format!("bytes={from}-")),
        if_range: Some(if_range.to_owned()),
    }
}

const WHOLE: Seen = Seen {
    range: None,
    if_range: None,
};

#[tokio::test]
async fn an_interrupted_download_resumes_with_if_range_and_is_checked() {
    let file = small_gguf(0);
    let server = ModelServer::start(resumable(&file, 100_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&server.url, &file);
    let cancel = CancellationToken::new();

    let first = download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(first, LibraryError::Interrupted { kept: true, .. }),
        "a broken connection should fail the first attempt and keep what arrived: {first:?}"
    );
    assert!(first.to_string().contains("resumes"), "{first}");
    assert!(
        list_models(dir.path()).unwrap().is_empty(),
        "no half model is listed"
    );
    let kept = kept_partial(dir.path());
    assert!(kept > 0, "what arrived should be kept for the resume");

    let mut progress: Vec<DownloadProgress> = Vec::new();
    let model = download_model(dir.path(), &request, &cancel, |p| progress.push(p))
        .await
        .unwrap();
    assert_eq!(
        server.seen(),
        [WHOLE, range(kept, "\"v1\"")],
        "the second attempt should ask for the rest of the same version only"
    );
    assert_eq!(progress.first().unwrap().downloaded, kept);
    assert!(
        progress
            .windows(2)
            .all(|w| w[0].downloaded <= w[1].downloaded)
    );
    let last = progress.last().unwrap();
    assert_eq!(
        (last.downloaded, last.total),
        (file.len() as u64, Some(file.len() as u64))
    );
    assert_eq!(std::fs::read(&model.path).unwrap(), file.to_vec());
    assert_eq!(model.id, "small");
    assert_eq!(
        names(dir.path()),
        ["small.gguf"],
        "the partial file and its record are gone"
    );
}

#[tokio::test]
async fn last_modified_serves_as_the_validator_without_an_etag() {
    let file = small_gguf(0);
    let date = "Wed, 21 Oct 2026 07:28:00 GMT";
    let server = ModelServer::start(Behaviour {
        etag: Some("W/\"weak\"".into()),
        last_modified: Some(date.into()),
        ..resumable(&file, 50_000)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&server.url, &file);
    let cancel = CancellationToken::new();
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    let kept = kept_partial(dir.path());
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap();
    assert_eq!(server.seen(), [WHOLE, range(kept, date)]);
    assert_eq!(names(dir.path()), ["small.gguf"]);
}

#[tokio::test]
async fn a_file_changed_on_the_server_is_downloaded_again_not_spliced() {
    let old = small_gguf(0);
    let new = small_gguf(7);
    let server = ModelServer::start(resumable(&old, 100_000)).await;
    let dir = tempfile::tempdir().unwrap();
    // No size or digest to catch a splice: the resume rule alone must prevent it.
    let request = DownloadRequest {
        url: server.url.clone(),
        file_name: "small.gguf".into(),
        ..DownloadRequest::default()
    };
    let cancel = CancellationToken::new();
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    let kept = kept_partial(dir.path());

    server.change(|b| {
        b.file = new.clone();
        b.etag = Some("\"v2\"".into());
    });
    let model = download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap();
    assert_eq!(server.seen(), [WHOLE, range(kept, "\"v1\"")]);
    assert_eq!(
        std::fs::read(&model.path).unwrap(),
        new.to_vec(),
        "the new version, whole, and nothing of the old one"
    );
    assert_eq!(names(dir.path()), ["small.gguf"]);
}

#[tokio::test]
async fn a_server_that_ignores_ranges_gets_the_whole_file_written_from_zero() {
    let file = small_gguf(0);
    let server = ModelServer::start(resumable(&file, 100_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&server.url, &file);
    let cancel = CancellationToken::new();
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    let kept = kept_partial(dir.path());
    server.change(|b| b.ranges = false);
    let model = download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap();
    assert_eq!(server.seen(), [WHOLE, range(kept, "\"v1\"")]);
    assert_eq!(std::fs::read(&model.path).unwrap(), file.to_vec());
}

#[tokio::test]
async fn a_resume_answered_with_the_wrong_range_starts_over() {
    let file = small_gguf(0);
    let server = ModelServer::start(resumable(&file, 100_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let request = DownloadRequest {
        sha256: None,
        ..request(&server.url, &file)
    };
    let cancel = CancellationToken::new();
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    let kept = kept_partial(dir.path());
    server.change(|b| b.wrong_range = true);
    let model = download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap();
    assert_eq!(
        server.seen(),
        [WHOLE, range(kept, "\"v1\""), WHOLE],
        "a 206 from byte 0 for a resume from {kept} should be refused and the file asked for whole"
    );
    assert_eq!(std::fs::read(&model.path).unwrap(), file.to_vec());
    assert_eq!(names(dir.path()), ["small.gguf"]);
}

#[tokio::test]
async fn without_a_validator_nothing_is_kept_and_the_next_attempt_starts_over() {
    let file = small_gguf(0);
    let server = ModelServer::start(Behaviour {
        etag: None,
        ..resumable(&file, 100_000)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&server.url, &file);
    let cancel = CancellationToken::new();
    let error = download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::Interrupted { kept: false, .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("nothing was kept"), "{error}");
    assert!(
        names(dir.path()).is_empty(),
        "nothing is left: {:?}",
        names(dir.path())
    );
    download_model(dir.path(), &request, &cancel, |_| {})
        .await
        .unwrap();
    assert_eq!(server.seen(), [WHOLE, WHOLE]);
}

#[tokio::test]
async fn plain_http_is_refused_unless_allowed_and_redirects_obey_the_same_rule() {
    let dir = tempfile::tempdir().unwrap();
    let cancel = CancellationToken::new();
    let plain = DownloadRequest {
        url: "http://mirror.invalid/model.gguf".into(),
        file_name: "small.gguf".into(),
        ..DownloadRequest::default()
    };
    let refused = download_model(dir.path(), &plain, &cancel, |_| {})
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "download_insecure");
    assert!(
        refused
            .to_string()
            .contains("allow plain http for mirror.invalid"),
        "{refused}"
    );
    // Allowed for this host, it goes on to the network (where the name does not resolve).
    let allowed = DownloadRequest {
        allow_http: true,
        ..plain.clone()
    };
    let error = download_model(dir.path(), &allowed, &cancel, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), "download_failed", "{error}");

    // Loopback needs no permission; a redirect from it to plain http elsewhere is refused.
    let server = ModelServer::start(Behaviour::default()).await;
    let redirected = DownloadRequest {
        url: server.redirecting_url.clone(),
        ..plain
    };
    let error = download_model(dir.path(), &redirected, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("http://mirror.invalid is not encrypted"),
        "{error}"
    );
    let bad = DownloadRequest {
        url: "ftp://example.com/m.gguf".into(),
        ..allowed
    };
    let error = download_model(dir.path(), &bad, &cancel, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), "download_bad_url");
    assert!(names(dir.path()).is_empty());
}

#[tokio::test]
async fn a_download_larger_than_the_free_space_is_refused_before_it_starts() {
    let file = small_gguf(0);
    let server = ModelServer::start(Behaviour {
        file: file.clone(),
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = DownloadRequest {
        free_space: FreeSpace::Limit(100_000),
        ..request(&server.url, &file)
    };
    let error = download_model(dir.path(), &request, &CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::NoSpace { needed, available: 100_000, .. } if needed == file.len() as u64),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("not enough free space"),
        "{error}"
    );
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[tokio::test]
async fn a_disk_that_fills_during_the_download_stops_it_and_frees_the_room() {
    let file = small_gguf(0);
    // No length: the size is learnt only as bytes arrive.
    let server = ModelServer::start(Behaviour {
        file: file.clone(),
        etag: Some("\"v1\"".into()),
        no_length: true,
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = DownloadRequest {
        free_space: FreeSpace::Limit(100_000),
        expected_size: None,
        ..request(&server.url, &file)
    };
    let mut seen = 0;
    let error = download_model(dir.path(), &request, &CancellationToken::new(), |p| {
        seen = p.downloaded;
    })
    .await
    .unwrap_err();
    assert!(matches!(error, LibraryError::DiskFull { .. }), "{error:?}");
    assert!(error.to_string().contains("filled up"), "{error}");
    assert!(
        seen > 0 && seen <= 100_000,
        "it wrote up to the limit: {seen}"
    );
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[tokio::test]
async fn a_wrong_size_or_checksum_is_refused_and_nothing_is_kept() {
    let file = small_gguf(0);
    let server = ModelServer::start(Behaviour {
        file: file.clone(),
        etag: Some("\"v1\"".into()),
        ranges: true,
        ..Behaviour::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let dir = tempfile::tempdir().unwrap();
    let mut wrong_size = request(&server.url, &file);
    wrong_size.expected_size = Some(file.len() as u64 + 10);
    let error = download_model(dir.path(), &wrong_size, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::SizeMismatch { .. }),
        "{error}"
    );
    assert_eq!(error.code(), "download_corrupt");

    let mut wrong_digest = request(&server.url, &file);
    wrong_digest.sha256 = Some("0".repeat(64));
    let error = download_model(dir.path(), &wrong_digest, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::ChecksumMismatch { .. }),
        "{error}"
    );
    assert!(
        names(dir.path()).is_empty(),
        "neither the model nor a partial file or record should stay: {:?}",
        names(dir.path())
    );
}

#[tokio::test]
async fn a_cancelled_download_keeps_its_part_and_completes_later() {
    let file = small_gguf(0);
    let server = ModelServer::start(Behaviour {
        file: file.clone(),
        etag: Some("\"v1\"".into()),
        ranges: true,
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&server.url, &file);

    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let error = download_model(dir.path(), &request, &cancel, move |p| {
        if p.downloaded > 0 {
            stop.cancel();
        }
    })
    .await
    .unwrap_err();
    assert!(
        matches!(error, LibraryError::Cancelled { kept: true }),
        "{error}"
    );
    let kept = kept_partial(dir.path());

    let model = download_model(dir.path(), &request, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(server.seen()[1], range(kept, "\"v1\""));
    assert_eq!(std::fs::read(&model.path).unwrap(), file.to_vec());
    assert_eq!(names(dir.path()), ["small.gguf"]);
}

#[tokio::test]
async fn a_model_added_during_a_download_of_its_name_is_never_overwritten() {
    let downloaded = small_gguf(0);
    let added = small_gguf(3);
    let server = ModelServer::start(Behaviour {
        file: downloaded.clone(),
        etag: Some("\"v1\"".into()),
        ..Behaviour::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let chosen = tempfile::tempdir().unwrap();
    let source = chosen.path().join("small.gguf");
    std::fs::write(&source, &added).unwrap();

    let models = dir.path().to_owned();
    let mut copied = None;
    let error = download_model(
        dir.path(),
        &request(&server.url, &downloaded),
        &CancellationToken::new(),
        |p| {
            if p.downloaded > 0 && copied.is_none() {
                copied = Some(add_model_within(&models, &source, FreeSpace::OfDisk));
            }
        },
    )
    .await
    .unwrap_err();
    let copied = copied.expect("the copy ran during the download");
    assert_eq!(
        copied.unwrap().id,
        "small",
        "the copy had its own partial file"
    );
    assert!(matches!(error, LibraryError::Exists(_)), "{error:?}");
    assert_eq!(
        std::fs::read(dir.path().join("small.gguf")).unwrap(),
        added.to_vec(),
        "the added model stays as it was"
    );
    assert_eq!(names(dir.path()), ["small.gguf"], "nothing else is left");
}

#[test]
fn a_copy_that_does_not_fit_is_refused_and_leaves_nothing() {
    let chosen = tempfile::tempdir().unwrap();
    let source = chosen.path().join("small.gguf");
    std::fs::write(&source, small_gguf(0)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let error = add_model_within(dir.path(), &source, FreeSpace::Limit(1000)).unwrap_err();
    assert_eq!(error.code(), "download_no_space", "{error}");
    assert!(names(dir.path()).is_empty());
    add_model_within(dir.path(), &source, FreeSpace::OfDisk).unwrap();
    assert_eq!(names(dir.path()), ["small.gguf"]);
}
