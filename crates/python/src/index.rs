//! The package index the wheels come from, through its JSON API (`/pypi/<name>/<version>/json`,
//! or `/pypi/<name>/json` where an index or mirror serves only that).

use reqwest::{StatusCode, Url};
use serde::Deserialize;

/// The index PyPI's JSON API is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSource {
    base: String,
}

/// The public Python Package Index.
pub const DEFAULT_INDEX: &str = "https://pypi.org";

impl Default for PackageSource {
    fn default() -> Self {
        Self::new(DEFAULT_INDEX)
    }
}

impl PackageSource {
    /// An index at `base` (`https://pypi.org`, or a mirror serving the same JSON API).
    pub fn new(base: impl Into<String>) -> Self {
        let base = base.into().trim_end_matches('/').to_string();
        Self { base }
    }

    /// The index's base URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The files the index lists for `name` at `version`.
    pub(crate) async fn files(
        &self,
        http: &reqwest::Client,
        name: &str,
        version: &str,
    ) -> Result<Vec<IndexFile>, String> {
        let versioned = format!("{}/pypi/{name}/{version}/json", self.base);
        if let Some(body) = get_json(http, &versioned).await? {
            let release: Release = parse(&versioned, &body)?;
            return Ok(absolute(&versioned, release.urls));
        }
        // Some mirrors answer only the project's page, with every release in it.
        let project = format!("{}/pypi/{name}/json", self.base);
        let Some(body) = get_json(http, &project).await? else {
            return Err(format!(
                "the index has no package {name} ({project} answered 404)"
            ));
        };
        let mut project_page: Project = parse(&project, &body)?;
        let Some(files) = project_page.releases.remove(version) else {
            return Err(format!("the index has no version {version} of {name}"));
        };
        Ok(absolute(&project, files))
    }
}

/// One file of a release, as the JSON API lists it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IndexFile {
    pub filename: String,
    pub url: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub digests: Digests,
    #[serde(default)]
    pub yanked: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Digests {
    #[serde(default)]
    pub sha256: Option<String>,
}

#[derive(Deserialize)]
struct Release {
    urls: Vec<IndexFile>,
}

#[derive(Deserialize)]
struct Project {
    releases: std::collections::HashMap<String, Vec<IndexFile>>,
}

/// The body of `url`, `None` on 404.
async fn get_json(http: &reqwest::Client, url: &str) -> Result<Option<Vec<u8>>, String> {
    let response = http
        .get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| format!("asking {url}: {}", describe(&e)))?;
    let status = response.status();
    if status == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(format!("{url} answered {status}"));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("reading {url}: {}", describe(&e)))?;
    Ok(Some(body.to_vec()))
}

fn parse<T: serde::de::DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| {
        let start = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        format!("{url} did not answer the index's JSON ({e}); it began: {start}")
    })
}

/// Files' URLs made absolute against the page that listed them.
fn absolute(page: &str, mut files: Vec<IndexFile>) -> Vec<IndexFile> {
    if let Ok(base) = Url::parse(page) {
        for file in &mut files {
            if let Ok(url) = base.join(&file.url) {
                file.url = url.into();
            }
        }
    }
    files
}

/// The transport error and its causes on one line.
pub(crate) fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(err);
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}
