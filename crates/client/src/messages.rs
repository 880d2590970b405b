//! Messages: `/threads/{thread_id}/messages`.

use futures_util::Stream;
use serde::Serialize;

use crate::request::{Call, seg};
use crate::{Client, Error, ListQuery, Message, MessageDeleted, Page};

fn messages_path(thread_id: &str) -> String {
    format!("/threads/{}/messages", seg(thread_id))
}

fn message_path(thread_id: &str, message_id: &str) -> String {
    format!("/threads/{}/messages/{}", seg(thread_id), seg(message_id))
}

impl Client {
    /// `POST /threads/{thread_id}/messages` with a `CreateMessageRequest`.
    pub async fn create_message(
        &self,
        thread_id: &str,
        body: &impl Serialize,
    ) -> Result<Message, Error> {
        self.json(Call::post(messages_path(thread_id)).beta().json(body)?)
            .await
    }

    /// `GET /threads/{thread_id}/messages/{message_id}`.
    pub async fn retrieve_message(
        &self,
        thread_id: &str,
        message_id: &str,
    ) -> Result<Message, Error> {
        self.json(Call::get(message_path(thread_id, message_id)).beta())
            .await
    }

    /// `POST /threads/{thread_id}/messages/{message_id}` with a `ModifyMessageRequest` (metadata only).
    pub async fn modify_message(
        &self,
        thread_id: &str,
        message_id: &str,
        body: &impl Serialize,
    ) -> Result<Message, Error> {
        self.json(
            Call::post(message_path(thread_id, message_id))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `DELETE /threads/{thread_id}/messages/{message_id}`.
    pub async fn delete_message(
        &self,
        thread_id: &str,
        message_id: &str,
    ) -> Result<MessageDeleted, Error> {
        self.json(Call::delete(message_path(thread_id, message_id)).beta())
            .await
    }

    /// `GET /threads/{thread_id}/messages`: one page (filter by run with `query.param("run_id", …)`).
    pub async fn list_messages(
        &self,
        thread_id: &str,
        query: &ListQuery,
    ) -> Result<Page<Message>, Error> {
        self.page(messages_path(thread_id), true, query).await
    }

    /// `GET /threads/{thread_id}/messages`: every message, page after page.
    pub fn all_messages(
        &self,
        thread_id: &str,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Message, Error>> + Send + 'static {
        self.paginate(messages_path(thread_id), true, query)
    }
}
