//! The app's IPC commands, split by what they act on. Each takes its state and arguments, makes
//! one call into `hearth-desktop` and maps the error. Wire objects (assistants, threads, messages,
//! runs, steps) cross as JSON in the Assistants v2 shape; the UI types them in `ui/src/ipc/wire.ts`.

pub mod app;
pub mod assistants;
pub mod models;
pub mod profiles;
pub mod providers;
pub mod runs;
pub mod search;
pub mod threads;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::AppError;

/// Wire JSON crossing to or from the window. The bindings call it `unknown`: the views type wire
/// objects themselves, and numbers in it are plain JSON numbers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Json(pub Value);

impl specta::Type for Json {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <specta_typescript::Unknown as specta::Type>::definition(types)
    }
}

/// A wire object as JSON for the window.
pub(crate) fn to_json(value: &impl Serialize) -> Result<Json, AppError> {
    serde_json::to_value(value)
        .map(Json)
        .map_err(|error| AppError::internal("while encoding", error))
}

/// A list of wire objects as JSON for the window.
pub(crate) fn to_json_list<T: Serialize>(items: &[T]) -> Result<Vec<Json>, AppError> {
    items.iter().map(to_json).collect()
}

/// Reads a request body with the engine's rules: unknown fields are named in the error.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: Json) -> Result<T, AppError> {
    let bytes =
        serde_json::to_vec(&body.0).map_err(|error| AppError::internal("while encoding", error))?;
    hearth_desktop::parse_request(&bytes).map_err(AppError::from)
}

/// Runs a store read on a blocking thread: a synchronous command would run on the window's own
/// thread, and a long read there holds up every repaint and keystroke.
pub(crate) async fn off_the_window<T: Send + 'static>(
    read: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(read)
        .await
        .map_err(|error| AppError::internal("The read stopped", error))?
}
