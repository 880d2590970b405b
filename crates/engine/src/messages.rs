//! Messages: create, retrieve, modify, delete, list.

use hearth_store::new_id;
use hearth_wire::{
    CreateMessageRequest, IdPrefix, ListQuery, ListResponse, Message, MessageDeleted,
    MessageStatus, MessageTag, ModifyMetadataRequest, Validate,
};

use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// `POST /threads/{thread_id}/messages`: refused while a run is active on the thread, as the
    /// hosted API did, so a run never sees the thread change under it.
    pub fn create_message(
        &self,
        thread_id: &str,
        request: CreateMessageRequest,
    ) -> EngineResult<Message> {
        request.validate()?;
        self.get_thread(thread_id)?;
        self.check_attachments(&[&request])?;
        if let Some(run) = self.store().active_run(thread_id)? {
            return Err(busy(thread_id, &run.id));
        }
        self.attach_to_thread(thread_id, &[&request])?;
        self.store().transaction(|tx| {
            if let Some(run) = tx.active_run(thread_id)? {
                return Err(busy(thread_id, &run.id));
            }
            let message = new_user_message(thread_id, request);
            tx.insert_message(&message)?;
            Ok(message)
        })
    }

    /// `GET /threads/{thread_id}/messages/{message_id}`
    pub fn get_message(&self, thread_id: &str, message_id: &str) -> EngineResult<Message> {
        IdPrefix::Thread.check("thread_id", thread_id)?;
        IdPrefix::Message.check("message_id", message_id)?;
        self.store()
            .get_message(thread_id, message_id)?
            .ok_or_else(|| EngineError::not_found("message", message_id))
    }

    /// `POST /threads/{thread_id}/messages/{message_id}`: only metadata can change.
    pub fn modify_message(
        &self,
        thread_id: &str,
        message_id: &str,
        request: ModifyMetadataRequest,
    ) -> EngineResult<Message> {
        request.validate()?;
        let mut message = self.get_message(thread_id, message_id)?;
        if let Some(metadata) = request.metadata {
            message.metadata = Some(metadata.unwrap_or_default());
        }
        self.store().update_message(&message)?;
        Ok(message)
    }

    /// `DELETE /threads/{thread_id}/messages/{message_id}`
    pub fn delete_message(
        &self,
        thread_id: &str,
        message_id: &str,
    ) -> EngineResult<MessageDeleted> {
        IdPrefix::Thread.check("thread_id", thread_id)?;
        IdPrefix::Message.check("message_id", message_id)?;
        if !self.store().delete_message(thread_id, message_id)? {
            return Err(EngineError::not_found("message", message_id));
        }
        Ok(MessageDeleted::new(message_id))
    }

    /// `GET /threads/{thread_id}/messages`, optionally only those a run produced.
    pub fn list_messages(
        &self,
        thread_id: &str,
        run_id: Option<&str>,
        query: &ListQuery,
    ) -> EngineResult<ListResponse<Message>> {
        crate::lists::check_query(query)?;
        self.get_thread(thread_id)?;
        Ok(self.store().list_messages(thread_id, run_id, query)?)
    }
}

fn busy(thread_id: &str, run_id: &str) -> EngineError {
    EngineError::invalid(
        format!("Can't add messages to {thread_id} while a run {run_id} is active."),
        None,
    )
}

/// A message a person (or a script) adds; it is complete the moment it exists.
pub(crate) fn new_user_message(thread_id: &str, request: CreateMessageRequest) -> Message {
    Message {
        id: new_id(IdPrefix::Message.as_str()),
        object: MessageTag,
        created_at: now(),
        thread_id: thread_id.to_owned(),
        status: MessageStatus::Completed,
        incomplete_details: None,
        completed_at: None,
        incomplete_at: None,
        role: request.role,
        content: request.content.into_content(),
        assistant_id: None,
        run_id: None,
        attachments: Some(request.attachments.unwrap_or_default()),
        metadata: Some(request.metadata.unwrap_or_default()),
    }
}
