//! A package index on loopback serving PyPI's JSON API and wheels built here.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How the index serves a file.
#[derive(Clone)]
pub enum Served {
    Json(String),
    Bytes(Vec<u8>),
    /// Announces the whole length, sends this many bytes, then breaks the connection.
    CutAfter(Vec<u8>, usize),
    /// Announces the whole length, sends this many bytes, then nothing more, ever.
    StallAfter(Vec<u8>, usize),
}

/// A wheel as the index lists it.
pub struct Listed {
    pub filename: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Clone, Default)]
struct Routes(Arc<Mutex<HashMap<String, Served>>>);

/// The running index.
pub struct Index {
    pub base: String,
    routes: Routes,
}

impl Index {
    pub async fn start() -> Index {
        let routes = Routes::default();
        let app = Router::new().fallback(serve).with_state(routes.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Index { base, routes }
    }

    /// Lists `files` as the release `name` `version`: on the project page, and on the version's
    /// own page unless `project_page_only`. Each file is served as given.
    pub fn release(
        &self,
        name: &str,
        version: &str,
        files: &[(Listed, Served)],
        project_page_only: bool,
    ) {
        let urls: Vec<serde_json::Value> = files
            .iter()
            .map(|(listed, _)| {
                serde_json::json!({
                    "filename": listed.filename,
                    "url": format!("{}/files/{}", self.base, listed.filename),
                    "size": listed.size,
                    "digests": {"sha256": listed.sha256, "md5": "00"},
                    "packagetype": "bdist_wheel",
                    "yanked": false,
                })
            })
            .collect();
        let mut routes = self.routes.0.lock().unwrap();
        for (listed, served) in files {
            routes.insert(format!("/files/{}", listed.filename), served.clone());
        }
        if !project_page_only {
            let page =
                serde_json::json!({"info": {"name": name, "version": version}, "urls": urls});
            routes.insert(
                format!("/pypi/{name}/{version}/json"),
                Served::Json(page.to_string()),
            );
        }
        let page = serde_json::json!({
            "info": {"name": name, "version": "99.0"},
            "releases": {version: urls, "0.1": []},
            "urls": [],
        });
        routes.insert(format!("/pypi/{name}/json"), Served::Json(page.to_string()));
    }
}

async fn serve(State(routes): State<Routes>, uri: Uri) -> Response {
    let served = routes.0.lock().unwrap().get(uri.path()).cloned();
    match served {
        None => StatusCode::NOT_FOUND.into_response(),
        Some(Served::Json(text)) => {
            ([(header::CONTENT_TYPE, "application/json")], text).into_response()
        }
        Some(Served::Bytes(bytes)) => bytes.into_response(),
        Some(Served::CutAfter(bytes, at)) => {
            let total = bytes.len();
            use futures_util::StreamExt;
            let first: Result<Bytes, std::io::Error> = Ok(Bytes::from(bytes[..at].to_vec()));
            // The break comes a moment later, so the headers and the first part reach the client.
            let broken = futures_util::stream::once(async {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                Err(std::io::Error::other("the connection broke"))
            });
            let body = Body::from_stream(futures_util::stream::iter([first]).chain(broken));
            ([(header::CONTENT_LENGTH, total.to_string())], body).into_response()
        }
        Some(Served::StallAfter(bytes, at)) => {
            use futures_util::StreamExt;
            let total = bytes.len();
            let first: Result<Bytes, std::io::Error> = Ok(Bytes::from(bytes[..at].to_vec()));
            let body = Body::from_stream(
                futures_util::stream::iter([first]).chain(futures_util::stream::pending()),
            );
            ([(header::CONTENT_LENGTH, total.to_string())], body).into_response()
        }
    }
}

/// A py3-none-any wheel of `name` `version` holding `files` (path, contents) beside its
/// dist-info.
pub fn wheel(name: &str, version: &str, files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let dist = name.replace('-', "_");
    let filename = format!("{dist}-{version}-py3-none-any.whl");
    let info = format!("{dist}-{version}.dist-info");
    let metadata = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    let wheel_file =
        "Wheel-Version: 1.0\nGenerator: hearth-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
    let mut all: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_vec()))
        .collect();
    all.push((format!("{info}/METADATA"), metadata.into_bytes()));
    all.push((format!("{info}/WHEEL"), wheel_file.as_bytes().to_vec()));
    let record: String = all
        .iter()
        .map(|(p, _)| format!("{p},,\n"))
        .collect::<String>()
        + &format!("{info}/RECORD,,\n");
    all.push((format!("{info}/RECORD"), record.into_bytes()));

    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, contents) in &all {
        writer.start_file(path.as_str(), options).unwrap();
        writer.write_all(contents).unwrap();
    }
    (filename, writer.finish().unwrap().into_inner())
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The listing of wheel bytes under `filename`, as they are.
pub fn listed(filename: &str, bytes: &[u8]) -> Listed {
    Listed {
        filename: filename.to_string(),
        sha256: sha256(bytes),
        size: bytes.len() as u64,
    }
}

/// A lock line pinning `name==version` to `hashes`.
pub fn lock_line(name: &str, version: &str, hashes: &[&str]) -> String {
    let mut line = format!("{name}=={version}");
    for hash in hashes {
        line.push_str(&format!(" \\\n    --hash=sha256:{hash}"));
    }
    line.push('\n');
    line
}
