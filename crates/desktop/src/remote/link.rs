//! The state of the connection to a remote server, and what a failed call means to the person
//! using the app: unreachable (read the mirror), refused, or answered with something broken.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hearth_client::{ApiError, Error};

use crate::error::BackendError;

/// Characters of a broken answer quoted in an error message: enough to recognise it (an HTML
/// error page, a proxy's notice), not so much that the message becomes the body.
const EXCERPT_CHARS: usize = 160;

/// Which server a remote profile talks to and whether its last call reached it. Clones share the
/// flag, so a run's event stream updates the same state the backend reports.
#[derive(Clone)]
pub(super) struct Link {
    url: String,
    online: Arc<AtomicBool>,
}

impl Link {
    /// A link to `url`, assumed reachable until a call says otherwise.
    pub(super) fn new(url: String) -> Self {
        Self {
            url,
            online: Arc::new(AtomicBool::new(true)),
        }
    }

    /// The server's base URL.
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// Whether the last call reached the server.
    pub(super) fn is_online(&self) -> bool {
        self.online.load(Ordering::Relaxed)
    }

    /// Records that the server answered.
    pub(super) fn reached(&self) {
        self.online.store(true, Ordering::Relaxed);
    }

    /// What `error`, met while `what` (e.g. "listing the assistants"), means for the profile; also
    /// records whether the server was reached.
    pub(super) fn fail(&self, what: &str, error: Error) -> BackendError {
        let unreachable = |detail: String| {
            self.online.store(false, Ordering::Relaxed);
            BackendError::Offline {
                url: self.url.clone(),
                detail,
            }
        };
        match error {
            Error::Connection(source) => unreachable(root_cause(&source)),
            Error::Timeout(_) => unreachable("no answer in time".to_owned()),
            // A body that fails mid-read: the connection dropped after the server began answering.
            Error::Http(source) => {
                unreachable(format!("the connection broke: {}", root_cause(&source)))
            }
            Error::Api(api) => {
                self.reached();
                self.refused(what, &api)
            }
            Error::Decode { source, body } => {
                self.reached();
                BackendError::Server(format!(
                    "The server at {} sent something that is not Assistants v2 while {what} \
                     ({source}); it began: {}",
                    self.url,
                    excerpt(&body)
                ))
            }
            Error::Stream(detail) => {
                self.reached();
                BackendError::Server(format!(
                    "The server at {} sent a broken event stream while {what}: {detail}",
                    self.url
                ))
            }
            Error::Protocol(detail) => {
                self.reached();
                BackendError::Server(format!(
                    "The server at {} broke the protocol while {what}: {detail}",
                    self.url
                ))
            }
            Error::InvalidId(_) => BackendError::Invalid(error.to_string()),
            Error::Encode(_) | Error::Io { .. } | Error::Config(_) => BackendError::Internal(
                format!("Hearth could not make the request for {what}: {error}"),
            ),
        }
    }

    /// An error the server reported, as the profile shows it.
    fn refused(&self, what: &str, api: &ApiError) -> BackendError {
        let message = &api.message;
        match api.status.map(|status| status.as_u16()) {
            Some(401) => BackendError::Invalid(format!(
                "The server at {} refused the token of this profile ({message}). Check the token \
                 in the profile's settings.",
                self.url
            )),
            Some(404) => BackendError::NotFound(message.clone()),
            Some(status) if (400..500).contains(&status) => BackendError::Invalid(message.clone()),
            Some(status) => BackendError::Server(format!(
                "The server at {} failed while {what} (HTTP {status}): {message}",
                self.url
            )),
            // An `error` event inside a run's stream.
            None => BackendError::Server(format!(
                "The server at {} reported an error while {what}: {message}",
                self.url
            )),
        }
    }
}

/// The innermost cause of a transport error ("Connection refused (os error 111)", "failed to
/// lookup address information: …"): the outer layers only say that a request failed.
fn root_cause(error: &dyn std::error::Error) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The start of a body, on one line.
fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "(an empty body)".to_owned();
    }
    match flat.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_and_flattened() {
        assert_eq!(excerpt("  {\"nonsense\":\n true} "), "{\"nonsense\": true}");
        assert_eq!(excerpt(""), "(an empty body)");
        let long = "x".repeat(500);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}
