//! `tool_resources` as requests give them and as objects store them, and the vector store a thread
//! gains from message attachments.

use hearth_wire::{
    AttachmentTool, CreateMessageRequest, CreateVectorStoreFileRequest, CreateVectorStoreRequest,
    FileSearchResources, LastActiveAtAnchor, ToolResources, ToolResourcesRequest,
    VectorStoreExpiresAfter, VectorStoreSeed,
};

use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

/// Vector stores a thread helper creates (inline on a thread, or for attachments) expire after
/// this many idle days, as hosted.
const THREAD_STORE_IDLE_DAYS: u32 = 7;

/// Who a set of inline vector stores is made for; thread stores expire, assistant stores do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Assistant,
    Thread,
}

impl Engine {
    /// The stored form of a create request's `tool_resources`: vector stores asked for inline
    /// through `vector_stores` are created now, with their files.
    pub(crate) fn resolve_tool_resources(
        &self,
        request: Option<ToolResourcesRequest>,
        owner: Owner,
    ) -> EngineResult<Option<ToolResources>> {
        let Some(request) = request else {
            return Ok(None);
        };
        let file_search = match request.file_search {
            None => None,
            Some(file_search) => {
                let mut ids = file_search.vector_store_ids.unwrap_or_default();
                for seed in file_search.vector_stores.unwrap_or_default() {
                    ids.push(self.create_seeded_store(seed, owner)?);
                }
                Some(FileSearchResources {
                    vector_store_ids: ids,
                })
            }
        };
        Ok(Some(ToolResources {
            code_interpreter: request.code_interpreter,
            file_search,
        }))
    }

    fn create_seeded_store(&self, seed: VectorStoreSeed, owner: Owner) -> EngineResult<String> {
        let store = self.create_vector_store(CreateVectorStoreRequest {
            file_ids: seed.file_ids,
            chunking_strategy: seed.chunking_strategy,
            metadata: seed.metadata,
            expires_after: (owner == Owner::Thread).then_some(thread_store_expiry()),
            ..Default::default()
        })?;
        Ok(store.id)
    }

    /// Refuses attachments naming files that do not exist, naming them all.
    pub(crate) fn check_attachments(&self, messages: &[&CreateMessageRequest]) -> EngineResult<()> {
        let mut unknown = Vec::new();
        for message in messages {
            for attachment in message.attachments.iter().flatten() {
                if self.store().get_file(&attachment.file_id)?.is_none()
                    && !unknown.contains(&attachment.file_id)
                {
                    unknown.push(attachment.file_id.clone());
                }
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let names = unknown
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ");
        Err(EngineError::invalid(
            format!("Invalid 'attachments': no file found with id {names}."),
            Some("attachments"),
        ))
    }

    /// Adds the files that `messages` attach for file_search to the thread's vector store (the
    /// first of `resources`), creating one when there is none; returns the resources to store.
    /// Code interpreter attachments stay on their messages only.
    pub(crate) fn attach_for_search(
        &self,
        resources: Option<ToolResources>,
        messages: &[&CreateMessageRequest],
    ) -> EngineResult<Option<ToolResources>> {
        let mut files: Vec<String> = Vec::new();
        for message in messages {
            for attachment in message.attachments.iter().flatten() {
                if attachment.tools.contains(&AttachmentTool::FileSearch)
                    && !files.contains(&attachment.file_id)
                {
                    files.push(attachment.file_id.clone());
                }
            }
        }
        if files.is_empty() {
            return Ok(resources);
        }
        let mut resources = resources.unwrap_or_default();
        let file_search = resources.file_search.get_or_insert_with(Default::default);
        let store_id = match file_search.vector_store_ids.first() {
            Some(id) => id.clone(),
            None => {
                let store = self.create_vector_store(CreateVectorStoreRequest {
                    expires_after: Some(thread_store_expiry()),
                    ..Default::default()
                })?;
                file_search.vector_store_ids.push(store.id.clone());
                store.id
            }
        };
        for file_id in files {
            if self
                .store()
                .get_vector_store_file(&store_id, &file_id)?
                .is_some()
            {
                continue;
            }
            self.create_vector_store_file(
                &store_id,
                CreateVectorStoreFileRequest {
                    file_id,
                    chunking_strategy: None,
                    attributes: None,
                },
            )?;
        }
        Ok(Some(resources))
    }

    /// [`Self::attach_for_search`] for messages added to an existing thread; the thread records a
    /// vector store made for them.
    pub(crate) fn attach_to_thread(
        &self,
        thread_id: &str,
        messages: &[&CreateMessageRequest],
    ) -> EngineResult<()> {
        let mut thread = self.get_thread(thread_id)?;
        let resources = self.attach_for_search(thread.tool_resources.clone(), messages)?;
        if resources != thread.tool_resources {
            thread.tool_resources = resources;
            self.store().update_thread(&thread)?;
        }
        Ok(())
    }
}

fn thread_store_expiry() -> VectorStoreExpiresAfter {
    VectorStoreExpiresAfter {
        anchor: LastActiveAtAnchor,
        days: THREAD_STORE_IDLE_DAYS,
    }
}
