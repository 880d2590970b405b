//! Sending messages and running them: runs stream their events to the window through a channel,
//! token by token, until the run ends or waits for tool outputs.

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use hearth_desktop::{AppError, Hearth, RunEvent};
use hearth_wire::{Message, MessageAttachment, Run, RunStep, ToolOutput};
use tauri::State;
use tauri::ipc::Channel;

/// Adds the user's message to a thread, with its attached files, before any run starts, so a
/// failed run never loses it.
#[tauri::command]
#[specta::specta]
pub async fn add_message(
    hearth: State<'_, Hearth>,
    thread_id: String,
    text: String,
    attachments: Vec<MessageAttachment>,
) -> Result<Message, AppError> {
    Ok(hearth
        .add_message_with_attachments(&thread_id, &text, attachments)
        .await?)
}

/// Starts a run of `assistant_id` on the thread; its events arrive on `on_event`, ending with
/// `done` or `error`.
#[tauri::command]
#[specta::specta]
pub async fn start_run(
    hearth: State<'_, Hearth>,
    thread_id: String,
    assistant_id: String,
    on_event: Channel<RunEvent>,
) -> Result<(), AppError> {
    let events = hearth.start_run(&thread_id, &assistant_id).await?;
    forward(events, on_event);
    Ok(())
}

/// Answers the function calls of a run waiting in `requires_action` and streams the rest.
#[tauri::command]
#[specta::specta]
pub async fn submit_tool_outputs(
    hearth: State<'_, Hearth>,
    thread_id: String,
    run_id: String,
    outputs: Vec<ToolOutput>,
    on_event: Channel<RunEvent>,
) -> Result<(), AppError> {
    let events = hearth
        .submit_tool_outputs(&thread_id, &run_id, outputs)
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
) -> Result<Run, AppError> {
    Ok(hearth.backend()?.cancel_run(&thread_id, &run_id).await?)
}

/// Every run of a thread, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_runs(hearth: State<'_, Hearth>, thread_id: String) -> Result<Vec<Run>, AppError> {
    Ok(hearth.backend()?.list_runs(&thread_id).await?)
}

/// Every step of a run, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_run_steps(
    hearth: State<'_, Hearth>,
    thread_id: String,
    run_id: String,
) -> Result<Vec<RunStep>, AppError> {
    Ok(hearth
        .backend()?
        .list_run_steps(&thread_id, &run_id)
        .await?)
}

/// Sends a run's events to the window as they come. A closed window ends the forwarding; the
/// run itself goes on (its result is in the store).
fn forward(mut events: BoxStream<'static, RunEvent>, channel: Channel<RunEvent>) {
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.next().await {
            if channel.send(event).is_err() {
                return;
            }
        }
    });
}
