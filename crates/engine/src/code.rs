//! The code interpreter as the engine runs it: the Python runtime it needs, one sandboxed session
//! per thread, the files a thread's code sees under `/mnt/data`, and the files it makes (kept as
//! `assistants_output` files).

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use hearth_interpreter::{
    ExecuteRequest, InputFile, Interpreter, InterpreterConfig, InterpreterError, Limits, Outcome,
};
use hearth_python::{Runtime, RuntimeState};
use hearth_wire::{AttachmentTool, CodeInterpreterOutput, ImageOutput, Run};
use tokio_util::sync::CancellationToken;

use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

/// Where the code interpreter's runtime and sessions live, and what each call may use.
#[derive(Debug, Clone)]
pub struct CodeInterpreterSettings {
    /// The Python runtime folder (`python` in the data folder).
    pub runtime_dir: PathBuf,
    /// Where sessions keep their `/mnt/data` while they live.
    pub sessions_dir: PathBuf,
    /// How long an unused session lives (10 minutes by default).
    pub idle_timeout: Duration,
    pub limits: Limits,
}

impl CodeInterpreterSettings {
    /// The defaults for a data folder: `python` and `sessions` inside it.
    pub fn in_data_dir(data_dir: &std::path::Path) -> Self {
        Self {
            runtime_dir: data_dir.join("python"),
            sessions_dir: data_dir.join("sessions"),
            idle_timeout: Duration::from_secs(10 * 60),
            limits: Limits::default(),
        }
    }
}

/// The interpreter, made when the first call needs it (the runtime may be set up after start).
pub(crate) struct CodeSessions {
    settings: Option<CodeInterpreterSettings>,
    interpreter: tokio::sync::Mutex<Option<Interpreter>>,
}

/// A call's results as the run records them.
pub(crate) struct CodeResult {
    /// The step's outputs: the logs, then each image.
    pub outputs: Vec<CodeInterpreterOutput>,
    /// Image file ids, for the answer's `image_file` parts.
    pub images: Vec<String>,
    /// Files written under `/mnt/data`: name → file id.
    pub files: Vec<(String, String)>,
    /// The call was cancelled (the run is being cancelled).
    pub cancelled: bool,
}

/// Why a call could not run at all: the run fails with this message.
pub(crate) struct CodeUnavailable(pub String);

impl CodeSessions {
    pub(crate) fn new(settings: Option<CodeInterpreterSettings>) -> Self {
        Self {
            settings,
            interpreter: tokio::sync::Mutex::new(None),
        }
    }

    /// The interpreter, made now if the runtime is ready; else what is missing, in words.
    async fn interpreter(&self) -> Result<Interpreter, CodeUnavailable> {
        let Some(settings) = &self.settings else {
            return Err(CodeUnavailable(
                "The code interpreter is not available here: this server was started without a data folder for its sessions.".into(),
            ));
        };
        let mut slot = self.interpreter.lock().await;
        if let Some(interpreter) = slot.as_ref() {
            return Ok(interpreter.clone());
        }
        let runtime = Runtime::new(&settings.runtime_dir);
        let ready = match runtime.state() {
            RuntimeState::Ready(ready) => ready,
            RuntimeState::Missing(reason) => {
                return Err(CodeUnavailable(format!(
                    "The code interpreter's Python runtime is not ready: {reason}. Set it up in Hearth's Settings (Code interpreter), or run scripts/python-runtime.sh from Hearth's source."
                )));
            }
        };
        let mut config = InterpreterConfig::new(
            ready.python,
            ready.site_packages,
            settings.sessions_dir.clone(),
        );
        config.idle_timeout = settings.idle_timeout;
        config.limits = settings.limits.clone();
        let interpreter = Interpreter::new(config);
        *slot = Some(interpreter.clone());
        Ok(interpreter)
    }

    /// Ends the session of a deleted thread.
    pub(crate) async fn end(&self, thread_id: &str) {
        let interpreter = self.interpreter.lock().await.clone();
        if let Some(interpreter) = interpreter {
            interpreter.end(thread_id).await;
        }
    }

    /// Ends every session.
    pub(crate) async fn shutdown(&self) {
        let interpreter = self.interpreter.lock().await.clone();
        if let Some(interpreter) = interpreter {
            interpreter.shutdown().await;
        }
    }
}

/// A file the session holds: its id, the name the code sees and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionFile {
    pub file_id: String,
    pub name: String,
    pub path: PathBuf,
}

impl Engine {
    /// The files `run`'s code sees: the code_interpreter files of its assistant (or the run's own
    /// `tool_resources`) and its thread, and the thread's attachments for the code interpreter;
    /// each once, named by its filename (a repeated name gets a number).
    pub(crate) fn code_files(&self, run: &Run) -> EngineResult<Vec<SessionFile>> {
        let code_ids = |resources: Option<hearth_wire::ToolResources>| {
            resources
                .and_then(|resources| resources.code_interpreter)
                .map(|code| code.file_ids)
                .unwrap_or_default()
        };
        let mut ids = match &run.tool_resources {
            Some(resources) if resources.code_interpreter.is_some() => {
                code_ids(Some(resources.clone()))
            }
            _ => code_ids(
                self.store()
                    .get_assistant(&run.assistant_id)?
                    .and_then(|assistant| assistant.tool_resources),
            ),
        };
        ids.extend(code_ids(
            self.store()
                .get_thread(&run.thread_id)?
                .and_then(|thread| thread.tool_resources),
        ));
        for message in self.store().thread_messages(&run.thread_id)? {
            for attachment in message.attachments.iter().flatten() {
                if attachment.tools.contains(&AttachmentTool::CodeInterpreter) {
                    ids.push(attachment.file_id.clone());
                }
            }
        }
        let mut files: Vec<SessionFile> = Vec::new();
        let mut taken: HashMap<String, u32> = HashMap::new();
        for file_id in ids {
            if files.iter().any(|file| file.file_id == file_id) {
                continue;
            }
            // A file deleted since it was attached is simply no longer there.
            let (Some(file), Some(path)) = (
                self.store().get_file(&file_id)?,
                self.store().file_path(&file_id)?,
            ) else {
                continue;
            };
            let name = unique_name(&safe_name(&file.filename), &mut taken);
            files.push(SessionFile {
                file_id,
                name,
                path,
            });
        }
        Ok(files)
    }

    /// Runs one call of `run`'s code in its thread's session and keeps what it made as files.
    pub(crate) async fn run_code(
        &self,
        run: &Run,
        files: &[SessionFile],
        code: &str,
        cancel: &CancellationToken,
    ) -> Result<CodeResult, CodeFailure> {
        let interpreter = self
            .inner
            .code
            .interpreter()
            .await
            .map_err(CodeFailure::Unavailable)?;
        let inputs: Vec<InputFile> = files
            .iter()
            .map(|file| InputFile {
                name: file.name.clone(),
                path: file.path.clone(),
            })
            .collect();
        let execution = interpreter
            .execute(
                ExecuteRequest {
                    session: &run.thread_id,
                    files: &inputs,
                    code,
                },
                cancel,
            )
            .await
            .map_err(|error| match error {
                InterpreterError::Io { .. } => {
                    CodeFailure::Engine(EngineError::Internal(error.to_string()))
                }
                other => CodeFailure::Unavailable(CodeUnavailable(other.to_string())),
            })?;
        let cancelled = execution.outcome == Outcome::Cancelled;
        let mut outputs = Vec::new();
        if !execution.logs.is_empty() {
            outputs.push(CodeInterpreterOutput::Logs {
                logs: execution.logs,
            });
        }
        let mut images = Vec::new();
        for (number, png) in execution.images.into_iter().enumerate() {
            let name = format!("chart-{}.png", number + 1);
            let body =
                futures_util::stream::once(async move { Ok::<_, Infallible>(Bytes::from(png)) });
            let file = self
                .create_output_file(&name, body)
                .await
                .map_err(CodeFailure::Engine)?;
            outputs.push(CodeInterpreterOutput::Image {
                image: ImageOutput {
                    file_id: file.id.clone(),
                },
            });
            images.push(file.id);
        }
        let mut written = Vec::new();
        for output in execution.files {
            let opened = tokio::fs::File::open(&output.path).await.map_err(|error| {
                CodeFailure::Engine(EngineError::Internal(format!(
                    "Could not read {} written by the code: {error}",
                    output.name
                )))
            })?;
            let body = tokio_util::io::ReaderStream::new(opened);
            let base = output.name.rsplit('/').next().unwrap_or(&output.name);
            let file = self
                .create_output_file(base, body)
                .await
                .map_err(CodeFailure::Engine)?;
            written.push((output.name, file.id));
        }
        Ok(CodeResult {
            outputs,
            images,
            files: written,
            cancelled,
        })
    }

    /// Ends the code session of a thread (it was deleted).
    pub(crate) async fn end_code_session(&self, thread_id: &str) {
        self.inner.code.end(thread_id).await;
    }

    /// Ends every code session, for a clean shutdown.
    pub async fn end_code_sessions(&self) {
        self.inner.code.shutdown().await;
    }
}

/// Why a call did not run.
pub(crate) enum CodeFailure {
    /// No sandbox or no runtime: the run fails with this message.
    Unavailable(CodeUnavailable),
    /// Hearth itself failed (storing an output).
    Engine(EngineError),
}

/// A filename safe as one path component under `/mnt/data`.
fn safe_name(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// `name`, or `name-2.ext`, `name-3.ext`, … when it is taken already.
fn unique_name(name: &str, taken: &mut HashMap<String, u32>) -> String {
    let count = taken.entry(name.to_owned()).or_insert(0);
    *count += 1;
    if *count == 1 {
        return name.to_owned();
    }
    let numbered = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{count}.{ext}"),
        _ => format!("{name}-{count}"),
    };
    taken.insert(numbered.clone(), 1);
    numbered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_safe_component_and_repeats_are_numbered() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\sales.csv"), "sales.csv");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name(".."), "file");
        let mut taken = HashMap::new();
        assert_eq!(unique_name("sales.csv", &mut taken), "sales.csv");
        assert_eq!(unique_name("sales.csv", &mut taken), "sales-2.csv");
        assert_eq!(unique_name("README", &mut taken), "README");
        assert_eq!(unique_name("README", &mut taken), "README-2");
    }
}
