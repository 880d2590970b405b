//! Downloads from a real HTTP server on loopback that honours range requests.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use hearth_local::{DownloadProgress, DownloadRequest, LibraryError, download_model, list_models};
use tokio_util::sync::CancellationToken;

/// A valid GGUF file: one metadata entry and one F32 tensor of 64Ki values (256 KiB of data).
fn small_gguf() -> Vec<u8> {
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
    b.extend((0..65536u32 * 4).map(|i| (i % 251) as u8));
    b
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Clone)]
struct Served {
    file: Bytes,
    /// When set, the first answer breaks off after this many bytes.
    cut_first_at: Option<usize>,
    /// The Range header of every request, in order.
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

async fn serve_file(State(served): State<Served>, headers: HeaderMap) -> Response {
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let attempt = {
        let mut ranges = served.ranges.lock().unwrap();
        ranges.push(range.clone());
        ranges.len()
    };
    let len = served.file.len();
    let start = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let (status, from) = match start {
        Some(start) if start >= len => {
            return Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .body(Body::empty())
                .unwrap();
        }
        Some(start) => (StatusCode::PARTIAL_CONTENT, start),
        None => (StatusCode::OK, 0),
    };
    let rest = served.file.slice(from..);
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_LENGTH, rest.len())
        .header(header::ACCEPT_RANGES, "bytes");
    if status == StatusCode::PARTIAL_CONTENT {
        response = response.header(
            header::CONTENT_RANGE,
            format!("bytes {from}-{}/{len}", len - 1),
        );
    }
    let body = match served.cut_first_at {
        // Send part of the promised bytes, then fail: the client sees the connection break.
        Some(cut) if attempt == 1 => {
            use futures_util::StreamExt;
            let first = rest.slice(..cut);
            // The pause lets the headers and the first bytes reach the client before the break.
            let chunks = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                .chain(futures_util::stream::once(async {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    Err(std::io::Error::other("connection lost"))
                }));
            Body::from_stream(chunks)
        }
        _ => Body::from(rest),
    };
    response.body(body).unwrap()
}

async fn start(served: Served) -> String {
    let app = Router::new()
        .route("/model.gguf", get(serve_file))
        .with_state(served);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/model.gguf")
}

fn served(cut_first_at: Option<usize>) -> Served {
    Served {
        file: Bytes::from(small_gguf()),
        cut_first_at,
        ranges: Arc::default(),
    }
}

fn request(url: &str, file: &[u8]) -> DownloadRequest {
    DownloadRequest {
        url: url.to_owned(),
        file_name: "small.gguf".into(),
        expected_size: Some(file.len() as u64),
        sha256: Some(sha256_hex(file)),
    }
}

#[tokio::test]
async fn an_interrupted_download_resumes_where_it_stopped_and_is_checked() {
    let served = served(Some(100_000));
    let file = served.file.clone();
    let ranges = served.ranges.clone();
    let url = start(served).await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&url, &file);
    let cancel = CancellationToken::new();

    let first = download_model(dir.path(), &request, &cancel, |_| {}).await;
    assert!(
        matches!(first, Err(LibraryError::Download(_))),
        "a broken connection should fail the first attempt: {first:?}"
    );
    assert!(
        list_models(dir.path()).unwrap().is_empty(),
        "no half model is listed"
    );
    let kept = std::fs::metadata(dir.path().join("small.gguf.part"))
        .unwrap()
        .len();
    assert!(kept > 0, "what arrived should be kept for the resume");

    let mut progress: Vec<DownloadProgress> = Vec::new();
    let model = download_model(dir.path(), &request, &cancel, |p| progress.push(p))
        .await
        .unwrap();
    assert_eq!(
        ranges.lock().unwrap()[1].as_deref(),
        Some(format!("bytes={kept}-").as_str()),
        "the second attempt should ask only for the rest"
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
    assert!(!dir.path().join("small.gguf.part").exists());
    assert_eq!(list_models(dir.path()).unwrap().len(), 1);
}

#[tokio::test]
async fn a_wrong_size_or_checksum_is_refused_and_nothing_is_kept() {
    let served = served(None);
    let file = served.file.clone();
    let url = start(served).await;
    let cancel = CancellationToken::new();

    let dir = tempfile::tempdir().unwrap();
    let mut wrong_size = request(&url, &file);
    wrong_size.expected_size = Some(file.len() as u64 + 10);
    let error = download_model(dir.path(), &wrong_size, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::SizeMismatch { .. }),
        "{error}"
    );
    assert_eq!(error.code(), "download_corrupt");

    let mut wrong_digest = request(&url, &file);
    wrong_digest.sha256 = Some("0".repeat(64));
    let error = download_model(dir.path(), &wrong_digest, &cancel, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(error, LibraryError::ChecksumMismatch { .. }),
        "{error}"
    );

    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "neither the model nor its .part file should stay"
    );
}

#[tokio::test]
async fn a_cancelled_download_keeps_its_part_and_completes_later() {
    let served = served(None);
    let file = served.file.clone();
    let url = start(served).await;
    let dir = tempfile::tempdir().unwrap();
    let request = request(&url, &file);

    let cancel = CancellationToken::new();
    let stop = cancel.clone();
    let error = download_model(dir.path(), &request, &cancel, move |p| {
        if p.downloaded > 0 {
            stop.cancel();
        }
    })
    .await
    .unwrap_err();
    assert!(matches!(error, LibraryError::Cancelled), "{error}");
    assert!(dir.path().join("small.gguf.part").exists());

    let model = download_model(dir.path(), &request, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(&model.path).unwrap(), file.to_vec());
}
