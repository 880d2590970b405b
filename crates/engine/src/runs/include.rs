//! `include[]`: fields a run or step answer adds only when asked for.

use hearth_wire::INCLUDE_FILE_SEARCH_CONTENT;

use crate::error::{EngineError, EngineResult};

/// What a request's `include[]` asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepInclude {
    /// `step_details.tool_calls[*].file_search.results[*].content`: the text of each result.
    pub file_search_content: bool,
}

impl StepInclude {
    /// Reads the values of `include[]`; an unknown value is a 400 naming it.
    pub fn from_values(values: &[impl AsRef<str>]) -> EngineResult<Self> {
        let mut include = StepInclude::default();
        for (index, value) in values.iter().enumerate() {
            match value.as_ref() {
                INCLUDE_FILE_SEARCH_CONTENT => include.file_search_content = true,
                other => {
                    return Err(EngineError::invalid(
                        format!(
                            "Invalid value for 'include[{index}]': '{other}'. Supported values are: '{INCLUDE_FILE_SEARCH_CONTENT}'."
                        ),
                        Some("include"),
                    ));
                }
            }
        }
        Ok(include)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_file_search_content_value_is_known() {
        assert_eq!(
            StepInclude::from_values(&[INCLUDE_FILE_SEARCH_CONTENT]).unwrap(),
            StepInclude {
                file_search_content: true
            }
        );
        assert_eq!(
            StepInclude::from_values(&[] as &[&str]).unwrap(),
            StepInclude::default()
        );
        let err = StepInclude::from_values(&["step_details.everything"]).unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(
            err.to_string()
                .contains("'include[0]': 'step_details.everything'")
        );
    }
}
