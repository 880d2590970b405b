//! Where a download comes from: which addresses may be fetched (https, or plain http where the
//! person allowed it) and what a server's answer says about resuming.

use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::{CONTENT_RANGE, ETAG, HeaderMap, LAST_MODIFIED};
use serde::{Deserialize, Serialize};

use crate::library::LibraryError;

/// How many redirects a download follows before it gives up.
const MAX_REDIRECTS: usize = 10;

/// The address of a download, checked: https, or http on loopback or on the one host the person
/// allowed it for.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) url: Url,
    /// The host plain http is allowed for, when the person allowed it.
    http_host: Option<String>,
}

impl Source {
    /// Checks `url` against the rule; `allow_http` allows plain http for its host only.
    pub(crate) fn check(url: &str, allow_http: bool) -> Result<Source, LibraryError> {
        let parsed = Url::parse(url.trim())
            .map_err(|e| LibraryError::BadUrl(format!("{url:?} is not a web address ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(LibraryError::BadUrl(format!(
                "{url:?} is not an http:// or https:// address"
            )));
        }
        let http_host = allow_http.then(|| host_of(&parsed));
        let source = Source {
            url: parsed,
            http_host,
        };
        source.allows(&source.url)?;
        Ok(source)
    }

    /// Whether `url` (the address itself or one it redirects to) may be fetched.
    pub(crate) fn allows(&self, url: &Url) -> Result<(), LibraryError> {
        match url.scheme() {
            "https" => Ok(()),
            "http" if is_loopback(url) || self.http_host.as_deref() == Some(&host_of(url)) => {
                Ok(())
            }
            "http" => Err(LibraryError::InsecureUrl(host_of(url))),
            other => Err(LibraryError::BadUrl(format!(
                "the download was sent on to a {other}: address, which cannot be fetched"
            ))),
        }
    }

    /// Follows redirects only to addresses the same rule allows, so an https download cannot be
    /// sent on to plain http.
    pub(crate) fn redirect_policy(&self) -> reqwest::redirect::Policy {
        let source = self.clone();
        reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            match source.allows(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(refused) => attempt.error(refused.to_string()),
            }
        })
    }
}

/// The host of a plain http address that needs the person's permission (not loopback); `None`
/// for https, loopback and addresses that do not parse.
pub fn host_needing_http_permission(url: &str) -> Option<String> {
    let url = Url::parse(url.trim()).ok()?;
    (url.scheme() == "http" && url.host_str().is_some() && !is_loopback(&url))
        .then(|| host_of(&url))
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

/// 127.0.0.0/8, ::1 and `localhost`: plain http there never leaves the computer.
fn is_loopback(url: &Url) -> bool {
    let host = host_of(url);
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// What identifies one version of the file on the server, recorded when a download starts so a
/// resume can ask for "the rest of that same file" (`If-Range`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Validator {
    /// A strong `ETag` (weak ones cannot be used in `If-Range`).
    pub(crate) etag: Option<String>,
    /// `Last-Modified`, used when there is no strong `ETag`.
    pub(crate) last_modified: Option<String>,
}

impl Validator {
    /// The validator of a response.
    pub(crate) fn of(headers: &HeaderMap) -> Validator {
        let text = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Validator {
            etag: text(ETAG).filter(|tag| !tag.starts_with("W/")),
            last_modified: text(LAST_MODIFIED),
        }
    }

    /// The value of `If-Range`, when there is anything to send.
    pub(crate) fn if_range(&self) -> Option<&str> {
        self.etag.as_deref().or(self.last_modified.as_deref())
    }
}

/// The `Content-Range` of a 206 answer, checked to continue exactly at `have` bytes of a file of
/// `total` bytes (when the total was known before). Returns the whole size.
pub(crate) fn continues_at(headers: &HeaderMap, have: u64, total: Option<u64>) -> Option<u64> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    let (range, size) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    let (first, last): (u64, u64) = (first.parse().ok()?, last.parse().ok()?);
    let size: u64 = size.parse().ok()?;
    let whole = first == have && last.checked_add(1) == Some(size) && last >= first;
    (whole && total.is_none_or(|total| total == size)).then_some(size)
}

/// The size a 416 answer names (`Content-Range: bytes */size`).
pub(crate) fn unsatisfied_size(headers: &HeaderMap) -> Option<u64> {
    let value = headers.get(CONTENT_RANGE)?.to_str().ok()?;
    value.trim().strip_prefix("bytes */")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_RANGE, value.parse().unwrap());
        headers
    }

    #[test]
    fn only_https_or_allowed_http_is_fetched() {
        assert!(Source::check("https://example.com/m.gguf", false).is_ok());
        for loopback in [
            "http://127.0.0.1:8080/m.gguf",
            "http://localhost/m.gguf",
            "http://[::1]:9/m.gguf",
        ] {
            assert!(Source::check(loopback, false).is_ok(), "{loopback}");
        }
        let refused = Source::check("http://mirror.example/m.gguf", false).unwrap_err();
        assert_eq!(refused.code(), "download_insecure");
        assert!(refused.to_string().contains("mirror.example"), "{refused}");
        let allowed = Source::check("http://Mirror.example/m.gguf", true).unwrap();
        assert!(
            allowed
                .allows(&Url::parse("http://other.example/m.gguf").unwrap())
                .is_err(),
            "allowing one host allows no other"
        );
        for bad in [
            "ftp://example.com/m.gguf",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                Source::check(bad, true).unwrap_err().code(),
                "download_bad_url"
            );
        }
    }

    #[test]
    fn a_resumed_range_must_start_where_the_file_stops_and_match_its_size() {
        assert_eq!(
            continues_at(&range("bytes 100-999/1000"), 100, None),
            Some(1000)
        );
        assert_eq!(
            continues_at(&range("bytes 100-999/1000"), 100, Some(1000)),
            Some(1000)
        );
        assert_eq!(continues_at(&range("bytes 0-999/1000"), 100, None), None);
        assert_eq!(continues_at(&range("bytes 100-499/1000"), 100, None), None);
        assert_eq!(
            continues_at(&range("bytes 100-999/1000"), 100, Some(2000)),
            None
        );
        assert_eq!(continues_at(&range("bytes 100-999/*"), 100, None), None);
        assert_eq!(continues_at(&HeaderMap::new(), 100, None), None);
        assert_eq!(unsatisfied_size(&range("bytes */1000")), Some(1000));
    }

    #[test]
    fn weak_etags_are_not_used_to_resume() {
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, "W/\"abc\"".parse().unwrap());
        headers.insert(
            LAST_MODIFIED,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        let validator = Validator::of(&headers);
        assert_eq!(validator.if_range(), Some("Wed, 21 Oct 2015 07:28:00 GMT"));
        headers.insert(ETAG, "\"abc\"".parse().unwrap());
        assert_eq!(Validator::of(&headers).if_range(), Some("\"abc\""));
        assert_eq!(Validator::of(&HeaderMap::new()).if_range(), None);
    }
}
