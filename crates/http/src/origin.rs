//! Where a URL points, as a key is bound to it: scheme, host and port. A key saved for one origin
//! is never sent to another, so every place that takes a base URL checks it here first.

use std::fmt;

/// A URL's scheme, host and port (the port filled in from the scheme when the URL leaves it out),
/// e.g. `https://api.openai.com:443`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// Why a base URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    /// It does not parse as a URL.
    #[error("'{url}' is not a URL ({reason}).")]
    Unparsable {
        /// The URL, redacted.
        url: String,
        /// What the parser said.
        reason: String,
    },
    /// Not http or https.
    #[error("The URL must start with http:// or https:// (got '{0}').")]
    Scheme(String),
    /// No host to send anything to.
    #[error("The URL must name a host, e.g. http://127.0.0.1:8642/v1.")]
    NoHost,
    /// A `user:password@` part, which would be written to the settings file and to logs.
    #[error(
        "The URL must not carry a user name or password ('user:pass@host'); remove them and enter the key in its own field (got '{0}')."
    )]
    Credentials(String),
}

impl Origin {
    /// The origin of an http(s) URL; a URL with credentials in it is refused.
    pub fn of(url: &str) -> Result<Origin, UrlProblem> {
        let parsed = parse_base_url(url)?;
        Ok(Origin::of_parsed(&parsed))
    }

    /// The origin of a URL already parsed (e.g. a redirect's target); `None` without a host.
    pub fn of_url(url: &url::Url) -> Option<Origin> {
        url.host_str()?;
        Some(Origin::of_parsed(url))
    }

    fn of_parsed(url: &url::Url) -> Origin {
        Origin {
            scheme: url.scheme().to_owned(),
            host: url.host_str().unwrap_or_default().to_ascii_lowercase(),
            port: url.port_or_known_default().unwrap_or(0),
        }
    }

    /// Reads back what [`Origin::to_string`] wrote.
    pub fn parse(text: &str) -> Option<Origin> {
        let parsed = url::Url::parse(text).ok()?;
        Origin::of_url(&parsed)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // IPv6 hosts come from `host_str` already bracketed.
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// Parses a base URL a person or a flag gave: http or https, with a host and without
/// `user:pass@`. Errors show the URL redacted.
pub fn parse_base_url(url: &str) -> Result<url::Url, UrlProblem> {
    let url = url.trim();
    let parsed = url::Url::parse(url).map_err(|error| UrlProblem::Unparsable {
        url: crate::redact_url(url),
        reason: error.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(UrlProblem::Scheme(crate::redact_url(url)));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(UrlProblem::Credentials(crate::redact_url(url)));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(UrlProblem::NoHost);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_filled_in_and_paths_ignored() {
        let a = Origin::of("https://api.openai.com/v1").unwrap();
        let b = Origin::of("https://API.openai.com:443/other").unwrap();
        assert_eq!(a, b, "same scheme, host and port are one origin");
        assert_eq!(a.to_string(), "https://api.openai.com:443");
        assert_eq!(Origin::parse(&a.to_string()), Some(a));
    }

    #[test]
    fn scheme_host_or_port_changes_the_origin() {
        let base = Origin::of("https://api.openai.com/v1").unwrap();
        for other in [
            "http://api.openai.com/v1",
            "https://api.openai.com.evil.example/v1",
            "https://api.openai.com:8443/v1",
        ] {
            assert_ne!(
                Origin::of(other).unwrap(),
                base,
                "{other} is another origin"
            );
        }
    }

    #[test]
    fn credentials_in_urls_are_refused_without_echoing_them() {
        let problem = Origin::of("https://bob:hunter2@proxy.example/v1").unwrap_err();
        let text = problem.to_string();
        assert!(matches!(problem, UrlProblem::Credentials(_)), "{text}");
        assert!(text.contains("user name or password"), "{text}");
        assert!(!text.contains("hunter2"), "the password was echoed: {text}");
        assert!(Origin::of("https://token@proxy.example/v1").is_err());
    }

    #[test]
    fn other_schemes_and_missing_hosts_are_refused() {
        assert!(matches!(
            Origin::of("ftp://example.com"),
            Err(UrlProblem::Scheme(_))
        ));
        assert!(Origin::of("127.0.0.1:8642").is_err());
        assert!(Origin::of("http://").is_err());
    }
}
