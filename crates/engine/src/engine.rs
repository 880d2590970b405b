//! The engine handle: the store, the model provider and the runs being executed right now.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use hearth_store::Store;
use hearth_wire::UnixTime;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use crate::code::{CodeInterpreterSettings, CodeSessions};
use crate::error::{EngineError, EngineResult};
use crate::knowledge::{Embedder, Knowledge};
use crate::providers::{ModelInfo, Provider};
use crate::runs::SaveBatch;

/// How long the provider's model list (for context windows) is trusted before it is asked again.
const MODEL_LIST_TTL: Duration = Duration::from_secs(300);

/// Settings with the hosted API's values as defaults; tests shorten the waits.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// How long a run waits in `requires_action` for tool outputs before it expires.
    pub requires_action_timeout: Duration,
    /// `expires_at` of a new run, counted from its creation.
    pub run_expiry: Duration,
    /// Context window assumed for models whose provider does not say.
    pub default_context_window: u64,
    /// Folder where uploaded files' bytes are kept (normally `files` beside the database); without
    /// one, uploads are refused with a message saying so.
    pub files_dir: Option<PathBuf>,
    /// Largest file an upload may send, in bytes (the hosted API's 512 MB by default).
    pub upload_limit: u64,
    /// Turns chunks into vectors for search; without one, search ranks by keywords (BM25) alone.
    pub embedder: Option<Arc<dyn Embedder>>,
    /// How many files are parsed, chunked and embedded at once.
    pub indexing_workers: usize,
    /// How long a file_search waits for files still being indexed before it searches what is there.
    pub file_search_wait: Duration,
    /// Where the code interpreter's Python runtime and sessions live; without it, runs with
    /// code_interpreter fail with a message saying so.
    pub code_interpreter: Option<CodeInterpreterSettings>,
    /// How many runs may execute (call the model, run tools) at once; more wait as `queued`.
    pub max_running_runs: usize,
    /// How many runs may wait as `queued` beyond those executing; a run created past that is
    /// refused with a 429 (`rate_limit_exceeded`) instead of waiting without end.
    pub max_queued_runs: usize,
    /// How many events a run's stream holds for a reader that has not taken them yet.
    pub stream_buffer: usize,
    /// How long a run waits for a stream's reader to make room before it stops streaming to it
    /// (the run goes on and is saved; the stream ends).
    pub stream_stall_timeout: Duration,
    /// How much streamed text and arguments a run may hold before saving them.
    pub stream_save_batch: SaveBatch,
}

/// Runs executing at once by default: each mostly waits on its provider, so many fit on a small
/// machine; a local model serves them one at a time anyway.
pub const DEFAULT_MAX_RUNNING_RUNS: usize = 256;

/// Runs waiting for a slot by default, beyond those executing.
pub const DEFAULT_MAX_QUEUED_RUNS: usize = 1024;

/// Events a stream holds for its reader by default: a few hundred kilobytes at most, far more
/// than a reader that keeps up ever leaves waiting.
pub const DEFAULT_STREAM_BUFFER: usize = 256;

/// The hosted API's upload limit: 512 MB.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 512 * 1024 * 1024;

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            requires_action_timeout: Duration::from_secs(10 * 60),
            run_expiry: Duration::from_secs(10 * 60),
            default_context_window: 128_000,
            files_dir: None,
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            embedder: None,
            indexing_workers: 2,
            file_search_wait: Duration::from_secs(60),
            code_interpreter: None,
            max_running_runs: DEFAULT_MAX_RUNNING_RUNS,
            max_queued_runs: DEFAULT_MAX_QUEUED_RUNS,
            stream_buffer: DEFAULT_STREAM_BUFFER,
            stream_stall_timeout: Duration::from_secs(30),
            stream_save_batch: SaveBatch::default(),
        }
    }
}

/// The local Assistants engine. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) provider: Arc<dyn Provider>,
    pub(crate) config: EngineConfig,
    /// Cancellation of the executor task of each run that has one.
    active: Mutex<HashMap<String, CancellationToken>>,
    /// The provider's models as last listed, so a run does not wait for a listing each time.
    models: tokio::sync::Mutex<Option<(Instant, Vec<ModelInfo>)>>,
    /// Files, vector stores and their indexing.
    pub(crate) knowledge: Knowledge,
    /// The code interpreter's sessions, one per thread.
    pub(crate) code: CodeSessions,
    /// One permit per run allowed to execute at once.
    running_slots: Arc<Semaphore>,
    /// One permit per run allowed to exist unfinished (executing or queued); held from creation
    /// to the end of the run's task.
    admissions: Arc<Semaphore>,
}

impl Engine {
    /// An engine over `store` that answers with `provider`.
    pub fn new(store: Store, provider: Arc<dyn Provider>, config: EngineConfig) -> Self {
        let running = config.max_running_runs.clamp(1, Semaphore::MAX_PERMITS);
        let unfinished = running
            .saturating_add(config.max_queued_runs)
            .min(Semaphore::MAX_PERMITS);
        Self {
            inner: Arc::new(Inner {
                knowledge: Knowledge::new(&config),
                code: CodeSessions::new(config.code_interpreter.clone()),
                store,
                provider,
                config,
                active: Mutex::new(HashMap::new()),
                models: tokio::sync::Mutex::new(None),
                running_slots: Arc::new(Semaphore::new(running)),
                admissions: Arc::new(Semaphore::new(unfinished)),
            }),
        }
    }

    /// The store underneath, for reads the API has no operation for (the app's thread list, search).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn config(&self) -> &EngineConfig {
        &self.inner.config
    }

    /// The context window of `model` as the provider reports it, else the configured default.
    pub(crate) async fn context_window(&self, model: &str) -> u64 {
        let mut cached = self.inner.models.lock().await;
        let fresh = cached
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < MODEL_LIST_TTL);
        if !fresh {
            // A provider that cannot list its models is not asked again until the list expires.
            let models = self.inner.provider.list_models().await.unwrap_or_default();
            *cached = Some((Instant::now(), models));
        }
        cached
            .as_ref()
            .and_then(|(_, models)| models.iter().find(|info| info.id == model))
            .and_then(|info| info.context_window)
            .unwrap_or(self.inner.config.default_context_window)
    }

    /// A place for one more unfinished run, or the 429 that says the server is full. Taken before
    /// a run is written, so a refused request leaves nothing behind.
    pub(crate) fn admit_run(&self) -> EngineResult<OwnedSemaphorePermit> {
        Arc::clone(&self.inner.admissions)
            .try_acquire_owned()
            .map_err(|_| {
                EngineError::rate_limited(format!(
                    "Too many runs at once: {} are executing and {} are queued, the most this server takes. Try again shortly.",
                    self.inner.config.max_running_runs.max(1),
                    self.inner.config.max_queued_runs
                ))
            })
    }

    /// Waits for a slot to execute a run in; the run stays `queued` until then.
    pub(crate) async fn running_slot(&self) -> OwnedSemaphorePermit {
        Arc::clone(&self.inner.running_slots)
            .acquire_owned()
            .await
            .expect("the engine never closes its run semaphore")
    }

    /// Registers a run's executor; the token is cancelled by `cancel_run`.
    pub(crate) fn track(&self, run_id: &str) -> CancellationToken {
        let token = CancellationToken::new();
        self.active().insert(run_id.to_owned(), token.clone());
        token
    }

    pub(crate) fn untrack(&self, run_id: &str) {
        self.active().remove(run_id);
    }

    /// Cancels the executor of `run_id`, if one is running; returns whether there was one.
    pub(crate) fn signal_cancel(&self, run_id: &str) -> bool {
        match self.active().get(run_id) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancels every executor, for a clean shutdown.
    pub fn cancel_all(&self) {
        for token in self.active().values() {
            token.cancel();
        }
    }

    /// How many runs have a task now, executing or queued for a slot.
    pub fn running(&self) -> usize {
        self.active().len()
    }

    fn active(&self) -> std::sync::MutexGuard<'_, HashMap<String, CancellationToken>> {
        // The map holds no invariant a panic could break halfway.
        self.inner
            .active
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The current time as the API writes it.
pub(crate) fn now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as UnixTime)
        .unwrap_or_default()
}
