//! `x-request-id` on every response, which SDKs expose as `request_id` on results and errors.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

/// The id of the request being answered, in its extensions for the layers inside.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Adds a fresh `req_…` id to the request and its response and logs the request under it.
pub async fn add_request_id(mut request: Request, next: Next) -> Response {
    let id = hearth_store::new_id("req_");
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    log::debug!("{id} {method} {path} -> {}", response.status().as_u16());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
