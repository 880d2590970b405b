//! The redirect rule against two real servers on loopback: one redirects to the other, and the
//! second must never see the key.

use std::sync::{Arc, Mutex};

use hearth_http::same_origin_redirects;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Request heads a server received, lower-cased.
type Seen = Arc<Mutex<Vec<String>>>;

/// A server on loopback answering every request with `answer(path)` and recording its head.
async fn server(answer: impl Fn(&str) -> String + Send + Sync + 'static) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Seen::default();
    let record = seen.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let record = record.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let path = head.split(' ').nth(1).unwrap_or("/").to_owned();
                record.lock().unwrap().push(head);
                let _ = socket.write_all(answer(&path).as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, seen)
}

fn ok() -> String {
    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".to_owned()
}

fn redirect_to(location: &str) -> String {
    format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(same_origin_redirects())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_the_key_never_arrives() {
    let (other, other_seen) = server(|_| ok()).await;
    let target = format!("{other}/v1/messages");
    let (first, first_seen) = server(move |_| redirect_to(&target)).await;

    let result = client()
        .get(format!("{first}/v1/messages"))
        .header("x-api-key", "sk-ant-secret")
        .header("authorization", "Bearer sk-secret")
        .send()
        .await;

    let error = result.expect_err("a cross-origin redirect must fail the request");
    assert!(
        error.is_redirect(),
        "reqwest should report a redirect error: {error}"
    );
    let shown = std::error::Error::source(&error)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(
        shown.contains("another host"),
        "the error says why: {shown}"
    );
    assert_eq!(
        first_seen.lock().unwrap().len(),
        1,
        "the first server got the request"
    );
    assert!(
        first_seen.lock().unwrap()[0].contains("x-api-key: sk-ant-secret"),
        "the key went where it was meant to"
    );
    assert!(
        other_seen.lock().unwrap().is_empty(),
        "the other host must never be contacted, let alone see the key: {:?}",
        other_seen.lock().unwrap()
    );
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_key() {
    let (base, seen) = server(|path| {
        if path == "/old" {
            redirect_to("/new")
        } else {
            ok()
        }
    })
    .await;

    let response = client()
        .get(format!("{base}/old"))
        .header("x-api-key", "sk-ant-secret")
        .send()
        .await
        .expect("a same-origin redirect is followed");

    assert_eq!(response.status(), 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "both hops reached the same server");
    assert!(
        seen[1].starts_with("get /new") && seen[1].contains("x-api-key: sk-ant-secret"),
        "the second hop keeps the key within its origin: {}",
        seen[1]
    );
}

#[tokio::test]
async fn another_port_on_the_same_host_is_another_origin() {
    let (other, other_seen) = server(|_| ok()).await;
    let target = other.replace("127.0.0.1", "localhost");
    let (first, _) = server(move |_| redirect_to(&target)).await;

    let result = client()
        .get(format!("{first}/"))
        .header("x-api-key", "sk-ant-secret")
        .send()
        .await;

    assert!(
        result.is_err(),
        "a redirect to another port must be refused"
    );
    assert!(other_seen.lock().unwrap().is_empty());
}
