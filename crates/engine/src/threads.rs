//! Threads: create (with initial messages), retrieve, modify, delete.

use hearth_store::{Tx, new_id};
use hearth_wire::{
    CreateMessageRequest, CreateThreadRequest, IdPrefix, ModifyThreadRequest, Thread,
    ThreadDeleted, ThreadTag, ToolResources, Validate,
};

use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};
use crate::messages::new_user_message;
use crate::resources::Owner;

impl Engine {
    /// `POST /threads`
    pub fn create_thread(&self, mut request: CreateThreadRequest) -> EngineResult<Thread> {
        request.validate()?;
        let resources = self.prepare_new_thread(&mut request)?;
        self.store()
            .transaction(|tx| insert_thread(tx, request, resources))
    }

    /// Everything a new thread needs before it is stored: its attachments are checked, and its
    /// inline vector stores and the one its file_search attachments go to are made.
    pub(crate) fn prepare_new_thread(
        &self,
        request: &mut CreateThreadRequest,
    ) -> EngineResult<Option<ToolResources>> {
        let messages: Vec<&CreateMessageRequest> = request.messages.iter().flatten().collect();
        self.check_attachments(&messages)?;
        let resources =
            self.resolve_tool_resources(request.tool_resources.take(), Owner::Thread)?;
        self.attach_for_search(resources, &messages)
    }

    /// `GET /threads/{thread_id}`
    pub fn get_thread(&self, thread_id: &str) -> EngineResult<Thread> {
        IdPrefix::Thread.check("thread_id", thread_id)?;
        self.store()
            .get_thread(thread_id)?
            .ok_or_else(|| EngineError::not_found("thread", thread_id))
    }

    /// `POST /threads/{thread_id}`
    pub fn modify_thread(
        &self,
        thread_id: &str,
        request: ModifyThreadRequest,
    ) -> EngineResult<Thread> {
        request.validate()?;
        let mut thread = self.get_thread(thread_id)?;
        if let Some(resources) = request.tool_resources {
            thread.tool_resources = resources;
        }
        if let Some(metadata) = request.metadata {
            thread.metadata = Some(metadata.unwrap_or_default());
        }
        self.store().update_thread(&thread)?;
        Ok(thread)
    }

    /// `DELETE /threads/{thread_id}`: its messages, runs and steps go with it. A run executing on
    /// it is stopped first so it cannot write into a thread that is gone.
    pub fn delete_thread(&self, thread_id: &str) -> EngineResult<ThreadDeleted> {
        IdPrefix::Thread.check("thread_id", thread_id)?;
        if let Some(run) = self.store().active_run(thread_id)? {
            self.signal_cancel(&run.id);
        }
        if !self.store().delete_thread(thread_id)? {
            return Err(EngineError::not_found("thread", thread_id));
        }
        // The thread's Python session (and its files) go too, without making the caller wait.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let engine = self.clone();
            let thread_id = thread_id.to_owned();
            runtime.spawn(async move { engine.end_code_session(&thread_id).await });
        }
        Ok(ThreadDeleted::new(thread_id))
    }
}

/// Creates a thread and its initial messages inside an open transaction; `tool_resources` are
/// those [`Engine::prepare_new_thread`] made.
pub(crate) fn insert_thread(
    tx: &Tx<'_>,
    request: CreateThreadRequest,
    tool_resources: Option<ToolResources>,
) -> EngineResult<Thread> {
    let thread = Thread {
        id: new_id(IdPrefix::Thread.as_str()),
        object: ThreadTag,
        created_at: now(),
        tool_resources,
        metadata: Some(request.metadata.unwrap_or_default()),
    };
    tx.insert_thread(&thread)?;
    for message in request.messages.unwrap_or_default() {
        tx.insert_message(&new_user_message(&thread.id, message))?;
    }
    Ok(thread)
}
