//! Models: `/models` (no beta header, not paginated).

use crate::request::{Call, seg};
use crate::{Client, Error, Model, ModelDeleted, ModelList};

impl Client {
    /// `GET /models`: every model (the list is not paginated).
    pub async fn list_models(&self) -> Result<Vec<Model>, Error> {
        Ok(self
            .json::<ModelList>(Call::get("/models".into()))
            .await?
            .data)
    }

    /// `GET /models/{model}`.
    pub async fn retrieve_model(&self, model: &str) -> Result<Model, Error> {
        self.json(Call::get(format!("/models/{}", seg(model))))
            .await
    }

    /// `DELETE /models/{model}` (fine-tuned models only).
    pub async fn delete_model(&self, model: &str) -> Result<ModelDeleted, Error> {
        self.json(Call::delete(format!("/models/{}", seg(model))))
            .await
    }
}
