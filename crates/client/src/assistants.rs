//! Assistants: `/assistants` (deprecated upstream, still part of the protocol).

use futures_util::Stream;
use serde::Serialize;

use crate::request::{Call, seg};
use crate::{Assistant, AssistantDeleted, Client, Error, ListQuery, Page};

impl Client {
    /// `POST /assistants` with a `CreateAssistantRequest`.
    pub async fn create_assistant(&self, body: &impl Serialize) -> Result<Assistant, Error> {
        self.json(Call::post("/assistants".into()).beta().json(body)?)
            .await
    }

    /// `GET /assistants/{assistant_id}`.
    pub async fn retrieve_assistant(&self, assistant_id: &str) -> Result<Assistant, Error> {
        self.json(Call::get(format!("/assistants/{}", seg(assistant_id))).beta())
            .await
    }

    /// `POST /assistants/{assistant_id}` with a `ModifyAssistantRequest` (only sent fields change).
    pub async fn modify_assistant(
        &self,
        assistant_id: &str,
        body: &impl Serialize,
    ) -> Result<Assistant, Error> {
        self.json(
            Call::post(format!("/assistants/{}", seg(assistant_id)))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `DELETE /assistants/{assistant_id}`.
    pub async fn delete_assistant(&self, assistant_id: &str) -> Result<AssistantDeleted, Error> {
        self.json(Call::delete(format!("/assistants/{}", seg(assistant_id))).beta())
            .await
    }

    /// `GET /assistants`: one page.
    pub async fn list_assistants(&self, query: &ListQuery) -> Result<Page<Assistant>, Error> {
        self.page("/assistants".into(), true, query).await
    }

    /// `GET /assistants`: every assistant, page after page.
    pub fn all_assistants(
        &self,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Assistant, Error>> + Send + 'static {
        self.paginate("/assistants".into(), true, query)
    }
}
