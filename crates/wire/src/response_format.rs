//! `response_format`: the string `"auto"` or a `{type: text | json_object | json_schema}` object.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// `response_format` of assistants and runs.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormatOption {
    /// `"auto"`, the default.
    Auto,
    /// An explicit format object.
    Format(ResponseFormat),
}

/// The object form of `response_format`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResponseFormat {
    /// `{"type":"text"}`
    Text,
    /// `{"type":"json_object"}`: any valid JSON.
    JsonObject,
    /// `{"type":"json_schema","json_schema":{...}}`: JSON following a schema.
    JsonSchema {
        /// The schema and its name.
        json_schema: JsonSchemaFormat,
    },
}

/// The `json_schema` member of a JSON-schema response format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JsonSchemaFormat {
    /// What the format is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Name of the format.
    pub name: String,
    /// The JSON Schema object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::JsonObject>))]
    pub schema: Option<Map<String, Value>>,
    /// Whether to follow the schema strictly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

impl Serialize for ResponseFormatOption {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            ResponseFormatOption::Auto => serializer.serialize_str("auto"),
            ResponseFormatOption::Format(format) => format.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ResponseFormatOption {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(mode) if mode == "auto" => Ok(ResponseFormatOption::Auto),
            object @ Value::Object(_) => {
                crate::common::from_value(object).map(ResponseFormatOption::Format)
            }
            other => Err(serde::de::Error::custom(format!(
                "expected \"auto\" or an object with type text, json_object or json_schema, got {other}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_round_trips() {
        let cases = [
            (json!("auto"), ResponseFormatOption::Auto),
            (
                json!({"type": "text"}),
                ResponseFormatOption::Format(ResponseFormat::Text),
            ),
            (
                json!({"type": "json_object"}),
                ResponseFormatOption::Format(ResponseFormat::JsonObject),
            ),
            (
                json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}}),
                ResponseFormatOption::Format(ResponseFormat::JsonSchema {
                    json_schema: JsonSchemaFormat {
                        description: None,
                        name: "answer".into(),
                        schema: Some(json!({"type": "object"}).as_object().unwrap().clone()),
                        strict: Some(true),
                    },
                }),
            ),
        ];
        for (value, expected) in cases {
            let parsed: ResponseFormatOption = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(parsed, expected);
            assert_eq!(
                serde_json::to_value(&parsed).unwrap(),
                value,
                "should serialize back unchanged"
            );
        }
    }

    #[test]
    fn other_strings_are_rejected_with_a_readable_message() {
        let err = serde_json::from_value::<ResponseFormatOption>(json!("json")).unwrap_err();
        assert!(err.to_string().contains("expected \"auto\""), "{err}");
        assert!(serde_json::from_value::<ResponseFormatOption>(json!({"type": "yaml"})).is_err());
    }
}
