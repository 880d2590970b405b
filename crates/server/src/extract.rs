//! Request extractors whose rejections are API error envelopes, never axum's plain-text ones.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use hearth_wire::{ApiError, ListOrder, ListQuery};
use serde::de::DeserializeOwned;

use crate::errors::Failure;

/// A JSON body parsed the way the hosted API did: unknown fields are a 400 that names them, and an
/// empty body reads as `{}` (py sends bodiless POSTs such as cancel with a JSON content type).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                Failure::new(
                    rejection.status(),
                    ApiError::invalid_request(rejection.body_text(), None, None),
                )
            })?;
        Ok(Self(hearth_engine::request_body(&bytes)?))
    }
}

/// The cursor list parameters (`limit`, `order`, `after`, `before`) plus `run_id` for messages.
/// Other parameters (such as `include[]`) are ignored, as SDKs may send them.
#[derive(Debug, Default)]
pub struct ListParams {
    /// The cursor query the engine takes.
    pub query: ListQuery,
    /// `run_id`: only messages produced by this run.
    pub run_id: Option<String>,
    /// `purpose`: only files with this purpose.
    pub purpose: Option<String>,
    /// `filter`: only vector store files in this status.
    pub filter: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListParams {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                Failure::new(
                    StatusCode::BAD_REQUEST,
                    ApiError::invalid_request(rejection.body_text(), None, None),
                )
            })?;
        let mut params = ListParams::default();
        for (key, value) in pairs {
            match key.as_str() {
                "limit" => params.query.limit = Some(parse_limit(&value)?),
                "order" => params.query.order = Some(parse_order(&value)?),
                "after" => params.query.after = Some(value),
                "before" => params.query.before = Some(value),
                "run_id" => params.run_id = Some(value),
                "purpose" => params.purpose = Some(value),
                "filter" => params.filter = Some(value),
                _ => {}
            }
        }
        Ok(params)
    }
}

/// The values of `include[]` (SDKs send `include[]=v`; a bare `include=v` is read too).
#[derive(Debug, Default)]
pub struct IncludeParams(pub hearth_engine::StepInclude);

impl<S: Send + Sync> FromRequestParts<S> for IncludeParams {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Query(pairs) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                Failure::new(
                    StatusCode::BAD_REQUEST,
                    ApiError::invalid_request(rejection.body_text(), None, None),
                )
            })?;
        let values: Vec<String> = pairs
            .into_iter()
            .filter(|(key, _)| key == "include[]" || key == "include")
            .map(|(_, value)| value)
            .collect();
        Ok(Self(hearth_engine::StepInclude::from_values(&values)?))
    }
}

fn parse_limit(value: &str) -> Result<u32, Failure> {
    let limit: i64 = value.parse().map_err(|_| {
        Failure::invalid(
            format!("Invalid 'limit': expected an integer, but got '{value}' instead."),
            Some("limit"),
        )
    })?;
    // The range itself is the engine's rule; only the type is checked here.
    u32::try_from(limit).map_err(|_| {
        Failure::invalid(
            format!(
                "Invalid 'limit': integer out of range. Expected a value between 1 and {}, but got {limit} instead.",
                ListQuery::MAX_LIMIT
            ),
            Some("limit"),
        )
    })
}

fn parse_order(value: &str) -> Result<ListOrder, Failure> {
    match value {
        "asc" => Ok(ListOrder::Asc),
        "desc" => Ok(ListOrder::Desc),
        other => Err(Failure::invalid(
            format!(
                "Invalid value for 'order': expected one of 'asc' or 'desc', but got '{other}' instead."
            ),
            Some("order"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_must_be_non_negative_integers() {
        assert_eq!(parse_limit("5").unwrap(), 5);
        assert_eq!(
            parse_limit("ten").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            parse_limit("-1").unwrap_err().error.param.as_deref(),
            Some("limit")
        );
    }

    #[test]
    fn order_is_asc_or_desc_only() {
        assert_eq!(parse_order("asc").unwrap(), ListOrder::Asc);
        assert_eq!(
            parse_order("sideways").unwrap_err().error.param.as_deref(),
            Some("order")
        );
    }
}
