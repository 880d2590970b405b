//! Object id prefixes. Ids are opaque strings with a type prefix; the store generates them, this
//! module only names the prefixes and checks them the way the hosted API did.

use crate::validate::ValidationError;

/// The kinds of id the protocol uses, each with its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdPrefix {
    /// `asst_`
    Assistant,
    /// `thread_`
    Thread,
    /// `msg_`
    Message,
    /// `run_`
    Run,
    /// `step_`
    Step,
    /// `call_` (tool calls in steps and `required_action`)
    ToolCall,
    /// `file-` (with a hyphen); vector store files reuse their file's id
    File,
    /// `vs_`
    VectorStore,
    /// `vsfb_`
    VectorStoreFileBatch,
}

impl IdPrefix {
    /// Every prefix; no prefix is a prefix of another, so at most one matches an id.
    pub const ALL: [IdPrefix; 9] = [
        IdPrefix::Assistant,
        IdPrefix::Thread,
        IdPrefix::Message,
        IdPrefix::Run,
        IdPrefix::Step,
        IdPrefix::ToolCall,
        IdPrefix::File,
        IdPrefix::VectorStore,
        IdPrefix::VectorStoreFileBatch,
    ];

    /// The prefix including its separator, e.g. `asst_`.
    pub const fn as_str(self) -> &'static str {
        match self {
            IdPrefix::Assistant => "asst_",
            IdPrefix::Thread => "thread_",
            IdPrefix::Message => "msg_",
            IdPrefix::Run => "run_",
            IdPrefix::Step => "step_",
            IdPrefix::ToolCall => "call_",
            IdPrefix::File => "file-",
            IdPrefix::VectorStore => "vs_",
            IdPrefix::VectorStoreFileBatch => "vsfb_",
        }
    }

    /// The prefix without its separator, as the hosted API's messages quote it (`'thread'`).
    pub fn stem(self) -> &'static str {
        let prefix = self.as_str();
        &prefix[..prefix.len() - 1]
    }

    /// Whether `id` carries this prefix and something after it.
    pub fn matches(self, id: &str) -> bool {
        id.len() > self.as_str().len() && id.starts_with(self.as_str())
    }

    /// The kind of `id`, judged by its prefix.
    pub fn of(id: &str) -> Option<IdPrefix> {
        Self::ALL.into_iter().find(|prefix| prefix.matches(id))
    }

    /// Checks that the id passed as `param` has this prefix, with the hosted API's message:
    /// `Invalid 'thread_id': 'x'. Expected an ID that begins with 'thread'.`
    pub fn check(self, param: &str, id: &str) -> Result<(), ValidationError> {
        if self.matches(id) {
            return Ok(());
        }
        Err(ValidationError::new(
            param,
            "invalid_value",
            format!(
                "Invalid '{param}': '{id}'. Expected an ID that begins with '{}'.",
                self.stem()
            ),
        ))
    }
}

impl std::fmt::Display for IdPrefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_id_finds_its_prefix() {
        let cases = [
            ("asst_abc123", IdPrefix::Assistant),
            ("thread_abc123", IdPrefix::Thread),
            ("msg_abc123", IdPrefix::Message),
            ("run_abc123", IdPrefix::Run),
            ("step_abc123", IdPrefix::Step),
            ("call_abc123", IdPrefix::ToolCall),
            ("file-abc123", IdPrefix::File),
            ("vs_abc123", IdPrefix::VectorStore),
            ("vsfb_abc123", IdPrefix::VectorStoreFileBatch),
        ];
        for (id, prefix) in cases {
            assert_eq!(
                IdPrefix::of(id),
                Some(prefix),
                "{id} should be recognised as {prefix}"
            );
        }
        assert_eq!(
            IdPrefix::of("file_abc"),
            None,
            "files use a hyphen, not an underscore"
        );
        assert_eq!(IdPrefix::of("asst_"), None, "a bare prefix is not an id");
    }

    #[test]
    fn a_wrong_prefix_is_reported_like_the_hosted_api() {
        let err = IdPrefix::Thread.check("thread_id", "run_abc").unwrap_err();
        assert_eq!(err.param, "thread_id");
        assert_eq!(
            err.message,
            "Invalid 'thread_id': 'run_abc'. Expected an ID that begins with 'thread'."
        );
        assert!(IdPrefix::Thread.check("thread_id", "thread_abc").is_ok());
    }
}
