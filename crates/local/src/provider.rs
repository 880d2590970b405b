//! The `local` provider: GGUF models run on this machine's CPU by llama.cpp.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use futures_util::StreamExt;
use futures_util::stream;
use hearth_engine::providers::{
    ChatMessage, ChatRequest, ChatStream, ModelInfo, Provider, ProviderError, ResponseFormat,
    ToolChoice,
};

use crate::library;
use crate::llama::Settings;
use crate::process::WorkerCommand;
use crate::protocol::Turn;
use crate::worker::{self, Job};

/// How long a model stays loaded without requests, by default.
pub const DEFAULT_IDLE_UNLOAD: Duration = Duration::from_secs(10 * 60);
/// The largest context used by default, whatever the model was trained for: the key/value cache
/// grows with it (about 90 MB at 4096 tokens for a 135M model, gigabytes for large models).
pub const DEFAULT_MAX_CONTEXT: u32 = 4096;

/// Where the provider finds its models.
#[derive(Debug, Clone)]
pub enum ModelSource {
    /// Every `.gguf` file in this folder; a model's id is its file name without `.gguf`.
    Folder(PathBuf),
    /// This one file; its id is its file name without `.gguf`.
    File(PathBuf),
}

/// Settings of the local provider.
#[derive(Debug, Clone)]
pub struct LocalConfig {
    /// Where the models are.
    pub models: ModelSource,
    /// Unload a model after this long without requests.
    pub idle_unload: Duration,
    /// Upper bound on the context window (prompt plus answer) in tokens.
    pub max_context: u32,
    /// CPU threads for generation; `None` uses every core (up to 8).
    pub threads: Option<usize>,
    /// The process llama.cpp runs in.
    pub worker: WorkerCommand,
}

impl LocalConfig {
    /// Default settings for the models in `models`.
    pub fn new(models: ModelSource) -> Self {
        Self {
            models,
            idle_unload: DEFAULT_IDLE_UNLOAD,
            max_context: DEFAULT_MAX_CONTEXT,
            threads: None,
            worker: WorkerCommand::this_program(),
        }
    }
}

/// GGUF models run by llama.cpp in a worker process (see [`WorkerCommand`]), so a file that makes
/// llama.cpp crash fails its run instead of the program. Requests queue for one thread that drives
/// the worker; dropping a stream stops its generation before the next token.
#[derive(Debug)]
pub struct LocalProvider {
    config: LocalConfig,
    jobs: Sender<Job>,
    /// The running worker process's id; 0 while there is none.
    worker_pid: Arc<AtomicU32>,
}

impl LocalProvider {
    /// Starts the provider's thread; the worker process starts with the first request.
    pub fn new(config: LocalConfig) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel();
        let idle = config.idle_unload;
        let command = config.worker.clone();
        let worker_pid = Arc::new(AtomicU32::new(0));
        let pid = worker_pid.clone();
        std::thread::Builder::new()
            .name("hearth-local".into())
            .spawn(move || worker::run(queue, idle, command, &pid))
            .expect("the OS should allow one more thread");
        Self {
            config,
            jobs,
            worker_pid,
        }
    }

    /// The id of the worker process llama.cpp runs in, while one is running (it starts with the
    /// first request and stops when idle or when it crashed).
    pub fn worker_pid(&self) -> Option<u32> {
        Some(self.worker_pid.load(Ordering::SeqCst)).filter(|pid| *pid != 0)
    }

    /// Whether the local models can call function tools. They cannot: llama.cpp's built-in chat
    /// templates (the ones `llama-cpp-2` exposes) format only plain text turns, so an assistant
    /// with function tools must use another provider.
    pub fn supports_tools(&self) -> bool {
        false
    }

    /// The model file behind `id`.
    fn resolve(&self, id: &str) -> Result<PathBuf, ProviderError> {
        let found = match &self.config.models {
            ModelSource::File(path) => (library::model_id(path) == id
                || path.file_name().is_some_and(|name| name == id))
            .then(|| path.clone()),
            ModelSource::Folder(dir) => library::path_of(dir, id).ok().filter(|p| p.is_file()),
        };
        found.ok_or_else(|| {
            let known = self
                .model_files()
                .iter()
                .map(|p| library::model_id(p))
                .collect::<Vec<_>>();
            ProviderError::BadRequest {
                status: 404,
                message: if known.is_empty() {
                    format!("there is no local model {id:?}: no models are installed")
                } else {
                    format!(
                        "there is no local model {id:?}; installed: {}",
                        known.join(", ")
                    )
                },
            }
        })
    }

    fn model_files(&self) -> Vec<PathBuf> {
        match &self.config.models {
            ModelSource::File(path) => vec![path.clone()],
            ModelSource::Folder(dir) => library::model_files(dir).unwrap_or_default(),
        }
    }

    fn settings(&self, request: &ChatRequest) -> Settings {
        let threads = self
            .config
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(4, |n| n.get().min(8)));
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Settings {
            // llama.cpp's own defaults when the assistant leaves them unset.
            temperature: request.temperature.map_or(0.8, |t| t as f32),
            top_p: request.top_p.map_or(0.95, |p| p as f32),
            max_tokens: request.max_output_tokens,
            // The worker narrows this to what the model was trained for.
            context: self.config.max_context,
            threads: threads as i32,
            seed,
        }
    }
}

#[async_trait]
impl Provider for LocalProvider {
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError> {
        refuse_unsupported(request)?;
        let path = self.resolve(&request.model)?;
        let settings = self.settings(request);
        let (events, receiver) = tokio::sync::mpsc::unbounded_channel();
        let job = Job {
            path,
            turns: turns(request),
            settings,
            events,
        };
        self.jobs.send(job).map_err(|_| ProviderError::Server {
            status: 500,
            message: "the local model worker has stopped".into(),
        })?;
        Ok(stream::unfold(receiver, |mut receiver| async move {
            let event = receiver.recv().await?;
            Some((event, receiver))
        })
        .boxed())
    }

    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError> {
        let files = self.model_files();
        let max_context = u64::from(self.config.max_context);
        let models = tokio::task::spawn_blocking(move || {
            files
                .iter()
                .filter_map(|path| {
                    let header = crate::gguf::read_header(path).ok()?;
                    Some(ModelInfo {
                        id: library::model_id(path),
                        context_window: Some(
                            header
                                .context_length
                                .map_or(max_context, |c| c.min(max_context)),
                        ),
                    })
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| ProviderError::Server {
            status: 500,
            message: format!("listing the local models failed: {e}"),
        })?;
        Ok(models)
    }
}

/// Refuses what the local models cannot do, rather than quietly answering without it.
fn refuse_unsupported(request: &ChatRequest) -> Result<(), ProviderError> {
    let refuse = |message: String| ProviderError::BadRequest {
        status: 400,
        message,
    };
    if !request.tools.is_empty() && request.tool_choice != ToolChoice::None {
        return Err(refuse(format!(
            "the local model {:?} cannot call tools; remove the assistant's function tools or choose a model from another provider",
            request.model
        )));
    }
    match request.response_format {
        None | Some(ResponseFormat::Text) => Ok(()),
        Some(_) => Err(refuse(format!(
            "the local model {:?} can only answer in plain text (response_format \"text\")",
            request.model
        ))),
    }
}

/// The conversation as (role, text) turns for the chat template. Tool turns (left by another
/// provider earlier in the thread) are written out as text so the model still sees them.
fn turns(request: &ChatRequest) -> Vec<Turn> {
    let mut turns = Vec::with_capacity(request.messages.len() + 1);
    if let Some(system) = request.system.as_deref().filter(|s| !s.is_empty()) {
        turns.push(("system", system.to_owned()));
    }
    for message in &request.messages {
        turns.push(match message {
            ChatMessage::User(text) => ("user", text.clone()),
            ChatMessage::Assistant { text, tool_calls } => {
                let mut text = text.clone();
                for call in tool_calls {
                    text.push_str(&format!("\n[called {}({})]", call.name, call.arguments));
                }
                ("assistant", text)
            }
            ChatMessage::ToolResult { call_id, output } => {
                ("user", format!("[result of tool call {call_id}]\n{output}"))
            }
        });
    }
    turns
        .into_iter()
        .map(|(role, text)| Turn {
            role: role.to_owned(),
            text,
        })
        .collect()
}
