//! The `hearth-server` command line: settings from flags and the environment, then [`crate::serve`]
//! until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use hearth_engine::providers::{ApiKey, Provider, ProviderApi, ProviderConfig};
use hearth_engine::{
    BuiltinEmbedder, CodeInterpreterSettings, Embedder, Engine, EngineConfig, ProviderEmbedder,
    builtin_embedder_dir,
};
use hearth_local::{LocalConfig, LocalProvider, ModelSource};
use hearth_store::{DataLock, DataLockError, LockHolder, Store};
use tokio::net::TcpListener;

use crate::{ConnectionLimits, ServerConfig, Token};

/// The desktop app's identifier, which names its data folder; the server shares the app's data.
pub const APP_IDENTIFIER: &str = "app.hearth.desktop";

/// The name the data folder's lock gives this program.
const PROGRAM: &str = "hearth-server";

/// The name the desktop app writes into the data folder's lock.
const APP_PROGRAM: &str = "Hearth";

/// The environment variable holding the provider's API key.
pub const PROVIDER_KEY_ENV: &str = "HEARTH_PROVIDER_KEY";

/// Exit code when the server refuses to start because its settings are incomplete.
const EXIT_USAGE: u8 = 2;

/// Shortest token accepted: one a person could guess or read over a shoulder protects nothing.
pub const MIN_TOKEN_LEN: usize = 16;

/// Serves Hearth's Assistants v2 engine over HTTP for the official OpenAI SDKs.
#[derive(Debug, Parser)]
#[command(name = "hearth-server", version, about)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port (the printed line says which).
    #[arg(long, default_value = "127.0.0.1:8642")]
    pub listen: SocketAddr,
    /// Folder holding hearth.db; defaults to the desktop app's data folder.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Which API the model provider speaks.
    #[arg(long, value_enum, default_value_t = ProviderKind::Openai)]
    pub provider: ProviderKind,
    /// The provider's base URL, e.g. http://127.0.0.1:11434/v1 for Ollama.
    #[arg(long)]
    pub provider_base_url: Option<String>,
    /// With `--provider local`: the GGUF model file to serve (its id is the file name without
    /// `.gguf`); without it, every model in the data folder's `models` folder.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Largest file an upload may send, in megabytes.
    #[arg(long, default_value_t = 512)]
    pub upload_limit_mb: u64,
    /// Embed file chunks with this model of the provider's OpenAI-compatible `/v1/embeddings`
    /// (at --provider-base-url) instead of the built-in embedder.
    #[arg(long)]
    pub embeddings_model: Option<String>,
    /// Folder of the built-in embedder's model (all-MiniLM-L6-v2: model.safetensors and
    /// tokenizer.json, put there by scripts/embedder-model.sh). Default: the data folder's
    /// embedders/all-MiniLM-L6-v2 when it exists; with neither this nor --embeddings-model,
    /// file search ranks by keywords (BM25) only.
    #[arg(long)]
    pub embedder_dir: Option<PathBuf>,
    /// Folder of the code interpreter's Python runtime (put there by the app's Settings or by
    /// scripts/python-runtime.sh). Default: the data folder's `python`.
    #[arg(long)]
    pub python_runtime: Option<PathBuf>,
    /// Wall time a code_interpreter call may take, in seconds.
    #[arg(long, default_value_t = 120)]
    pub code_timeout_secs: u64,
    /// Memory a code_interpreter session may use, in megabytes.
    #[arg(long, default_value_t = 2048)]
    pub code_memory_mb: u64,
    /// Minutes an unused code_interpreter session lives before it ends.
    #[arg(long, default_value_t = 10)]
    pub code_idle_minutes: u64,
    /// Bearer token clients must send (at least 16 characters). Prefer HEARTH_TOKEN or
    /// --token-file: other users of this computer can read a command line (`ps`).
    #[arg(long, env = "HEARTH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// File holding the bearer token (its first line); wins over --token and HEARTH_TOKEN.
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = crate::DEFAULT_MAX_CONNECTIONS, value_parser = clap::value_parser!(usize))]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers; an idle connection is closed after as long.
    #[arg(long, default_value_t = crate::DEFAULT_HEADER_READ_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Seconds a request may take until its answer starts (a stream then lasts as long as its
    /// run); past it the answer is a 408.
    #[arg(long, default_value_t = crate::DEFAULT_REQUEST_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,
    /// Runs executing at once; more wait as `queued` until one ends.
    #[arg(long, default_value_t = hearth_engine::DEFAULT_MAX_RUNNING_RUNS)]
    pub max_running_runs: usize,
    /// Runs waiting as `queued` beyond those executing; creating one more answers 429 with
    /// Retry-After.
    #[arg(long, default_value_t = hearth_engine::DEFAULT_MAX_QUEUED_RUNS)]
    pub max_queued_runs: usize,
    /// Seconds a run waits for a client that stopped reading its stream before it stops
    /// streaming to it (the run goes on and is saved).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub stream_stall_secs: u64,
    /// On SIGTERM or Ctrl-C, seconds to wait for cancelled runs to close (and as long again for
    /// open streams) before exiting.
    #[arg(long, default_value_t = crate::DEFAULT_SHUTDOWN_GRACE.as_secs())]
    pub shutdown_grace_secs: u64,
}

/// The bearer token from --token-file, else --token / HEARTH_TOKEN, checked for length.
/// `on_command_line` says whether --token itself was given, which earns a warning.
pub fn token(args: &Args, on_command_line: bool) -> Result<String, String> {
    let token = match &args.token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| {
                format!("could not read the token file {}: {error}", path.display())
            })?;
            text.lines().next().unwrap_or_default().trim().to_owned()
        }
        None => {
            if on_command_line {
                log::warn!(
                    "the token was passed with --token, where other users of this computer can read it (ps); use HEARTH_TOKEN or --token-file instead"
                );
            }
            args.token.clone().unwrap_or_default()
        }
    };
    if token.is_empty() {
        return Err(
            "no token. Set HEARTH_TOKEN (or pass --token-file) to the bearer token clients must send."
                .to_owned(),
        );
    }
    let length = token.chars().count();
    if length < MIN_TOKEN_LEN {
        return Err(format!(
            "the token is {length} characters long; it must have at least {MIN_TOKEN_LEN} (e.g. openssl rand -hex 24)."
        ));
    }
    Ok(token)
}

/// The model provider's protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderKind {
    /// OpenAI chat completions (OpenAI, Ollama, LM Studio, vLLM, …).
    Openai,
    /// Anthropic's Messages API.
    Anthropic,
    /// GGUF models run in this process by llama.cpp.
    Local,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("no data folder: pass --data-dir (the OS has no default data folder)")]
    NoDataDir,
    #[error("while creating the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    DataDirInUse(String),
    #[error("{0}")]
    DataDirLock(hearth_store::DataLockError),
    #[error("while opening the database {path}: {source}")]
    Store {
        path: PathBuf,
        source: hearth_store::StoreError,
    },
    #[error("while recovering unfinished runs: {0}")]
    Recover(hearth_engine::EngineError),
    #[error("while setting up the model provider: {0}")]
    Provider(hearth_engine::providers::ProviderError),
    #[error("--provider-base-url: {0}")]
    BaseUrl(String),
    #[error(
        "the {provider} key in the OS keychain was saved for {saved_for}; it is not sent to {origin}. Set HEARTH_PROVIDER_KEY to the key for that server, or change the URL in the app's Settings"
    )]
    KeyForOtherOrigin {
        provider: &'static str,
        saved_for: String,
        origin: String,
    },
    #[error("--model is for --provider local only")]
    ModelWithoutLocal,
    #[error("while checking --model: {0}")]
    Model(String),
    #[error("--embedder-dir and --embeddings-model choose two different embedders; pass one")]
    TwoEmbedders,
    #[error("while loading --embedder-dir: {0}")]
    Embedder(String),
    #[error("while binding {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("while serving: {0}")]
    Serve(std::io::Error),
    #[error("while starting the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// The binary's entry point: parses the command line, serves until a signal, and says how it ended.
pub fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let matches = <Args as clap::CommandFactory>::command().get_matches();
    let args = match <Args as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(error) => error.exit(),
    };
    let on_command_line =
        matches.value_source("token") == Some(clap::parser::ValueSource::CommandLine);
    let token = match token(&args, on_command_line) {
        Ok(token) => token,
        Err(problem) => {
            eprintln!("hearth-server: {problem}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(StartError::Runtime(error)),
    };
    match runtime.block_on(run(args, Token::new(token))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(error),
    }
}

fn fail(error: StartError) -> ExitCode {
    eprintln!("hearth-server: {error}");
    ExitCode::FAILURE
}

async fn run(args: Args, token: Token) -> Result<(), StartError> {
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => dirs::data_dir()
            .ok_or(StartError::NoDataDir)?
            .join(APP_IDENTIFIER),
    };
    std::fs::create_dir_all(&data_dir).map_err(|source| StartError::DataDir {
        path: data_dir.clone(),
        source,
    })?;
    // Held until the server exits: no other program runs the engine on this folder meanwhile.
    let _owner = DataLock::acquire(&data_dir, PROGRAM).map_err(|error| match error {
        DataLockError::InUse { ref holder, .. } => {
            StartError::DataDirInUse(format!("{error}. {}", in_use_advice(holder.as_ref())))
        }
        DataLockError::Io { .. } => StartError::DataDirLock(error),
    })?;
    let db_path = data_dir.join("hearth.db");
    let store = Store::open(&db_path).map_err(|source| StartError::Store {
        path: db_path.clone(),
        source,
    })?;
    let provider = match args.provider {
        ProviderKind::Local => local_provider(args.model, &data_dir)?,
        _ if args.model.is_some() => return Err(StartError::ModelWithoutLocal),
        kind => provider(kind, args.provider_base_url.clone())?,
    };
    let config = EngineConfig {
        files_dir: Some(data_dir.join("files")),
        upload_limit: args.upload_limit_mb.saturating_mul(1024 * 1024),
        embedder: embedder(
            args.embeddings_model,
            args.embedder_dir,
            args.provider_base_url.as_deref(),
            &data_dir,
        )?,
        code_interpreter: Some(code_interpreter_settings(
            &data_dir,
            args.python_runtime,
            args.code_timeout_secs,
            args.code_memory_mb,
            args.code_idle_minutes,
        )),
        max_running_runs: args.max_running_runs.max(1),
        max_queued_runs: args.max_queued_runs,
        stream_stall_timeout: Duration::from_secs(args.stream_stall_secs),
        ..EngineConfig::default()
    };
    let engine = Engine::new(store, provider, config);
    let closed = engine.recover().map_err(StartError::Recover)?;
    if closed > 0 {
        log::info!("closed {closed} run(s) left unfinished by the last process");
    }
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|source| StartError::Bind {
            address: args.listen,
            source,
        })?;
    let address = listener.local_addr().map_err(StartError::Serve)?;
    log::info!("database at {}", db_path.display());
    // Scripts wait for exactly this line on stdout.
    println!("hearth-server listening on http://{address}");
    let config = ServerConfig {
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        connections: ConnectionLimits {
            max_connections: args.max_connections.max(1),
            header_read_timeout: Duration::from_secs(args.header_timeout_secs),
        },
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        ..ServerConfig::new(token)
    };
    let served = crate::serve(engine.clone(), config, listener, shutdown_signal()).await;
    // No Python session outlives the server.
    engine.end_code_sessions().await;
    served.map_err(StartError::Serve)
}

/// What to do when another program holds the data folder: the app can serve the API itself.
fn in_use_advice(holder: Option<&LockHolder>) -> &'static str {
    if holder.is_some_and(|holder| holder.program == APP_PROGRAM) {
        "Close Hearth, or start hearth-server with --data-dir naming another folder, or turn on \
         Settings → \"Let programs on this computer use Hearth\" in the app and use the address it \
         shows instead of this server."
    } else {
        "Stop that program (if hearth-server runs as a service: systemctl --user stop \
         hearth-server), or start this one with --data-dir naming another folder."
    }
}

/// The code interpreter's folders (the runtime and the sessions, in the data folder unless
/// given) and its limits from the flags.
fn code_interpreter_settings(
    data_dir: &Path,
    runtime: Option<PathBuf>,
    timeout_secs: u64,
    memory_mb: u64,
    idle_minutes: u64,
) -> CodeInterpreterSettings {
    let mut settings = CodeInterpreterSettings::in_data_dir(data_dir);
    if let Some(runtime) = runtime {
        settings.runtime_dir = runtime;
    }
    settings.limits.wall_time = Duration::from_secs(timeout_secs.max(1));
    settings.limits.memory_bytes = memory_mb.max(64).saturating_mul(1024 * 1024);
    settings.idle_timeout = Duration::from_secs(idle_minutes.max(1) * 60);
    settings
}

/// The built-in llama.cpp provider, serving `model` or the models in the data folder. Problems
/// that would fail every run (an unusable file, a CPU llama.cpp cannot run on) stop the start.
fn local_provider(
    model: Option<PathBuf>,
    data_dir: &Path,
) -> Result<Arc<dyn Provider>, StartError> {
    if let Some(problem) = hearth_local::cpu_unsupported() {
        return Err(StartError::Model(problem));
    }
    let source = match model {
        Some(path) => {
            hearth_local::gguf::read_header(&path)
                .map_err(|e| StartError::Model(format!("{}: {e}", path.display())))?;
            log::info!("model provider: local, serving {}", path.display());
            ModelSource::File(path)
        }
        None => {
            let dir = hearth_local::models_dir(data_dir);
            log::info!(
                "model provider: local, serving the models in {}",
                dir.display()
            );
            ModelSource::Folder(dir)
        }
    };
    Ok(Arc::new(LocalProvider::new(LocalConfig::new(source))))
}

fn provider(kind: ProviderKind, base_url: Option<String>) -> Result<Arc<dyn Provider>, StartError> {
    let (api, provider_name) = match kind {
        ProviderKind::Anthropic => (ProviderApi::Anthropic, "anthropic"),
        _ => (ProviderApi::OpenAiCompatible, "openai"),
    };
    let base_url = base_url.unwrap_or_else(|| api.default_base_url().to_owned());
    let origin = hearth_http::Origin::of(&base_url)
        .map_err(|problem| StartError::BaseUrl(problem.to_string()))?;
    let mut config = ProviderConfig::new(base_url);
    match std::env::var(PROVIDER_KEY_ENV) {
        Ok(key) if !key.is_empty() => config = config.api_key(ApiKey::new(key)),
        // Otherwise the key the desktop app stored for this provider, if it was saved for this
        // URL's origin; local servers such as Ollama need none, so a missing key is not fatal.
        _ => {
            match hearth_keychain::get_bound(&hearth_keychain::provider_key_account(provider_name))
            {
                Ok(Some(bound)) => {
                    if let Some(saved_for) = bound.origin.as_deref()
                        && hearth_http::Origin::parse(saved_for).as_ref() != Some(&origin)
                    {
                        return Err(StartError::KeyForOtherOrigin {
                            provider: provider_name,
                            saved_for: saved_for.to_owned(),
                            origin: origin.to_string(),
                        });
                    }
                    log::info!("using the {provider_name} key from the OS keychain");
                    config = config.api_key(ApiKey::new(bound.secret.expose().to_owned()));
                }
                Ok(None) => log::warn!(
                    "no provider API key: {PROVIDER_KEY_ENV} is unset and the OS keychain has no {provider_name} key; requests go without one"
                ),
                Err(error) => log::warn!(
                    "no provider API key: {PROVIDER_KEY_ENV} is unset and the OS keychain could not be read ({error}); requests go without one"
                ),
            }
        }
    }
    log::info!(
        "model provider: {kind:?} at {}",
        hearth_http::redact_url(&config.base_url)
    );
    api.build(config).map_err(StartError::Provider)
}

/// The embedder file search uses: the provider's model when one is named, else the built-in one
/// from `embedder_dir` (or the data folder's, when present); none means search by keyword only,
/// which the engine logs. A named folder that cannot be loaded stops the start; the default
/// folder's problem is logged and search falls back to keywords.
fn embedder(
    model: Option<String>,
    embedder_dir: Option<PathBuf>,
    base_url: Option<&str>,
    data_dir: &Path,
) -> Result<Option<Arc<dyn Embedder>>, StartError> {
    if let Some(model) = model {
        if embedder_dir.is_some() {
            return Err(StartError::TwoEmbedders);
        }
        let base_url = base_url.unwrap_or(ProviderApi::OpenAiCompatible.default_base_url());
        hearth_http::parse_base_url(base_url)
            .map_err(|problem| StartError::BaseUrl(problem.to_string()))?;
        let key = std::env::var(PROVIDER_KEY_ENV)
            .ok()
            .filter(|key| !key.is_empty())
            .map(ApiKey::new);
        log::info!(
            "file search embeds with {model} at {}",
            hearth_http::redact_url(base_url)
        );
        return Ok(Some(Arc::new(ProviderEmbedder::new(base_url, key, model))));
    }
    if let Some(dir) = embedder_dir {
        let builtin = BuiltinEmbedder::load(&dir).map_err(StartError::Embedder)?;
        log::info!(
            "file search embeds with the built-in embedder from {}",
            dir.display()
        );
        return Ok(Some(Arc::new(builtin)));
    }
    let dir = builtin_embedder_dir(data_dir);
    if !dir.exists() {
        return Ok(None);
    }
    match BuiltinEmbedder::load(&dir) {
        Ok(builtin) => {
            log::info!(
                "file search embeds with the built-in embedder from {}",
                dir.display()
            );
            Ok(Some(Arc::new(builtin)))
        }
        Err(problem) => {
            log::warn!("{problem}; file search ranks by keywords only");
            Ok(None)
        }
    }
}

/// Resolves on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            log::error!("cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                log::error!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => log::info!("SIGINT received"),
        () = terminate => log::info!("SIGTERM received"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_has_the_documented_defaults() {
        let args = Args::try_parse_from(["hearth-server", "--token", "t"]).unwrap();
        assert!(args.token_file.is_none());
        assert_eq!(args.listen, "127.0.0.1:8642".parse().unwrap());
        assert_eq!(args.provider, ProviderKind::Openai);
        assert!(args.data_dir.is_none());
        assert!(args.provider_base_url.is_none());
        assert_eq!(
            args.upload_limit_mb, 512,
            "the hosted upload limit is the default"
        );
        assert!(
            args.embeddings_model.is_none(),
            "the provider's embeddings are used only when named"
        );
        assert!(args.embedder_dir.is_none());
        assert_eq!(args.max_connections, crate::DEFAULT_MAX_CONNECTIONS);
        assert_eq!(args.header_timeout_secs, 30);
        assert_eq!(args.request_timeout_secs, 300);
        assert_eq!(
            args.max_running_runs,
            hearth_engine::DEFAULT_MAX_RUNNING_RUNS
        );
        assert_eq!(args.max_queued_runs, hearth_engine::DEFAULT_MAX_QUEUED_RUNS);
        assert_eq!(args.shutdown_grace_secs, 5);
    }

    #[test]
    fn a_zero_timeout_is_refused_naming_the_flag() {
        let error = Args::try_parse_from(["hearth-server", "--request-timeout-secs", "0"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("--request-timeout-secs"), "{error}");
    }

    #[test]
    fn short_tokens_are_refused_and_a_token_file_is_read() {
        let args = Args::try_parse_from(["hearth-server", "--token", "short-token"]).unwrap();
        let problem = token(&args, true).unwrap_err();
        assert!(
            problem.contains("11 characters") && problem.contains("at least 16"),
            "{problem}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "a-token-from-a-file-0123\n").unwrap();
        let args = Args::try_parse_from(["hearth-server", "--token-file", file.to_str().unwrap()])
            .unwrap();
        assert_eq!(token(&args, false).unwrap(), "a-token-from-a-file-0123");
        let missing = dir.path().join("missing");
        let args =
            Args::try_parse_from(["hearth-server", "--token-file", missing.to_str().unwrap()])
                .unwrap();
        assert!(token(&args, false).unwrap_err().contains("missing"));
    }

    #[test]
    fn a_provider_url_with_credentials_stops_the_start_without_echoing_them() {
        let Err(error) = provider(
            ProviderKind::Openai,
            Some("https://me:hunter2@proxy.example/v1".to_owned()),
        ) else {
            panic!("credentials in --provider-base-url must be refused");
        };
        let error = error.to_string();
        assert!(error.contains("user name or password"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }

    #[test]
    fn providers_are_named_openai_and_anthropic() {
        let args = Args::try_parse_from([
            "hearth-server",
            "--provider",
            "anthropic",
            "--provider-base-url",
            "http://127.0.0.1:1/v1",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            "/tmp/x",
        ])
        .unwrap();
        assert_eq!(args.provider, ProviderKind::Anthropic);
        assert!(Args::try_parse_from(["hearth-server", "--provider", "gemini"]).is_err());
    }

    #[test]
    fn the_local_provider_takes_a_model_file() {
        let args = Args::try_parse_from([
            "hearth-server",
            "--provider",
            "local",
            "--model",
            "/models/m.gguf",
        ])
        .unwrap();
        assert_eq!(args.provider, ProviderKind::Local);
        assert_eq!(args.model, Some(PathBuf::from("/models/m.gguf")));
    }

    #[test]
    fn a_named_embedder_folder_that_cannot_be_loaded_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-model");
        let error = embedder(None, Some(missing), None, dir.path())
            .expect_err("an unusable --embedder-dir should stop the start")
            .to_string();
        assert!(
            error.contains("no-such-model") && error.contains("model.safetensors"),
            "the error should name the folder and the missing file: {error}"
        );
    }

    #[test]
    fn without_an_embedder_search_is_by_keyword() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = embedder(None, None, None, dir.path()).unwrap();
        assert!(chosen.is_none(), "no model folder in the data folder");
    }

    #[test]
    fn an_unusable_model_file_stops_the_start_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.gguf");
        std::fs::write(&path, b"GGUF\x03\x00\x00\x00").unwrap();
        let error = local_provider(Some(path), dir.path())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("broken.gguf") && error.contains("damaged"),
            "the error should name the file and the problem: {error}"
        );
    }
}
