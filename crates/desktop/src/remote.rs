//! A remote profile: an Assistants v2 server (a team's `hearth-server`, say) reached through the
//! client, with everything it answers mirrored into a store of the profile's own on
//! this computer.
//!
//! Reads go to the server and write what they got into the mirror; when the server cannot be
//! reached they answer from the mirror instead, so the app can still be browsed and searched.
//! Writes and runs need the server and fail with [`BackendError::Offline`] without it. Every call
//! tries the server again, so the first one that gets through brings the profile back online.

mod documents;
mod events;
mod files;
mod knowledge;
mod link;
mod mirror;

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use hearth_client::{ApiKey, Client, Config, INCLUDE_FILE_SEARCH_CONTENT};
use hearth_store::{MessageAnchor, MessageWindow, Store};
use hearth_wire::{
    Assistant, CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest,
    FileObject, ListOrder, ListQuery, Message, Model, ModifyAssistantRequest, ModifyThreadRequest,
    Run, RunStep, SubmitToolOutputsRequest, Thread, VectorStoreFile,
};

use crate::backend::{Backend, RunEvents, UploadProgress, all_pages};
use crate::error::BackendError;
use link::Link;
use mirror::remember;

/// How long a call may take before the server counts as unreachable. The SDKs' ten minutes suit a
/// script; a window waiting that long before showing the mirror would look frozen. Streams are
/// not cut by it while events (or the server's keep-alive comments) keep arriving.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Retries after a failed attempt: one, so a dropped connection is retried without making every
/// read while offline wait through the whole backoff schedule.
const MAX_RETRIES: u32 = 1;

/// The largest page the protocol allows; fewer round trips for long threads.
const PAGE: u32 = 100;

/// A remote Assistants v2 server as a [`Backend`], with its offline mirror.
pub struct RemoteBackend {
    client: Client,
    mirror: Store,
    link: Link,
    /// Copies of the files read from the server, beside the mirror.
    copies: files::FileCopies,
    /// Image copies being written in the background.
    copying: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// The last model list the server gave; models are not kept in the store.
    models: Mutex<Vec<Model>>,
}

impl std::fmt::Debug for RemoteBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteBackend")
            .field("url", &self.link.url())
            .field("online", &self.link.is_online())
            .finish_non_exhaustive()
    }
}

impl RemoteBackend {
    /// A profile for the server at `base_url` (including `/v1`), sending `token` as its bearer
    /// token, mirrored into the database at `mirror_path` (created if needed). Nothing is sent
    /// yet: the first call (or [`RemoteBackend::check_connection`]) finds out if it is reachable.
    pub fn open(
        base_url: &str,
        token: Option<ApiKey>,
        mirror_path: &Path,
    ) -> Result<Self, BackendError> {
        let mut config = Config::new(base_url)
            .timeout(REQUEST_TIMEOUT)
            .max_retries(MAX_RETRIES);
        config.api_key = token;
        Self::with_config(config, mirror_path)
    }

    /// Like [`RemoteBackend::open`], with every client setting chosen by the caller.
    pub fn with_config(config: Config, mirror_path: &Path) -> Result<Self, BackendError> {
        // Shown in errors and the offline banner: without user info or query.
        let url = hearth_http::redact_url(config.base_url.trim_end_matches('/'));
        let client = Client::new(config).map_err(|error| {
            BackendError::Invalid(format!("The server address {url} cannot be used: {error}"))
        })?;
        let mirror = Store::open(mirror_path)?;
        Ok(Self {
            client,
            mirror,
            link: Link::new(url),
            copies: files::FileCopies::new(files::cache_dir(mirror_path)),
            copying: Mutex::new(Vec::new()),
            models: Mutex::new(Vec::new()),
        })
    }

    /// The server's base URL.
    pub fn url(&self) -> &str {
        self.link.url()
    }

    /// Asks the server for its models, the cheapest call there is; whether it answered (it may
    /// still have refused the token, which the next call reports).
    pub async fn check_connection(&self) -> bool {
        // The outcome is in the link's state; the models are kept for `list_models`.
        let _ = self.list_models().await;
        self.link.is_online()
    }

    /// Copies a thread's messages into the mirror; offline, the mirror stays as it is.
    async fn sync_messages(&self, thread_id: &str) -> Result<(), BackendError> {
        self.ensure_thread(thread_id).await?;
        let listed = self.call(
            "listing the thread's messages",
            self.client
                .all_messages(thread_id, every(ListOrder::Asc))
                .try_collect::<Vec<_>>(),
        );
        match listed.await {
            Ok(messages) => {
                let kept = self.mirror.replace_thread_messages(thread_id, &messages);
                remember("the thread's messages", kept);
                self.keep_images_of(&messages);
                Ok(())
            }
            Err(BackendError::Offline { .. }) => Ok(()),
            Err(error) => Err(self.forget_thread_if_gone(thread_id, error)),
        }
    }
}

/// A query for every item, page by page, in `order`.
fn every(order: ListOrder) -> ListQuery {
    ListQuery::default().limit(PAGE).order(order)
}

#[async_trait]
impl Backend for RemoteBackend {
    fn store(&self) -> &Store {
        &self.mirror
    }

    fn is_online(&self) -> bool {
        self.link.is_online()
    }

    async fn list_assistants(&self) -> Result<Vec<Assistant>, BackendError> {
        let listed = self.call(
            "listing the assistants",
            self.client
                .all_assistants(every(ListOrder::Desc))
                .try_collect::<Vec<_>>(),
        );
        match listed.await {
            Ok(assistants) => {
                remember(
                    "the assistants",
                    self.mirror.replace_assistants(&assistants),
                );
                Ok(assistants)
            }
            Err(BackendError::Offline { .. }) => all_pages(
                ListOrder::Desc,
                |assistant: &Assistant| &assistant.id,
                |query| Ok(self.mirror.list_assistants(query)?),
            ),
            Err(error) => Err(error),
        }
    }

    async fn create_assistant(
        &self,
        request: CreateAssistantRequest,
    ) -> Result<Assistant, BackendError> {
        let assistant = self
            .call(
                "creating the assistant",
                self.client.create_assistant(&request),
            )
            .await?;
        remember("an assistant", self.mirror.put_assistant(&assistant));
        Ok(assistant)
    }

    async fn modify_assistant(
        &self,
        assistant_id: &str,
        request: ModifyAssistantRequest,
    ) -> Result<Assistant, BackendError> {
        let modified = self
            .call(
                "changing the assistant",
                self.client.modify_assistant(assistant_id, &request),
            )
            .await;
        match modified {
            Ok(assistant) => {
                remember("an assistant", self.mirror.put_assistant(&assistant));
                Ok(assistant)
            }
            Err(error @ BackendError::NotFound(_)) => {
                remember(
                    "a deleted assistant",
                    self.mirror.delete_assistant(assistant_id).map(drop),
                );
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    async fn delete_assistant(&self, assistant_id: &str) -> Result<(), BackendError> {
        let deleted = self
            .call(
                "deleting the assistant",
                self.client.delete_assistant(assistant_id),
            )
            .await;
        // Gone either way: deleted now, or the server never had it any more.
        if matches!(deleted, Ok(_) | Err(BackendError::NotFound(_))) {
            remember(
                "a deleted assistant",
                self.mirror.delete_assistant(assistant_id).map(drop),
            );
        }
        deleted.map(drop)
    }

    async fn create_thread(&self, request: CreateThreadRequest) -> Result<Thread, BackendError> {
        let with_messages = request.messages.as_ref().is_some_and(|m| !m.is_empty());
        let thread = self
            .call("creating the thread", self.client.create_thread(&request))
            .await?;
        remember("a thread", self.mirror.put_thread(&thread));
        // The thread list titles a thread by its first message, so the messages it was created
        // with are mirrored now rather than when it is first opened.
        if with_messages && let Err(error) = self.sync_messages(&thread.id).await {
            log::warn!(
                "the messages of the new thread {} were not mirrored: {error}",
                thread.id
            );
        }
        Ok(thread)
    }

    async fn modify_thread(
        &self,
        thread_id: &str,
        request: ModifyThreadRequest,
    ) -> Result<Thread, BackendError> {
        let thread = self
            .call(
                "changing the thread",
                self.client.modify_thread(thread_id, &request),
            )
            .await
            .map_err(|error| self.forget_thread_if_gone(thread_id, error))?;
        remember("a thread", self.mirror.put_thread(&thread));
        Ok(thread)
    }

    async fn delete_thread(&self, thread_id: &str) -> Result<(), BackendError> {
        self.call("deleting the thread", self.client.delete_thread(thread_id))
            .await
            .map_err(|error| self.forget_thread_if_gone(thread_id, error))?;
        remember(
            "a deleted thread",
            self.mirror.delete_thread(thread_id).map(drop),
        );
        Ok(())
    }

    async fn message_window(
        &self,
        thread_id: &str,
        anchor: &MessageAnchor,
        limit: u32,
    ) -> Result<MessageWindow, BackendError> {
        // Opening a thread (its latest messages) brings the whole thread into the mirror; the
        // earlier and later pages the view then asks for are read from there.
        if *anchor == MessageAnchor::Latest {
            self.sync_messages(thread_id).await?;
        }
        Ok(self.mirror.message_window(thread_id, anchor, limit)?)
    }

    async fn create_message(
        &self,
        thread_id: &str,
        request: CreateMessageRequest,
    ) -> Result<Message, BackendError> {
        self.ensure_thread(thread_id).await?;
        let message = self
            .call(
                "adding the message",
                self.client.create_message(thread_id, &request),
            )
            .await
            .map_err(|error| self.forget_thread_if_gone(thread_id, error))?;
        remember("a message", self.mirror.put_message(&message));
        Ok(message)
    }

    async fn list_runs(&self, thread_id: &str) -> Result<Vec<Run>, BackendError> {
        self.ensure_thread(thread_id).await?;
        let listed = self.call(
            "listing the thread's runs",
            self.client
                .all_runs(thread_id, every(ListOrder::Asc))
                .try_collect::<Vec<_>>(),
        );
        match listed.await {
            Ok(runs) => {
                remember(
                    "the thread's runs",
                    self.mirror.replace_thread_runs(thread_id, &runs),
                );
                Ok(runs)
            }
            Err(BackendError::Offline { .. }) => all_pages(
                ListOrder::Asc,
                |run: &Run| &run.id,
                |query| Ok(self.mirror.list_runs(thread_id, query)?),
            ),
            Err(error) => Err(self.forget_thread_if_gone(thread_id, error)),
        }
    }

    async fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
    ) -> Result<Vec<RunStep>, BackendError> {
        self.ensure_run(thread_id, run_id).await?;
        // With the passages file_search found: a citation opens the one it cites.
        let query = every(ListOrder::Asc).param("include[]", INCLUDE_FILE_SEARCH_CONTENT);
        let listed = self.call(
            "listing the run's steps",
            self.client
                .all_run_steps(thread_id, run_id, query)
                .try_collect::<Vec<_>>(),
        );
        match listed.await {
            Ok(steps) => {
                remember(
                    "the run's steps",
                    self.mirror.replace_run_steps(run_id, &steps),
                );
                Ok(steps)
            }
            Err(BackendError::Offline { .. }) => Ok(self.mirror.run_steps(run_id)?),
            Err(error) => Err(self.forget_run_if_gone(thread_id, run_id, error)),
        }
    }

    async fn create_run(
        &self,
        thread_id: &str,
        request: CreateRunRequest,
    ) -> Result<RunEvents, BackendError> {
        // The run's messages arrive as events and need their thread in the mirror.
        self.ensure_thread(thread_id).await?;
        let events = self
            .call(
                "starting the run",
                self.client.create_run_stream(thread_id, &request, &[]),
            )
            .await
            .map_err(|error| self.forget_thread_if_gone(thread_id, error))?;
        Ok(events::mirrored(
            events,
            self.mirror.clone(),
            self.link.clone(),
        ))
    }

    async fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        request: SubmitToolOutputsRequest,
    ) -> Result<RunEvents, BackendError> {
        self.ensure_run(thread_id, run_id).await?;
        let events = self
            .call(
                "sending the tool outputs",
                self.client
                    .submit_tool_outputs_stream(thread_id, run_id, &request),
            )
            .await?;
        Ok(events::mirrored(
            events,
            self.mirror.clone(),
            self.link.clone(),
        ))
    }

    async fn cancel_run(&self, thread_id: &str, run_id: &str) -> Result<Run, BackendError> {
        let run = self
            .call(
                "cancelling the run",
                self.client.cancel_run(thread_id, run_id),
            )
            .await
            .map_err(|error| self.forget_run_if_gone(thread_id, run_id, error))?;
        if self.ensure_thread(thread_id).await.is_ok() {
            remember("a run", self.mirror.put_run(&run));
        }
        Ok(run)
    }

    async fn list_models(&self) -> Result<Vec<Model>, BackendError> {
        let listed = self
            .call("listing the models", self.client.list_models())
            .await;
        let mut kept = self.models.lock().unwrap_or_else(PoisonError::into_inner);
        match listed {
            Ok(models) => {
                kept.clone_from(&models);
                Ok(models)
            }
            Err(BackendError::Offline { .. }) if !kept.is_empty() => Ok(kept.clone()),
            Err(error) => Err(error),
        }
    }

    async fn file(&self, file_id: &str) -> Result<FileObject, BackendError> {
        self.remote_file(file_id).await
    }

    async fn file_content(&self, file_id: &str) -> Result<Vec<u8>, BackendError> {
        self.remote_file_content(file_id).await
    }

    async fn upload_document(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress,
    ) -> Result<FileObject, BackendError> {
        self.remote_upload(path, filename, progress).await
    }

    async fn thread(&self, thread_id: &str) -> Result<Thread, BackendError> {
        self.remote_thread(thread_id).await
    }

    async fn assistant(&self, assistant_id: &str) -> Result<Assistant, BackendError> {
        self.remote_assistant(assistant_id).await
    }

    async fn vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        self.remote_vector_store_file(vector_store_id, file_id)
            .await
    }

    async fn upload_image(
        &self,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<FileObject, BackendError> {
        self.remote_upload_image(filename, bytes).await
    }
}
