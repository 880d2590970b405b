//! Bearer-token authentication: every request must carry the token the server was started with.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::errors::Failure;

/// The token clients must present. Its `Debug` never prints it.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    /// Wraps the secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Arc::from(secret.into()))
    }

    /// Whether `candidate` is the token, compared in constant time so timing does not leak it.
    pub fn matches(&self, candidate: &str) -> bool {
        // `ct_eq` on slices of different lengths is false without comparing contents; the
        // length of the token is not the secret.
        bool::from(self.0.as_bytes().ct_eq(candidate.as_bytes()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Refuses requests without `Authorization: Bearer <token>` with the hosted API's 401.
pub async fn require_token(State(token): State<Token>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        Some(candidate) if token.matches(candidate) => next.run(request).await,
        _ => Failure::unauthorized().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let token = Token::new("sk-local");
        assert!(token.matches("sk-local"));
        assert!(!token.matches("sk-loca"));
        assert!(!token.matches("sk-local2"));
        assert!(!token.matches(""));
    }

    #[test]
    fn debug_never_prints_the_secret() {
        assert!(!format!("{:?}", Token::new("sk-local")).contains("sk-local"));
    }
}
