//! Keys bound to the origin (scheme, host and port) they were saved for. The origin is stored in
//! the same keychain entry as the key, so the two are written together and one cannot be changed
//! without the other. Entries written before origins were recorded hold the bare key; they read
//! back with no origin, and the caller binds them to the URL configured at the time.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::{KeychainError, Secret};

/// A key and the origin it may be sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundSecret {
    /// The key.
    pub secret: Secret,
    /// The origin it was saved for, e.g. `https://api.openai.com:443`; `None` for an entry saved
    /// before origins were recorded.
    pub origin: Option<String>,
}

/// What the entry holds: a small JSON object, so the key and its origin stay one item.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    origin: Cow<'a, str>,
    #[serde(borrow)]
    key: Cow<'a, str>,
}

/// The key stored for `account` and its origin; `Ok(None)` when there is none.
pub fn get_bound(account: &str) -> Result<Option<BoundSecret>, KeychainError> {
    let Some(stored) = crate::get(account)? else {
        return Ok(None);
    };
    Ok(Some(decode(stored)))
}

/// Stores `secret` for `account`, to be sent only to `origin`.
pub fn set_bound(account: &str, secret: &str, origin: &str) -> Result<(), KeychainError> {
    let stored = serde_json::to_string(&Stored {
        origin: Cow::Borrowed(origin),
        key: Cow::Borrowed(secret),
    })
    .map_err(|error| KeychainError::Failed(format!("could not encode the entry: {error}")))?;
    crate::set(account, &stored)
}

fn decode(stored: Secret) -> BoundSecret {
    match serde_json::from_str::<Stored>(stored.expose()) {
        Ok(Stored { origin, key }) => BoundSecret {
            secret: Secret(key.into_owned()),
            origin: Some(origin.into_owned()),
        },
        // A bare key, as saved before origins were recorded.
        Err(_) => BoundSecret {
            secret: stored,
            origin: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_key_reads_back_without_an_origin() {
        let bound = decode(Secret("sk-legacy".into()));
        assert_eq!(bound.secret.expose(), "sk-legacy");
        assert_eq!(bound.origin, None);
    }

    #[test]
    fn a_bound_entry_reads_back_with_its_origin() {
        let text = serde_json::to_string(&Stored {
            origin: Cow::Borrowed("https://api.openai.com:443"),
            key: Cow::Borrowed("sk-new\"quoted"),
        })
        .unwrap();
        let bound = decode(Secret(text));
        assert_eq!(
            bound.secret.expose(),
            "sk-new\"quoted",
            "a key with escaped characters reads back whole"
        );
        assert_eq!(bound.origin.as_deref(), Some("https://api.openai.com:443"));
        assert!(
            !format!("{bound:?}").contains("sk-new"),
            "Debug must not show the key"
        );
    }
}
