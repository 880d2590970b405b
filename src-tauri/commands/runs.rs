//! Sending messages and running them: runs stream their events to the window through a channel,
//! token by token, until the run ends or waits for tool outputs.

use futures_util::StreamExt;
use hearth_desktop::{Hearth, RunEvents};
use hearth_wire::{CreateMessageRequest, CreateRunRequest, SubmitToolOutputsRequest, ToolOutput};
use serde::Deserialize;
use serde_json::json;
use specta::Type;
use tauri::State;
use tauri::ipc::Channel;

use super::{Json, to_json, to_json_list};
use crate::error::AppError;

/// Adds the user's message to a thread. It is stored before any run starts, so a run that
/// fails to start never loses it.
#[tauri::command]
#[specta::specta]
pub async fn add_message(
    hearth: State<'_, Hearth>,
    thread_id: String,
    text: String,
) -> Result<Json, AppError> {
    if text.trim().is_empty() {
        return Err(AppError::invalid("Write a message first."));
    }
    let message = hearth
        .backend()?
        .create_message(&thread_id, CreateMessageRequest::user(text))
        .await?;
    to_json(&message)
}

/// Starts a run of `assistant_id` on the thread; its events arrive on `on_event` as
/// `{event, data}` in the Assistants v2 stream's names, ending with `done` (or `error`).
#[tauri::command]
#[specta::specta]
pub async fn start_run(
    hearth: State<'_, Hearth>,
    thread_id: String,
    assistant_id: String,
    on_event: Channel<Json>,
) -> Result<(), AppError> {
    let request = CreateRunRequest {
        assistant_id,
        stream: Some(true),
        ..Default::default()
    };
    let events = hearth.backend()?.create_run(&thread_id, request).await?;
    forward(events, on_event);
    Ok(())
}

/// One function call's output as the window sends it.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ToolOutputInput {
    pub tool_call_id: String,
    pub output: String,
}

/// Answers the function calls of a run waiting in `requires_action` and streams the rest.
#[tauri::command]
#[specta::specta]
pub async fn submit_tool_outputs(
    hearth: State<'_, Hearth>,
    thread_id: String,
    run_id: String,
    outputs: Vec<ToolOutputInput>,
    on_event: Channel<Json>,
) -> Result<(), AppError> {
    let request = SubmitToolOutputsRequest {
        tool_outputs: outputs
            .into_iter()
            .map(|output| ToolOutput {
                tool_call_id: output.tool_call_id,
                output: output.output,
            })
            .collect(),
        stream: Some(true),
    };
    let events = hearth
        .backend()?
        .submit_tool_outputs(&thread_id, &run_id, request)
        .await?;
    forward(events, on_event);
    Ok(())
}

/// Asks a run to stop; it ends `cancelled` once the model stops.
#[tauri::command]
#[specta::specta]
pub async fn cancel_run(
    hearth: State<'_, Hearth>,
    thread_id: String,
    run_id: String,
) -> Result<Json, AppError> {
    let run = hearth.backend()?.cancel_run(&thread_id, &run_id).await?;
    to_json(&run)
}

/// Every run of a thread, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_runs(
    hearth: State<'_, Hearth>,
    thread_id: String,
) -> Result<Vec<Json>, AppError> {
    let runs = hearth.backend()?.list_runs(&thread_id).await?;
    to_json_list(&runs)
}

/// Every step of a run, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_run_steps(
    hearth: State<'_, Hearth>,
    thread_id: String,
    run_id: String,
) -> Result<Vec<Json>, AppError> {
    let steps = hearth
        .backend()?
        .list_run_steps(&thread_id, &run_id)
        .await?;
    to_json_list(&steps)
}

/// Sends a run's events to the window as they come. A closed window ends the forwarding; the
/// run itself goes on (its result is in the store).
fn forward(mut events: RunEvents, channel: Channel<Json>) {
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.next().await {
            let frame = match event {
                Ok(event) => json!({ "event": event.name(), "data": event.data_json() }),
                Err(error) => json!({
                    "event": "error",
                    "data": { "message": error.to_string() },
                }),
            };
            if channel.send(Json(frame)).is_err() {
                return;
            }
        }
    });
}
