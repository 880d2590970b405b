//! Reading request bodies the way the hosted API did: unknown fields are an error that names them.

use serde::de::DeserializeOwned;

use crate::error::{EngineError, EngineResult};

/// Parses a JSON request body into `T`, refusing fields `T` does not know.
pub fn request_body<T: DeserializeOwned>(body: &[u8]) -> EngineResult<T> {
    // SDKs send `Content-Type: application/json` with an empty body on bodiless POSTs (cancel).
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut unknown = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value =
        serde_ignored::deserialize(&mut deserializer, |path| unknown.push(path.to_string()))
            .map_err(|error| {
                EngineError::invalid(
                    format!("We could not parse the JSON body of your request: {error}"),
                    None,
                )
            })?;
    if let Some(field) = unknown.first() {
        return Err(EngineError::invalid(
            format!("Unrecognized request argument supplied: {field}"),
            Some(field),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use hearth_wire::CreateAssistantRequest;

    use super::*;

    #[test]
    fn unknown_fields_are_named_in_a_400() {
        let error =
            request_body::<CreateAssistantRequest>(br#"{"model":"m","colour":"red"}"#).unwrap_err();
        assert_eq!(error.status(), 400);
        assert_eq!(
            error.to_api_error().message,
            "Unrecognized request argument supplied: colour"
        );
        assert_eq!(error.to_api_error().param.as_deref(), Some("colour"));
    }

    #[test]
    fn an_empty_body_reads_as_an_empty_object() {
        let request: hearth_wire::ModifyThreadRequest = request_body(b"").unwrap();
        assert_eq!(request, hearth_wire::ModifyThreadRequest::default());
    }

    #[test]
    fn malformed_json_says_so() {
        let error = request_body::<CreateAssistantRequest>(b"{\"model\":").unwrap_err();
        assert!(
            error
                .to_api_error()
                .message
                .starts_with("We could not parse the JSON body")
        );
    }
}
