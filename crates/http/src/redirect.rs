//! The redirect rule of every client that carries a key: follow a redirect only within the origin
//! the request was made to. reqwest's default rule drops only `Authorization` when the host
//! changes, so a key in `x-api-key` (Anthropic) or any other header would follow a redirect to
//! another host; refusing the hop keeps every credential where it was meant to go.

use crate::Origin;

/// Most redirects followed within one origin, like reqwest's default.
const MAX_REDIRECTS: usize = 10;

/// Why a redirect was not followed; reqwest reports it as the request's error.
#[derive(Debug, thiserror::Error)]
#[error(
    "the server redirected to another host ({to}); Hearth does not follow it, so the key stays with {from}. If that host is right, enter it as the URL"
)]
pub struct CrossOriginRedirect {
    /// The origin the request was made to.
    pub from: String,
    /// Where the redirect pointed.
    pub to: String,
}

/// A redirect policy that follows same-origin redirects (up to ten) and refuses any that leaves
/// the origin of the first request, with [`CrossOriginRedirect`] as the error.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().and_then(Origin::of_url);
        let next = Origin::of_url(attempt.url());
        if first.is_none() || first != next {
            let error = CrossOriginRedirect {
                from: first.map(|origin| origin.to_string()).unwrap_or_default(),
                to: crate::redact_url(attempt.url().as_str()),
            };
            return attempt.error(error);
        }
        if attempt.previous().len() > MAX_REDIRECTS {
            return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
        }
        attempt.follow()
    })
}
