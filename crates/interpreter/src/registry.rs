//! The sessions by key, the spare kept ready for the next one, and the ending of idle sessions.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;
use tokio_util::sync::CancellationToken;

use crate::files::{self, Snapshot};
use crate::session::Session;
use crate::setup::Setup;
use crate::{ExecuteRequest, Execution, InterpreterConfig, InterpreterError, Outcome};

#[derive(Debug)]
pub(crate) struct Registry {
    config: InterpreterConfig,
    setup: OnceCell<Setup>,
    sessions: Mutex<HashMap<String, Arc<Slot>>>,
    spare: tokio::sync::Mutex<Option<Session>>,
    spare_starting: AtomicBool,
    /// The task starting the next spare, so a shutdown can stop it (and its sandbox) at once.
    spare_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
    reaper_started: AtomicBool,
    closed: AtomicBool,
}

/// A key's place: its session while it has one. Calls on one key take turns.
#[derive(Debug)]
struct Slot {
    session: tokio::sync::Mutex<Option<Session>>,
    /// Cancelled when the slot is dropped from the map (ended, idle): a running call stops, and
    /// a call that was waiting for the slot takes a fresh one.
    ended: CancellationToken,
    last_used: Mutex<Instant>,
}

impl Registry {
    pub(crate) fn new(config: InterpreterConfig) -> Self {
        Self {
            config,
            setup: OnceCell::new(),
            sessions: Mutex::new(HashMap::new()),
            spare: tokio::sync::Mutex::new(None),
            spare_starting: AtomicBool::new(false),
            spare_task: Mutex::new(None),
            reaper_started: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn config(&self) -> &InterpreterConfig {
        &self.config
    }

    /// The shared set-up, made at the first check or call; a failure is not kept, so fixing the
    /// system and trying again works.
    pub(crate) async fn setup(&self) -> Result<&Setup, InterpreterError> {
        self.setup
            .get_or_try_init(|| Setup::new(&self.config))
            .await
    }

    pub(crate) async fn execute(
        this: &Arc<Self>,
        request: ExecuteRequest<'_>,
        cancel: &CancellationToken,
    ) -> Result<Execution, InterpreterError> {
        let setup = this.setup().await?;
        this.closed.store(false, Ordering::SeqCst);
        Self::start_reaper(this);
        loop {
            let slot = this.slot(request.session);
            let mut session = tokio::select! {
                guard = slot.session.lock() => guard,
                () = cancel.cancelled() => return Ok(cancelled_before_start()),
            };
            if slot.ended.is_cancelled() {
                continue;
            }
            if session.is_none() {
                let started = tokio::select! {
                    started = Self::new_session(this, setup) => started?,
                    () = cancel.cancelled() => return Ok(cancelled_before_start()),
                };
                *session = Some(started);
            }
            let running = session.as_mut().expect("a session was just put in place");
            let execution =
                run_call(running, &this.config, setup, &request, cancel, &slot.ended).await;
            let ended = matches!(&execution,
                Ok(e) if !matches!(e.outcome, Outcome::Completed | Outcome::Raised));
            if ended && let Some(finished) = session.take() {
                finished.end().await;
            }
            *slot.last_used.lock().expect("not poisoned") = Instant::now();
            return execution;
        }
    }

    fn slot(&self, key: &str) -> Arc<Slot> {
        let mut sessions = self.sessions.lock().expect("not poisoned");
        sessions
            .entry(key.to_string())
            .or_insert_with(|| {
                Arc::new(Slot {
                    session: tokio::sync::Mutex::new(None),
                    ended: CancellationToken::new(),
                    last_used: Mutex::new(Instant::now()),
                })
            })
            .clone()
    }

    /// A ready session: the spare if there is a live one, else one started now. Either way a new
    /// spare is started behind it.
    async fn new_session(this: &Arc<Self>, setup: &Setup) -> Result<Session, InterpreterError> {
        let mut spare = this.spare.lock().await.take();
        let session = match spare.as_mut().map(Session::is_alive) {
            Some(true) => spare.expect("the spare was just seen"),
            alive => {
                if alive == Some(false)
                    && let Some(dead) = spare
                {
                    dead.end().await;
                }
                Session::start(&this.config, setup, &setup.containment).await?
            }
        };
        Self::refill_spare(this);
        Ok(session)
    }

    fn refill_spare(this: &Arc<Self>) {
        if !this.config.spare_session || this.spare_starting.swap(true, Ordering::SeqCst) {
            return;
        }
        let registry = Arc::clone(this);
        let task = tokio::spawn(async move {
            if let Ok(setup) = registry.setup().await {
                match Session::start(&registry.config, setup, &setup.containment).await {
                    Ok(session) if !registry.closed.load(Ordering::SeqCst) => {
                        *registry.spare.lock().await = Some(session);
                    }
                    Ok(session) => session.end().await,
                    Err(error) => {
                        log::warn!("the interpreter's spare session did not start: {error}")
                    }
                }
            }
            registry.spare_starting.store(false, Ordering::SeqCst);
        });
        *this.spare_task.lock().expect("not poisoned") = Some(task);
    }

    fn start_reaper(this: &Arc<Self>) {
        if this.reaper_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let registry: Weak<Self> = Arc::downgrade(this);
        let tick = (this.config.idle_timeout / 4)
            .clamp(Duration::from_millis(50), Duration::from_secs(30));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(tick).await;
                let Some(registry) = registry.upgrade() else {
                    return;
                };
                registry.end_idle().await;
            }
        });
    }

    /// Ends the sessions unused for longer than the idle time; a session in a call is not idle.
    async fn end_idle(&self) {
        let idle: Vec<(String, Arc<Slot>)> = {
            let sessions = self.sessions.lock().expect("not poisoned");
            sessions
                .iter()
                .filter(|(_, slot)| {
                    slot.last_used.lock().expect("not poisoned").elapsed()
                        >= self.config.idle_timeout
                })
                .map(|(key, slot)| (key.clone(), Arc::clone(slot)))
                .collect()
        };
        for (key, slot) in idle {
            let Ok(mut session) = slot.session.try_lock() else {
                continue;
            };
            {
                let mut sessions = self.sessions.lock().expect("not poisoned");
                if sessions
                    .get(&key)
                    .is_some_and(|kept| Arc::ptr_eq(kept, &slot))
                {
                    sessions.remove(&key);
                }
            }
            slot.ended.cancel();
            if let Some(finished) = session.take() {
                log::debug!("ending the idle interpreter session {key}");
                finished.end().await;
            }
        }
    }

    pub(crate) async fn end(&self, key: &str) {
        let slot = self.sessions.lock().expect("not poisoned").remove(key);
        if let Some(slot) = slot {
            end_slot(&slot).await;
        }
    }

    pub(crate) async fn shutdown(&self) {
        self.closed.store(true, Ordering::SeqCst);
        let slots: Vec<Arc<Slot>> = self
            .sessions
            .lock()
            .expect("not poisoned")
            .drain()
            .map(|(_, slot)| slot)
            .collect();
        for slot in slots {
            end_slot(&slot).await;
        }
        // A spare still starting is stopped: dropping its start kills its sandbox.
        let starting = self.spare_task.lock().expect("not poisoned").take();
        if let Some(task) = starting {
            task.abort();
            let _ = task.await;
        }
        if let Some(spare) = self.spare.lock().await.take() {
            spare.end().await;
        }
    }
}

/// Stops a slot's running call, if any, and ends its session.
async fn end_slot(slot: &Slot) {
    slot.ended.cancel();
    if let Some(session) = slot.session.lock().await.take() {
        session.end().await;
    }
}

/// One call in a live session: the files placed, the code run, what changed collected.
async fn run_call(
    session: &mut Session,
    config: &InterpreterConfig,
    setup: &Setup,
    request: &ExecuteRequest<'_>,
    cancel: &CancellationToken,
    ended: &CancellationToken,
) -> Result<Execution, InterpreterError> {
    let data = session.paths.data.clone();
    files::place_inputs(&data, request.files, &setup.containment)?;
    let before = Snapshot::take(&data);
    let result = session
        .call(request.code, &config.limits, cancel, ended)
        .await;
    let files = match result.outcome {
        Outcome::Completed | Outcome::Raised => before.changed(&Snapshot::take(&data), &data),
        _ => Vec::new(),
    };
    Ok(Execution {
        logs: result.logs,
        images: result.images,
        files,
        outcome: result.outcome,
    })
}

fn cancelled_before_start() -> Execution {
    Execution {
        logs: "[The call was cancelled before it started.]\n".into(),
        images: Vec::new(),
        files: Vec::new(),
        outcome: Outcome::Cancelled,
    }
}
