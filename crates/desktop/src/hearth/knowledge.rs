//! Files and vector stores as the window works with them: the Knowledge page, the files of an
//! assistant's tools, and where a cited passage sits in its file.

use std::path::Path;

use hearth_wire::{
    Assistant, CodeInterpreterResources, CreateVectorStoreRequest, FileObject, FilePurpose,
    FileSearchResources, ListOrder, ListQuery, ModifyAssistantRequest, Thread, ToolResources,
};

use super::Hearth;
use crate::backend::{Backend, all_pages};
use crate::error::BackendError;
use crate::knowledge::{
    AssistantFileTool, KnowledgeOverview, NamedStoreFile, PassagePlace, ScoredChunk, overview,
};

/// Passages one search of a vector store shows.
const SEARCH_RESULTS: u32 = 20;

impl Hearth {
    /// Every file and vector store of the profile in use, with what uses each.
    pub async fn knowledge_overview(&self) -> Result<KnowledgeOverview, BackendError> {
        let backend = self.backend()?;
        let files = backend.list_files().await?;
        let mut stores = Vec::new();
        for store in backend.list_vector_stores().await? {
            let attached = backend.list_vector_store_files(&store.id).await?;
            stores.push((store, attached));
        }
        let assistants = backend.list_assistants().await?;
        let threads = titled_threads(backend.as_ref()).await?;
        Ok(overview(files, stores, &assistants, &threads))
    }

    /// Uploads the file at `path` for assistants (file search or the code interpreter).
    pub async fn upload_file(&self, path: &Path) -> Result<FileObject, BackendError> {
        self.backend()?
            .upload_file(path, FilePurpose::Assistants)
            .await
    }

    /// Deletes a file from the profile; it leaves every vector store it was in.
    pub async fn delete_file(&self, file_id: &str) -> Result<(), BackendError> {
        self.backend()?.delete_file(file_id).await
    }

    /// Deletes a vector store; its files stay.
    pub async fn delete_vector_store(&self, vector_store_id: &str) -> Result<(), BackendError> {
        self.backend()?.delete_vector_store(vector_store_id).await
    }

    /// The files of a vector store with their names and indexing status, newest first.
    pub async fn vector_store_files(
        &self,
        vector_store_id: &str,
    ) -> Result<Vec<NamedStoreFile>, BackendError> {
        let backend = self.backend()?;
        let attached = backend.list_vector_store_files(vector_store_id).await?;
        let files = backend.list_files().await?;
        Ok(attached
            .into_iter()
            .map(|attachment| NamedStoreFile {
                filename: files
                    .iter()
                    .find(|file| file.id == attachment.id)
                    .map_or_else(|| attachment.id.clone(), |file| file.filename.clone()),
                attachment: attachment.into(),
            })
            .collect())
    }

    /// Indexes a file of a vector store again.
    pub async fn reindex_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<NamedStoreFile, BackendError> {
        let backend = self.backend()?;
        let attachment = backend
            .reindex_vector_store_file(vector_store_id, file_id)
            .await?;
        let filename = backend.file(file_id).await?.filename;
        Ok(NamedStoreFile {
            attachment: attachment.into(),
            filename,
        })
    }

    /// The passages of a vector store that best answer `query`, best first.
    pub async fn search_vector_store(
        &self,
        vector_store_id: &str,
        query: &str,
    ) -> Result<Vec<ScoredChunk>, BackendError> {
        self.backend()?
            .search_vector_store(vector_store_id, query, SEARCH_RESULTS)
            .await
    }

    /// The page or section of the passage `text` of file `file_id`, when known.
    pub async fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> Result<Option<PassagePlace>, BackendError> {
        self.backend()?.passage_place(file_id, text).await
    }

    /// Gives an uploaded file to one of an assistant's tools: into its vector store for file
    /// search (the same path as a file dropped on the assistant, [`Hearth::index_for_assistant`]:
    /// the store is made if it has none, and the tool turned on), or to the code interpreter's
    /// files.
    pub async fn add_assistant_file(
        &self,
        assistant_id: &str,
        file_id: &str,
        tool: AssistantFileTool,
    ) -> Result<Assistant, BackendError> {
        let backend = self.backend()?;
        let assistant = find_assistant(backend.as_ref(), assistant_id).await?;
        let mut resources = assistant.tool_resources.clone().unwrap_or_default();
        match tool {
            AssistantFileTool::FileSearch => {
                self.index_for_assistant(assistant_id, file_id).await?;
                return find_assistant(backend.as_ref(), assistant_id).await;
            }
            AssistantFileTool::CodeInterpreter => {
                let code = resources
                    .code_interpreter
                    .get_or_insert_with(CodeInterpreterResources::default);
                if code.file_ids.iter().any(|id| id == file_id) {
                    return Ok(assistant);
                }
                code.file_ids.push(file_id.to_owned());
            }
        }
        set_resources(backend.as_ref(), assistant_id, resources).await
    }

    /// Takes a file away from one of an assistant's tools: out of its vector store, or off the
    /// code interpreter's files. The file itself stays.
    pub async fn remove_assistant_file(
        &self,
        assistant_id: &str,
        file_id: &str,
        tool: AssistantFileTool,
    ) -> Result<Assistant, BackendError> {
        let backend = self.backend()?;
        let assistant = find_assistant(backend.as_ref(), assistant_id).await?;
        let mut resources = assistant.tool_resources.clone().unwrap_or_default();
        match tool {
            AssistantFileTool::FileSearch => {
                for store_id in store_ids(&resources) {
                    backend.remove_vector_store_file(&store_id, file_id).await?;
                }
                Ok(assistant)
            }
            AssistantFileTool::CodeInterpreter => {
                if let Some(code) = resources.code_interpreter.as_mut() {
                    code.file_ids.retain(|id| id != file_id);
                }
                set_resources(backend.as_ref(), assistant_id, resources).await
            }
        }
    }

    /// Makes an existing vector store the one the assistant searches, or, with `None`, leaves it
    /// none (the store stays).
    pub async fn set_assistant_vector_store(
        &self,
        assistant_id: &str,
        vector_store_id: Option<&str>,
    ) -> Result<Assistant, BackendError> {
        let backend = self.backend()?;
        let assistant = find_assistant(backend.as_ref(), assistant_id).await?;
        let mut resources = assistant.tool_resources.unwrap_or_default();
        resources.file_search = vector_store_id.map(|id| FileSearchResources {
            vector_store_ids: vec![id.to_owned()],
        });
        set_resources(backend.as_ref(), assistant_id, resources).await
    }

    /// Gives an assistant a new, empty vector store of its own.
    pub async fn create_assistant_vector_store(
        &self,
        assistant_id: &str,
    ) -> Result<Assistant, BackendError> {
        let backend = self.backend()?;
        let assistant = find_assistant(backend.as_ref(), assistant_id).await?;
        let store = backend
            .create_vector_store(CreateVectorStoreRequest {
                name: Some(store_name(&assistant)),
                ..Default::default()
            })
            .await?;
        let mut resources = assistant.tool_resources.unwrap_or_default();
        resources.file_search = Some(FileSearchResources {
            vector_store_ids: vec![store.id],
        });
        set_resources(backend.as_ref(), assistant_id, resources).await
    }
}

/// The name a vector store made for an assistant gets.
/// The name of the vector store made for an assistant's documents.
pub(super) fn store_name(assistant: &Assistant) -> String {
    match assistant.name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => format!("{name} files"),
        _ => "Assistant files".to_owned(),
    }
}

fn store_ids(resources: &ToolResources) -> Vec<String> {
    resources
        .file_search
        .as_ref()
        .map(|search| search.vector_store_ids.clone())
        .unwrap_or_default()
}

async fn find_assistant(
    backend: &dyn Backend,
    assistant_id: &str,
) -> Result<Assistant, BackendError> {
    backend
        .list_assistants()
        .await?
        .into_iter()
        .find(|assistant| assistant.id == assistant_id)
        .ok_or_else(|| BackendError::NotFound(format!("No assistant with id '{assistant_id}'.")))
}

async fn set_resources(
    backend: &dyn Backend,
    assistant_id: &str,
    resources: ToolResources,
) -> Result<Assistant, BackendError> {
    let request = ModifyAssistantRequest {
        tool_resources: Some(Some(resources)),
        ..Default::default()
    };
    backend.modify_assistant(assistant_id, request).await
}

/// Every thread of the profile's store (the mirror, for a remote profile) with its title.
async fn titled_threads(backend: &dyn Backend) -> Result<Vec<(Thread, String)>, BackendError> {
    let store = backend.store().clone();
    tokio::task::spawn_blocking(move || {
        let titles = store.thread_summaries(None)?;
        let threads = all_pages(
            ListOrder::Desc,
            |thread: &Thread| &thread.id,
            |query: &ListQuery| Ok(store.list_threads(query)?),
        )?;
        Ok(threads
            .into_iter()
            .map(|thread| {
                let title = titles
                    .iter()
                    .find(|summary| summary.id == thread.id)
                    .map(|summary| summary.title.clone())
                    .unwrap_or_default();
                (thread, title)
            })
            .collect())
    })
    .await
    .map_err(|error| BackendError::Internal(format!("The read stopped: {error}")))?
}
