//! Taking secrets out of URLs before they reach a log line, an error message or the database: the
//! `user:pass@` part and the query string (where some proxies carry keys) are replaced.

/// What replaces a removed secret.
const REDACTED: &str = "<redacted>";

/// `url` with its user info and query string replaced; text that does not parse as a URL is
/// returned with anything after `?` and before `@` removed all the same.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.has_host() => {
            let had_user = !parsed.username().is_empty() || parsed.password().is_some();
            if had_user {
                let _ = parsed.set_username(REDACTED);
                let _ = parsed.set_password(None);
            }
            if parsed.query().is_some() {
                parsed.set_query(Some(REDACTED));
            }
            // The setters percent-encode the marker; show it as written.
            parsed.to_string().replace("%3Credacted%3E", REDACTED)
        }
        _ => redact_unparsed(url),
    }
}

/// A string that did not parse: drop user info (up to the last `@` before the path) and the query.
fn redact_unparsed(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((before, _)) => (before, Some(REDACTED)),
        None => (url, None),
    };
    let start = before_query.find("://").map_or(0, |at| at + 3);
    let authority_end = before_query[start..]
        .find('/')
        .map_or(before_query.len(), |at| start + at);
    let mut out = match before_query[start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}{REDACTED}{}",
            &before_query[..start],
            &before_query[start + at..]
        ),
        None => before_query.to_owned(),
    };
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// Removes the user info and the query from `url` in place (for errors that carry a parsed URL).
pub fn strip_url_secrets(url: &mut url::Url) {
    if !url.username().is_empty() || url.password().is_some() {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    url.set_query(None);
}

/// `text` with every `http://` or `https://` URL in it redacted, for error messages that quote
/// URLs (reqwest's among them).
pub fn redact_urls_in(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = find_url_start(rest) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '<' | '>' | '`'))
            .unwrap_or(tail.len());
        out.push_str(&redact_url(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn find_url_start(text: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    match (lower.find("http://"), lower.find("https://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_and_query_are_replaced() {
        assert_eq!(
            redact_url("https://bob:hunter2@proxy.example/v1?key=sk-1&x=2"),
            "https://<redacted>@proxy.example/v1?<redacted>"
        );
        assert_eq!(
            redact_url("http://127.0.0.1:8642/v1"),
            "http://127.0.0.1:8642/v1",
            "a URL without secrets is kept as is"
        );
    }

    #[test]
    fn unparsable_urls_are_redacted_too() {
        let shown = redact_url("http://bob:hunter2@[bad/v1?key=sk-1");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("sk-1"), "{shown}");
    }

    #[test]
    fn urls_inside_messages_are_redacted() {
        let message = "error sending request for url (https://u:p4ss@host.example/v1/models?api_key=sk-9): connection refused";
        let shown = redact_urls_in(message);
        assert_eq!(
            shown,
            "error sending request for url (https://<redacted>@host.example/v1/models?<redacted>): connection refused"
        );
        assert_eq!(
            redact_urls_in("no url here"),
            "no url here",
            "text without URLs is unchanged"
        );
    }
}
