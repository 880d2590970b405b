//! Client benchmarks, run on demand (never part of `cargo test`):
//!
//!     cargo bench -p hearth-client --bench throughput            # 1 GiB upload
//!     cargo bench -p hearth-client --bench throughput -- 256M    # size: bytes, or K/M/G suffix
//!
//! Prints a table with:
//! - SSE parser throughput (events/s, MB/s) over a large synthetic run stream fed in 16 KiB chunks,
//!   for the bare parser and for parser + typed event decoding;
//! - peak resident memory (VmHWM from /proc/self/status) while uploading a sparse file of the given
//!   size to a loopback axum server that discards the body. Memory should stay flat: the file is read
//!   in 64 KiB chunks as it is sent, so the peak must not grow with the file size.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use futures_util::StreamExt;
use hearth_client::sse::{SseEvent, SseParser};
use hearth_client::{Client, Config, FileUpload, StreamEvent, decode_event};

const EVENTS: usize = 500_000;
const CHUNK: usize = 16 * 1024;

fn synthetic_stream() -> Vec<u8> {
    let mut out = String::new();
    for i in 0..EVENTS {
        if i % 1000 == 0 {
            out.push_str(": keep-alive\n\n");
        }
        out.push_str("event: thread.message.delta\n");
        out.push_str(&format!(
            "data: {{\"id\":\"msg_abc123\",\"object\":\"thread.message.delta\",\"delta\":{{\"content\":[{{\"index\":0,\"type\":\"text\",\"text\":{{\"value\":\"token {i} é\"}}}}]}}}}\n\n"
        ));
    }
    out.into_bytes()
}

fn parse_all(bytes: &[u8], decode: bool) -> usize {
    let mut parser = SseParser::new();
    let mut out: Vec<SseEvent> = Vec::with_capacity(1024);
    let mut count = 0;
    for chunk in bytes.chunks(CHUNK) {
        parser
            .feed(chunk, &mut out)
            .expect("synthetic events are small");
        for event in out.drain(..) {
            if decode {
                let typed = decode_event(&event).expect("synthetic events decode");
                assert!(
                    matches!(typed, StreamEvent::MessageDelta(_)),
                    "every synthetic event is a delta"
                );
            }
            count += 1;
        }
    }
    count
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn parse_size(arg: &str) -> u64 {
    let arg = arg.trim();
    let (digits, unit) = match arg.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => arg.split_at(i),
        None => (arg, ""),
    };
    let n: u64 = digits.parse().expect("size must start with a number");
    n * match unit
        .to_ascii_uppercase()
        .trim_end_matches("IB")
        .trim_end_matches('B')
    {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        other => panic!("unknown size unit {other:?}"),
    }
}

async fn discard_server() -> (String, Arc<AtomicU64>) {
    let received = Arc::new(AtomicU64::new(0));
    let counter = received.clone();
    let app = axum::Router::new().fallback(move |req: Request| {
        let counter = counter.clone();
        async move {
            let mut body = req.into_body().into_data_stream();
            let mut n = 0u64;
            while let Some(chunk) = body.next().await {
                n += chunk.expect("upload body").len() as u64;
            }
            counter.store(n, Ordering::Relaxed);
            let json = format!(
                r#"{{"id":"file-bench","object":"file","bytes":{n},"created_at":0,"filename":"big.bin","purpose":"assistants","status":"processed"}}"#
            );
            axum::response::Response::builder().header("content-type", "application/json").body(Body::from(json)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("bench server") });
    (format!("http://{addr}/v1"), received)
}

fn row(what: &str, value: String) {
    println!("| {what:<44} | {value:>22} |");
}

fn main() {
    let size = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or(1 << 30, |a| parse_size(&a));

    println!("| {:<44} | {:>22} |", "measure", "value");
    println!("|{}|{}|", "-".repeat(46), "-".repeat(24));

    // The upload runs first: VmHWM never goes down, so the SSE fixture (~85 MB) allocated
    // before it would hide the upload's peak.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.bin");
        std::fs::File::create(&path)
            .and_then(|f| f.set_len(size))
            .expect("sparse file");
        let (base_url, received) = discard_server().await;
        let client = Client::new(Config::new(base_url).max_retries(0)).expect("client");
        let last = Arc::new(AtomicU64::new(0));
        let progress = last.clone();
        let upload = FileUpload::new(&path, "assistants")
            .on_progress(move |sent, _| progress.store(sent, Ordering::Relaxed));

        let before = vm_hwm_kib();
        let start = Instant::now();
        let file = client.upload_file(&upload).await.expect("upload");
        let secs = start.elapsed().as_secs_f64();
        let after = vm_hwm_kib();

        assert_eq!(
            last.load(Ordering::Relaxed),
            size,
            "progress must reach the file size"
        );
        assert!(
            received.load(Ordering::Relaxed) > size,
            "the server must receive the whole multipart body"
        );
        assert!(
            file.bytes > size,
            "the server counts the whole multipart body"
        );
        row("upload size (MiB)", format!("{}", size >> 20));
        row(
            "upload throughput (MB/s)",
            format!("{:.0}", size as f64 / secs / 1e6),
        );
        row(
            "peak RSS before upload (MiB)",
            format!("{:.1}", before as f64 / 1024.0),
        );
        row(
            "peak RSS after upload (MiB)",
            format!("{:.1}", after as f64 / 1024.0),
        );
        row(
            "peak RSS growth during upload (MiB)",
            format!("{:.1}", after.saturating_sub(before) as f64 / 1024.0),
        );
    });

    let stream = synthetic_stream();
    for (label, decode) in [("SSE parser", false), ("SSE parser + typed decode", true)] {
        let start = Instant::now();
        let count = parse_all(&stream, decode);
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(count, EVENTS, "every synthetic event must be parsed");
        row(
            &format!("{label}: events/s"),
            format!("{:.0}", count as f64 / secs),
        );
        row(
            &format!("{label}: MB/s"),
            format!("{:.1}", stream.len() as f64 / secs / 1e6),
        );
    }
    drop(stream);
}
