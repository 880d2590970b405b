//! What the Hearth desktop app does, without the window: the profiles and their settings, the
//! model providers of the profile "this computer" with their keys in the OS keychain, and one
//! [`Backend`] per profile — the engine inside the app, or a remote Assistants v2 server whose
//! answers are mirrored into a store on this computer so they can be read and searched offline.

mod api_server;
mod backend;
mod embedded;
mod error;
pub mod export;
mod hearth;
pub mod knowledge;
pub mod providers;
pub mod remote;
mod run_event;
mod save;
pub mod settings;

pub use api_server::DEFAULT_API_PORT;
pub use backend::{Backend, RunEvents, UploadProgress};
pub use embedded::EmbeddedBackend;
pub use error::{AppError, BackendError, ErrorCode};
pub use export::{ExportFormat, suggested_export_name};
pub use hearth::{
    API_TOKEN_ACCOUNT, APP_PROGRAM, ApiServerView, CodeRuntimeProgress, CodeRuntimeView,
    Connection, DEFAULT_MODEL_URL_ENV, DownloadProgressView, Hearth, IndexingState, IndexingView,
    LocalFile, LocalFiles, LocalModelList, LocalModelView, ModelGroup, PACKAGE_INDEX_ENV, Paths,
    ProfileInfo, SetupOffer, SetupOffers, UploadProgressView, suggested_file_name,
};
pub use hearth_store::{MessageAnchor, MessageHit, MessageWindow, ThreadSummary};
pub use run_event::RunEvent;
pub use save::write_atomically;

/// Parses a request body the way the server does: unknown fields are an error naming them.
pub fn parse_request<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, BackendError> {
    hearth_engine::request_body(body).map_err(BackendError::from)
}
