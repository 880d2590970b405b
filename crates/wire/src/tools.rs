//! Tool definitions (`tools[]`) and the `tool_choice` union shared by assistants and runs.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::validate::{Checked, ValidationError, array_len, decimal_in, field, integer_in, item};

/// One entry of `tools[]`, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum AssistantTool {
    /// `{"type":"code_interpreter"}`
    CodeInterpreter,
    /// `{"type":"file_search", "file_search"?: {...}}`
    FileSearch {
        /// Overrides of the search's defaults.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_search: Option<FileSearchToolOptions>,
    },
    /// `{"type":"function", "function": {...}}`
    Function {
        /// The function the model may call.
        function: FunctionObject,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(AssistantTool { "code_interpreter", "file_search", "function" });

/// Options of the `file_search` tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchToolOptions {
    /// How many results to return, 1–50 (hosted default 20, or 5 for gpt-3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_num_results: Option<u32>,
    /// How results are ranked and cut off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking_options: Option<FileSearchRankingOptions>,
}

/// Ranking of file-search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchRankingOptions {
    /// The ranker; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranker: Option<FileSearchRanker>,
    /// Results scoring below this (0–1) are dropped.
    pub score_threshold: f64,
}

open_enum!(
    /// The file-search ranker.
    pub enum FileSearchRanker {
        /// Let the server choose.
        Auto => "auto",
        /// The ranker of 2024-08-21.
        Default20240821 => "default_2024_08_21",
    }
);

/// A function tool's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionObject {
    /// Name the model calls it by, matching `^[a-zA-Z0-9_-]{1,64}$`.
    pub name: String,
    /// What the function does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON Schema object describing the arguments; absent means no arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::JsonObject>))]
    pub parameters: Option<Map<String, Value>>,
    /// Whether the model must follow `parameters` exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

/// Longest function name.
pub const MAX_FUNCTION_NAME: usize = 64;

/// Whether `name` matches `^[a-zA-Z0-9_-]{1,64}$`.
pub fn is_valid_function_name(name: &str) -> bool {
    (1..=MAX_FUNCTION_NAME).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks a function name, naming `param` in the message.
pub(crate) fn check_function_name(param: &str, name: &str) -> Checked {
    if is_valid_function_name(name) {
        return Ok(());
    }
    Err(ValidationError::new(
        param,
        "invalid_value",
        format!(
            "Invalid '{param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{{1,64}}$'."
        ),
    ))
}

impl AssistantTool {
    /// Checks this tool's bounds, `at` being its path such as `tools[0]`.
    pub(crate) fn check(&self, at: &str) -> Checked {
        match self {
            AssistantTool::CodeInterpreter => Ok(()),
            AssistantTool::FileSearch { file_search: None } => Ok(()),
            AssistantTool::FileSearch {
                file_search: Some(options),
            } => {
                let at = field(at, "file_search");
                if let Some(max) = options.max_num_results {
                    integer_in(&field(&at, "max_num_results"), max.into(), 1, 50)?;
                }
                if let Some(ranking) = &options.ranking_options {
                    let param = field(&field(&at, "ranking_options"), "score_threshold");
                    decimal_in(&param, ranking.score_threshold, 0.0, 1.0)?;
                }
                Ok(())
            }
            AssistantTool::Function { function } => {
                check_function_name(&field(&field(at, "function"), "name"), &function.name)
            }
            AssistantTool::Unknown(raw) => {
                // A newer tool kind is kept in answers, but a request may only ask for known ones.
                let param = field(at, "type");
                let kind = raw.get("type").and_then(Value::as_str).unwrap_or_default();
                Err(ValidationError::new(
                    &param,
                    "invalid_value",
                    format!(
                        "Invalid value for '{param}': '{kind}'. Supported values are: 'code_interpreter', 'file_search' and 'function'."
                    ),
                ))
            }
        }
    }
}

/// Checks a `tools` array: its length and every tool.
pub(crate) fn check_tools(param: &str, tools: &[AssistantTool], max: usize) -> Checked {
    array_len(param, tools.len(), 0, max)?;
    tools
        .iter()
        .enumerate()
        .try_for_each(|(index, tool)| tool.check(&item(param, index)))
}

/// Largest `tools` array on an assistant.
pub const MAX_ASSISTANT_TOOLS: usize = 128;
/// Largest `tools` array on a run.
pub const MAX_RUN_TOOLS: usize = 20;

open_enum!(
    /// The string form of `tool_choice`.
    pub enum ToolChoiceMode {
        /// No tool; the model answers with a message.
        None => "none",
        /// The model decides (the default).
        Auto => "auto",
        /// The model must call at least one tool.
        Required => "required",
    }
);

/// `tool_choice`: a mode string or a named tool.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolChoice {
    /// `"none"`, `"auto"` or `"required"`.
    Mode(ToolChoiceMode),
    /// `{"type": ..., "function"?: {"name"}}`: this specific tool.
    Named(NamedToolChoice),
}

/// A specific tool the model must use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NamedToolChoice {
    /// `{"type":"function","function":{"name"}}`
    Function {
        /// Which function.
        function: FunctionName,
    },
    /// `{"type":"code_interpreter"}`
    CodeInterpreter,
    /// `{"type":"file_search"}`
    FileSearch,
}

/// `{"name": ...}` inside a named function choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionName {
    /// The function's name.
    pub name: String,
}

impl ToolChoice {
    /// The hosted default, `"auto"`.
    pub const AUTO: ToolChoice = ToolChoice::Mode(ToolChoiceMode::Auto);

    /// A choice forcing the named function.
    pub fn function(name: impl Into<String>) -> Self {
        ToolChoice::Named(NamedToolChoice::Function {
            function: FunctionName { name: name.into() },
        })
    }

    /// Checks a request's choice: modes must be known ones.
    pub(crate) fn check(&self, param: &str) -> Checked {
        match self {
            ToolChoice::Mode(ToolChoiceMode::Other(raw)) => Err(ValidationError::new(
                param,
                "invalid_value",
                format!(
                    "Invalid value for '{param}': '{raw}'. Supported values are: 'none', 'auto' and 'required'."
                ),
            )),
            ToolChoice::Named(NamedToolChoice::Function { function }) => {
                check_function_name(&field(&field(param, "function"), "name"), &function.name)
            }
            _ => Ok(()),
        }
    }
}

impl Serialize for ToolChoice {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ToolChoice::Mode(mode) => mode.serialize(serializer),
            ToolChoice::Named(named) => named.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ToolChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(mode) => Ok(ToolChoice::Mode(ToolChoiceMode::parse(&mode))),
            object @ Value::Object(_) => crate::common::from_value(object).map(ToolChoice::Named),
            other => Err(serde::de::Error::custom(format!(
                "expected \"none\", \"auto\", \"required\" or a tool object, got {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_choice_reads_both_forms() {
        let mode: ToolChoice = serde_json::from_value(json!("required")).unwrap();
        assert_eq!(mode, ToolChoice::Mode(ToolChoiceMode::Required));
        let named: ToolChoice = serde_json::from_value(
            json!({"type": "function", "function": {"name": "get_weather"}}),
        )
        .unwrap();
        assert_eq!(named, ToolChoice::function("get_weather"));
        let search: ToolChoice = serde_json::from_value(json!({"type": "file_search"})).unwrap();
        assert_eq!(search, ToolChoice::Named(NamedToolChoice::FileSearch));
        for value in [
            json!("auto"),
            json!({"type": "code_interpreter"}),
            json!({"type": "function", "function": {"name": "f"}}),
        ] {
            let parsed: ToolChoice = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(
                serde_json::to_value(&parsed).unwrap(),
                value,
                "tool_choice should round-trip"
            );
        }
        assert!(
            serde_json::from_value::<ToolChoice>(json!(3)).is_err(),
            "a number is no tool choice"
        );
    }

    #[test]
    fn an_unknown_tool_choice_mode_survives_but_fails_validation() {
        let parsed: ToolChoice = serde_json::from_value(json!("sometimes")).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!("sometimes"));
        let err = parsed.check("tool_choice").unwrap_err();
        assert_eq!(err.param, "tool_choice");
        assert_eq!(
            err.message,
            "Invalid value for 'tool_choice': 'sometimes'. Supported values are: 'none', 'auto' and 'required'."
        );
    }

    #[test]
    fn function_names_follow_the_pattern() {
        assert!(is_valid_function_name("get_weather-2"));
        assert!(is_valid_function_name(&"a".repeat(64)));
        assert!(!is_valid_function_name(&"a".repeat(65)));
        assert!(!is_valid_function_name(""));
        assert!(!is_valid_function_name("get weather"));
        let tools = vec![
            AssistantTool::CodeInterpreter,
            AssistantTool::Function {
                function: FunctionObject {
                    name: "bad name".into(),
                    description: None,
                    parameters: None,
                    strict: None,
                },
            },
        ];
        let err = check_tools("tools", &tools, MAX_ASSISTANT_TOOLS).unwrap_err();
        assert_eq!(err.param, "tools[1].function.name");
        assert_eq!(
            err.message,
            "Invalid 'tools[1].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'."
        );
    }

    #[test]
    fn file_search_options_are_bounded() {
        let tool: AssistantTool = serde_json::from_value(
            json!({"type": "file_search", "file_search": {"max_num_results": 51}}),
        )
        .unwrap();
        let err = check_tools("tools", &[tool], MAX_RUN_TOOLS).unwrap_err();
        assert_eq!(err.param, "tools[0].file_search.max_num_results");
        let bare: AssistantTool = serde_json::from_value(json!({"type": "file_search"})).unwrap();
        assert_eq!(
            serde_json::to_value(&bare).unwrap(),
            json!({"type": "file_search"})
        );
    }
}
