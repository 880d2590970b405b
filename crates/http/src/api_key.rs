//! The bearer key type.

use std::fmt;

/// A bearer token or API key. Prints as `<redacted>` and deliberately does not implement
/// `Serialize`, so it cannot reach a log line, an error message or a JSON answer by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a secret token.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself; only request builders (and scrubbing provider messages) need it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_prints() {
        let key = ApiKey::new("sk-very-secret");
        let shown = format!("{key:?} {key} {:?}", Some(&key));
        assert!(
            !shown.contains("sk-very-secret"),
            "the key leaked into Debug/Display: {shown}"
        );
        assert_eq!(key.expose(), "sk-very-secret");
    }
}
