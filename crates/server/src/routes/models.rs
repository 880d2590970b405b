//! `/v1/models`: the provider's models, unpaginated.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use hearth_engine::Engine;
use hearth_wire::{ApiError, Model, ModelList};

use crate::errors::{ApiResult, Failure};

/// `GET /v1/models`
pub async fn list(State(engine): State<Engine>) -> ApiResult<Json<ModelList>> {
    Ok(Json(engine.list_models().await?))
}

/// `GET /v1/models/{model}`; ids may contain slashes (`org/model`), so the route is a wildcard.
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(model_id): Path<String>,
) -> ApiResult<Json<Model>> {
    engine
        .list_models()
        .await?
        .data
        .into_iter()
        .find(|model| model.id == model_id)
        .map(Json)
        .ok_or_else(|| {
            Failure::new(
                StatusCode::NOT_FOUND,
                ApiError::invalid_request(
                    format!(
                        "The model '{model_id}' does not exist or you do not have access to it."
                    ),
                    Some("model".to_owned()),
                    Some("model_not_found".to_owned()),
                ),
            )
        })
}
