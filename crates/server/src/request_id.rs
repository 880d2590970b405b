//! `x-request-id` on every response, which SDKs expose as `request_id` on results and errors.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// Adds a fresh `req_…` id to the response and logs the request under it.
pub async fn add_request_id(request: Request, next: Next) -> Response {
    let id = hearth_store::new_id("req_");
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    log::debug!("{id} {method} {path} -> {}", response.status().as_u16());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
