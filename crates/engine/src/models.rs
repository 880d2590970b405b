//! Models, as the provider lists them.

use hearth_wire::{Model, ModelList};

use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// `GET /models`
    pub async fn list_models(&self) -> EngineResult<ModelList> {
        let models = self
            .inner
            .provider
            .list_models()
            .await
            .map_err(|error| EngineError::Internal(error.to_string()))?;
        Ok(ModelList {
            object: Default::default(),
            data: models
                .into_iter()
                .map(|model| Model {
                    id: model.id,
                    object: Default::default(),
                    created: 0,
                    owned_by: "hearth".to_owned(),
                    shutdown_date: None,
                })
                .collect(),
        })
    }
}
