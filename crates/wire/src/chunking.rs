//! Chunking strategies of vector store files: the request form (`auto` | `static`) and the response
//! form (`static` | `other`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::validate::{Checked, ValidationError, field, integer_in};

/// How to split a file into chunks, as a request gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChunkingStrategyRequest {
    /// `{"type":"auto"}`: 800-token chunks overlapping by 400.
    Auto,
    /// `{"type":"static","static":{...}}`
    Static {
        /// The sizes.
        #[serde(rename = "static")]
        static_: StaticChunking,
    },
}

/// How a file was split, as a vector store file reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum ChunkingStrategy {
    /// `{"type":"static","static":{...}}`
    Static {
        /// The sizes.
        #[serde(rename = "static")]
        static_: StaticChunking,
    },
    /// `{"type":"other"}`: files chunked before strategies were reported.
    Other,
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(ChunkingStrategy { "static", "other" });

/// Fixed-size chunking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaticChunking {
    /// Tokens per chunk, 100–4096.
    pub max_chunk_size_tokens: u32,
    /// Tokens shared by neighbouring chunks, at most half of `max_chunk_size_tokens`.
    pub chunk_overlap_tokens: u32,
}

impl StaticChunking {
    /// What `{"type":"auto"}` stands for.
    pub const AUTO: StaticChunking = StaticChunking {
        max_chunk_size_tokens: 800,
        chunk_overlap_tokens: 400,
    };

    /// Checks the sizes, `at` being the path of the `static` object.
    pub(crate) fn check(&self, at: &str) -> Checked {
        integer_in(
            &field(at, "max_chunk_size_tokens"),
            self.max_chunk_size_tokens.into(),
            100,
            4096,
        )?;
        let half = self.max_chunk_size_tokens / 2;
        if self.chunk_overlap_tokens > half {
            let param = field(at, "chunk_overlap_tokens");
            return Err(ValidationError::new(
                &param,
                "invalid_value",
                format!(
                    "Invalid '{param}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens. Expected a value <= {half}, but got {} instead.",
                    self.chunk_overlap_tokens
                ),
            ));
        }
        Ok(())
    }
}

impl ChunkingStrategyRequest {
    /// The sizes this strategy stands for.
    pub fn resolve(&self) -> StaticChunking {
        match self {
            ChunkingStrategyRequest::Auto => StaticChunking::AUTO,
            ChunkingStrategyRequest::Static { static_ } => *static_,
        }
    }

    /// Checks the sizes, `at` being the path of the strategy such as `chunking_strategy`.
    pub(crate) fn check(&self, at: &str) -> Checked {
        match self {
            ChunkingStrategyRequest::Auto => Ok(()),
            ChunkingStrategyRequest::Static { static_ } => static_.check(&field(at, "static")),
        }
    }
}

impl From<ChunkingStrategyRequest> for ChunkingStrategy {
    fn from(request: ChunkingStrategyRequest) -> Self {
        ChunkingStrategy::Static {
            static_: request.resolve(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn static_(max: u32, overlap: u32) -> ChunkingStrategyRequest {
        ChunkingStrategyRequest::Static {
            static_: StaticChunking {
                max_chunk_size_tokens: max,
                chunk_overlap_tokens: overlap,
            },
        }
    }

    #[test]
    fn wire_forms() {
        assert_eq!(
            serde_json::to_value(ChunkingStrategyRequest::Auto).unwrap(),
            json!({"type": "auto"})
        );
        assert_eq!(
            serde_json::to_value(static_(800, 400)).unwrap(),
            json!({"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}})
        );
        let other: ChunkingStrategy = serde_json::from_value(json!({"type": "other"})).unwrap();
        assert_eq!(other, ChunkingStrategy::Other);
        assert!(
            serde_json::from_value::<ChunkingStrategyRequest>(json!({"type": "other"})).is_err(),
            "requests cannot ask for `other`"
        );
    }

    #[test]
    fn static_sizes_are_bounded() {
        assert!(static_(100, 50).check("chunking_strategy").is_ok());
        assert!(static_(4096, 2048).check("chunking_strategy").is_ok());
        let err = static_(99, 0).check("chunking_strategy").unwrap_err();
        assert_eq!(err.param, "chunking_strategy.static.max_chunk_size_tokens");
        assert_eq!(
            err.message,
            "Invalid 'chunking_strategy.static.max_chunk_size_tokens': integer below minimum value. Expected a value >= 100, but got 99 instead."
        );
        let err = static_(4097, 0).check("chunking_strategy").unwrap_err();
        assert_eq!(err.code, "integer_above_max_value");
        let err = static_(800, 401).check("chunking_strategy").unwrap_err();
        assert_eq!(err.param, "chunking_strategy.static.chunk_overlap_tokens");
        assert_eq!(
            err.message,
            "Invalid 'chunking_strategy.static.chunk_overlap_tokens': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens. Expected a value <= 400, but got 401 instead."
        );
    }
}
