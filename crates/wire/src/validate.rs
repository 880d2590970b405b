//! Bounds checks for request bodies. Each failure names the offending parameter as a path
//! (`tools[0].function.name`) and reads like the hosted API's 400 answers, because the engine sends
//! these messages to clients verbatim.

use crate::common::{ApiError, Metadata};

/// A request parameter out of bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    /// Path of the offending parameter, such as `metadata` or `tools[0].function.name`.
    pub param: String,
    /// Machine-readable code in the hosted API's vocabulary (`decimal_above_max_value`, …).
    pub code: &'static str,
    /// The full human-readable message.
    pub message: String,
}

impl ValidationError {
    /// An error about `param` with the given code and message.
    pub fn new(param: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            code,
            message: message.into(),
        }
    }

    /// The 400 body the engine sends for it.
    pub fn to_api_error(&self) -> ApiError {
        ApiError::invalid_request(
            self.message.clone(),
            Some(self.param.clone()),
            Some(self.code.to_owned()),
        )
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        error.to_api_error()
    }
}

/// A request body that can check the spec's bounds before the engine acts on it.
pub trait Validate {
    /// The first bound the body breaks, if any.
    fn validate(&self) -> Result<(), ValidationError>;
}

/// Result of one check.
pub(crate) type Checked = Result<(), ValidationError>;

/// Joins a parent path and a field name: `("", "a") → "a"`, `("x", "a") → "x.a"`.
pub(crate) fn field(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// Path of an array element: `("tools", 0) → "tools[0]"`.
pub(crate) fn item(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Formats a number as the hosted messages did (`2`, not `2.0`), which is Rust's `Display`.
fn number(value: f64) -> String {
    value.to_string()
}

/// `min ≤ value ≤ max` for a decimal parameter.
pub(crate) fn decimal_in(param: &str, value: f64, min: f64, max: f64) -> Checked {
    if value.is_nan() {
        return Err(ValidationError::new(
            param,
            "invalid_type",
            format!("Invalid '{param}': expected a number, but got NaN instead."),
        ));
    }
    if value < min {
        return Err(ValidationError::new(
            param,
            "decimal_below_min_value",
            format!(
                "Invalid '{param}': decimal below minimum value. Expected a value >= {}, but got {} instead.",
                number(min),
                number(value)
            ),
        ));
    }
    if value > max {
        return Err(ValidationError::new(
            param,
            "decimal_above_max_value",
            format!(
                "Invalid '{param}': decimal above maximum value. Expected a value <= {}, but got {} instead.",
                number(max),
                number(value)
            ),
        ));
    }
    Ok(())
}

/// `value ≥ min` for an integer parameter.
pub(crate) fn integer_at_least(param: &str, value: i64, min: i64) -> Checked {
    if value < min {
        return Err(ValidationError::new(
            param,
            "integer_below_min_value",
            format!(
                "Invalid '{param}': integer below minimum value. Expected a value >= {min}, but got {value} instead."
            ),
        ));
    }
    Ok(())
}

/// `min ≤ value ≤ max` for an integer parameter.
pub(crate) fn integer_in(param: &str, value: i64, min: i64, max: i64) -> Checked {
    integer_at_least(param, value, min)?;
    if value > max {
        return Err(ValidationError::new(
            param,
            "integer_above_max_value",
            format!(
                "Invalid '{param}': integer above maximum value. Expected a value <= {max}, but got {value} instead."
            ),
        ));
    }
    Ok(())
}

/// At most `max` characters (Unicode scalar values, as the hosted API counted them).
pub(crate) fn string_max(param: &str, value: &str, max: usize) -> Checked {
    let length = value.chars().count();
    if length > max {
        return Err(ValidationError::new(
            param,
            "string_above_max_length",
            format!(
                "Invalid '{param}': string too long. Expected a string with maximum length {max}, but got a string with length {length} instead."
            ),
        ));
    }
    Ok(())
}

/// Between `min` and `max` items.
pub(crate) fn array_len(param: &str, length: usize, min: usize, max: usize) -> Checked {
    if length < min {
        return Err(ValidationError::new(
            param,
            "array_below_min_length",
            format!(
                "Invalid '{param}': array too short. Expected an array with minimum length {min}, but got an array with length {length} instead."
            ),
        ));
    }
    if length > max {
        return Err(ValidationError::new(
            param,
            "array_above_max_length",
            format!(
                "Invalid '{param}': array too long. Expected an array with maximum length {max}, but got an array with length {length} instead."
            ),
        ));
    }
    Ok(())
}

/// A parameter the body must carry but does not (or carries empty).
pub(crate) fn missing(param: &str) -> ValidationError {
    ValidationError::new(
        param,
        "missing_required_parameter",
        format!("Missing required parameter: '{param}'."),
    )
}

/// Largest number of metadata pairs or file attributes.
pub const MAX_METADATA_PAIRS: usize = 16;
/// Longest metadata or attribute key.
pub const MAX_METADATA_KEY: usize = 64;
/// Longest metadata value or string attribute.
pub const MAX_METADATA_VALUE: usize = 512;

/// Object keys: at most 16, each at most 64 characters.
pub(crate) fn map_keys<'a>(
    param: &str,
    keys: impl ExactSizeIterator<Item = &'a String>,
) -> Checked {
    let count = keys.len();
    if count > MAX_METADATA_PAIRS {
        return Err(ValidationError::new(
            param,
            "object_above_max_properties",
            format!(
                "Invalid '{param}': too many properties. Expected an object with at most {MAX_METADATA_PAIRS} properties, but got an object with {count} properties instead."
            ),
        ));
    }
    for key in keys {
        let length = key.chars().count();
        if length > MAX_METADATA_KEY {
            return Err(ValidationError::new(
                param,
                "string_above_max_length",
                format!(
                    "Invalid '{param}': key too long. Expected keys with maximum length {MAX_METADATA_KEY}, but got a key with length {length} instead."
                ),
            ));
        }
    }
    Ok(())
}

/// The metadata bounds: ≤ 16 pairs, keys ≤ 64 and values ≤ 512 characters.
pub(crate) fn metadata(param: &str, metadata: &Metadata) -> Checked {
    map_keys(param, metadata.keys())?;
    for (key, value) in metadata {
        string_max(&field(param, key), value, MAX_METADATA_VALUE)?;
    }
    Ok(())
}

/// The same for an optional (possibly `null`) metadata field.
pub(crate) fn metadata_opt(param: &str, value: Option<&Metadata>) -> Checked {
    value.map_or(Ok(()), |m| metadata(param, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_bounds_read_like_the_hosted_api() {
        let err = decimal_in("temperature", 2.5, 0.0, 2.0).unwrap_err();
        assert_eq!(err.param, "temperature");
        assert_eq!(err.code, "decimal_above_max_value");
        assert_eq!(
            err.message,
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead."
        );
        let err = decimal_in("top_p", -0.1, 0.0, 1.0).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid 'top_p': decimal below minimum value. Expected a value >= 0, but got -0.1 instead."
        );
        assert!(
            decimal_in("top_p", 1.0, 0.0, 1.0).is_ok(),
            "the bounds themselves are allowed"
        );
    }

    #[test]
    fn metadata_limits_name_the_field() {
        let too_many: Metadata = (0..17).map(|i| (format!("k{i}"), "v".to_owned())).collect();
        let err = metadata("metadata", &too_many).unwrap_err();
        assert_eq!(err.param, "metadata");
        assert_eq!(
            err.message,
            "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead."
        );

        let long_key: Metadata = [("k".repeat(65), "v".to_owned())].into();
        let err = metadata("metadata", &long_key).unwrap_err();
        assert_eq!(err.param, "metadata");
        assert!(err.message.contains("maximum length 64"), "{}", err.message);

        let long_value: Metadata = [("user".to_owned(), "é".repeat(513))].into();
        let err = metadata("metadata", &long_value).unwrap_err();
        assert_eq!(err.param, "metadata.user");
        assert_eq!(
            err.message,
            "Invalid 'metadata.user': string too long. Expected a string with maximum length 512, but got a string with length 513 instead."
        );

        let at_limit: Metadata = [("k".repeat(64), "é".repeat(512))].into();
        assert!(
            metadata("metadata", &at_limit).is_ok(),
            "limits count characters, not bytes"
        );
    }

    #[test]
    fn validation_errors_become_invalid_request_errors() {
        let api = integer_at_least("max_prompt_tokens", 100, 256)
            .unwrap_err()
            .to_api_error();
        assert_eq!(api.kind, "invalid_request_error");
        assert_eq!(api.param.as_deref(), Some("max_prompt_tokens"));
        assert_eq!(api.code.as_deref(), Some("integer_below_min_value"));
        assert_eq!(
            api.message,
            "Invalid 'max_prompt_tokens': integer below minimum value. Expected a value >= 256, but got 100 instead."
        );
    }
}
