//! The `OpenAI-Beta: assistants=v2` header the hosted API required on the Assistants surface.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_wire::ApiError;

use crate::errors::Failure;

/// Path prefixes that need the header; `/v1/models` and `/v1/files` do not (SDKs never send it there).
const BETA_PREFIXES: &[&str] = &["/v1/assistants", "/v1/threads", "/v1/vector_stores"];

/// Refuses Assistants requests whose `OpenAI-Beta` header does not list `assistants=v2`.
pub async fn require_beta(request: Request, next: Next) -> Response {
    if needs_beta(request.uri().path()) {
        let values = request
            .headers()
            .get_all("openai-beta")
            .iter()
            .filter_map(|value| value.to_str().ok());
        if let Err(failure) = check(values) {
            return failure.into_response();
        }
    }
    next.run(request).await
}

fn needs_beta(path: &str) -> bool {
    BETA_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The header is a comma-separated list, possibly repeated; it must contain `assistants=v2`.
fn check<'a>(values: impl Iterator<Item = &'a str>) -> Result<(), Failure> {
    let mut v1 = false;
    for item in values.flat_map(|value| value.split(',')).map(str::trim) {
        match item {
            "assistants=v2" => return Ok(()),
            "assistants=v1" => v1 = true,
            _ => {}
        }
    }
    let message = if v1 {
        "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
    } else {
        "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
    };
    Err(Failure::new(
        StatusCode::BAD_REQUEST,
        ApiError::invalid_request(message, None, Some("invalid_beta".to_owned())),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assistants_surface_needs_the_header_and_models_do_not() {
        assert!(needs_beta("/v1/assistants"));
        assert!(needs_beta("/v1/threads/thread_1/runs"));
        assert!(!needs_beta("/v1/models"));
        assert!(!needs_beta("/v1/files/file-1"));
        assert!(!needs_beta("/v1/threadsx"));
    }

    #[test]
    fn a_list_with_v2_passes_and_v1_alone_is_refused() {
        assert!(check(["foo=1, assistants=v2"].into_iter()).is_ok());
        assert!(check(["assistants=v1"].into_iter()).is_err());
        assert!(check(std::iter::empty()).is_err());
    }
}
