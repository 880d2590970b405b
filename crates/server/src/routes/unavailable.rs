//! Endpoints of the protocol the engine does not have yet. They answer 404 `invalid_request_error`
//! rather than 501: SDKs retry every 5xx, which would only delay the same answer.

use crate::errors::Failure;

/// Any `/v1/files` request.
pub async fn files() -> Failure {
    Failure::not_served("files")
}

/// Any `/v1/vector_stores` request.
pub async fn vector_stores() -> Failure {
    Failure::not_served("vector_stores")
}
