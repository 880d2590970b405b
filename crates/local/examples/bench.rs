//! The local provider's overhead: the same prompt and greedy settings generated (a) by a real run
//! through the engine, (b) by a bare llama-cpp-2 loop, each in its own process so peak memory is
//! measured apart, and (c) with `HEARTH_SDK_PYTHON` set, by a `hearth-server` process streaming runs
//! to the official openai Python SDK (`bench/local_model_sdk.py`): what a program sees from outside.
//! Prints time to first token, tokens per second and peak memory (VmHWM).
//!
//!     scripts/bench-local.sh [MODEL.gguf]    # builds hearth-server and this example, sets up the SDK
//!     cargo run --release -p hearth-local --example local-bench [MODEL.gguf]    # (a) and (b) only
//!
//! The model defaults to $HEARTH_TEST_MODEL (scripts/default-model.sh fetches it); hearth-server
//! is the one beside this example's folder unless `HEARTH_SERVER_BIN` says where.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_engine::{Engine, EngineConfig};
use hearth_local::{DEFAULT_MAX_CONTEXT, LocalConfig, LocalProvider, ModelSource, model_id};
use hearth_store::Store;
use hearth_wire::{
    CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest,
    StreamEvent,
};
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;

const SYSTEM: &str = "You are a helpful assistant.";
const PROMPT: &str = "Write a long poem about the sea, the wind and the stars.";
const MAX_TOKENS: u32 = 256;
/// Measured runs per path, after one warm-up: `HEARTH_BENCH_ROUNDS`, 3 when unset. The machine's
/// speed can drift by a tenth from one minute to the next; more rounds even it out.
fn rounds() -> usize {
    std::env::var("HEARTH_BENCH_ROUNDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(3)
}

/// One measured generation.
#[derive(Debug, Clone, Copy)]
struct Sample {
    first_token: Duration,
    tokens: u64,
    /// From the first token to the last.
    decoding: Duration,
}

impl Sample {
    fn tokens_per_second(&self) -> f64 {
        (self.tokens.saturating_sub(1)) as f64 / self.decoding.as_secs_f64().max(1e-9)
    }
}

fn main() -> std::process::ExitCode {
    // The engine's local provider starts this program again as its worker process.
    if let Some(code) = hearth_local::serve_if_asked() {
        return code;
    }
    bench();
    std::process::ExitCode::SUCCESS
}

fn bench() {
    let args: Vec<String> = std::env::args().collect();
    let model = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HEARTH_TEST_MODEL").map(PathBuf::from))
        .expect("name the model: an argument, or $HEARTH_TEST_MODEL (scripts/env.sh sets it)");
    assert!(
        model.is_file(),
        "no model at {}: run scripts/default-model.sh",
        model.display()
    );
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));

    if args.iter().any(|a| a == "--direct") {
        let samples = direct(&model, threads);
        for s in samples {
            println!(
                "sample {} {} {}",
                s.first_token.as_nanos(),
                s.tokens,
                s.decoding.as_nanos()
            );
        }
        println!("vmhwm {}", peak_memory_kb());
        return;
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let python = std::env::var_os("HEARTH_SDK_PYTHON").map(PathBuf::from);
    let (mut direct_samples, mut direct_peak) = (Vec::new(), 0);
    // llama.cpp's own counters for the bare loop, summed: prompt ms, prompt tokens, eval ms, evals.
    let mut llama = [0.0f64; 4];
    let mut engine_samples = Vec::new();
    let mut server: Option<(Vec<Sample>, u64)> = None;
    // The paths take turns, one round each (each after its own warm-up run): this machine's speed
    // drifts by a tenth from one minute to the next, and a path measured all in one stretch would
    // carry that drift into its ratio.
    for _ in 0..rounds() {
        let (samples, peak) = bare_loop(&model, &mut llama);
        direct_samples.extend(samples);
        direct_peak = direct_peak.max(peak);
        engine_samples.extend(runtime.block_on(through_engine(&model, threads, 1)));
        if let Some(python) = &python {
            let (samples, peak) = through_server(&model, python, 1);
            let (all, most) = server.get_or_insert_with(|| (Vec::new(), 0));
            all.extend(samples);
            *most = (*most).max(peak);
        }
    }
    let engine_peak = peak_memory_kb();

    let (e, d) = (mean(&engine_samples), mean(&direct_samples));
    println!(
        "model {} · prompt {:?} · greedy · max {MAX_TOKENS} tokens · {threads} threads · mean of {} warm runs",
        model_id(&model),
        PROMPT,
        rounds()
    );
    println!();
    println!("| path | first token | tokens | tokens/s | peak memory (VmHWM) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (name, s, peak) in [
        ("bare llama-cpp-2 loop", d, direct_peak),
        ("engine run (LocalProvider)", e, engine_peak),
    ] {
        println!(
            "| {name} | {:.1} ms | {} | {:.1} | {:.0} MB |",
            s.first_token.as_secs_f64() * 1000.0,
            s.tokens,
            s.tokens_per_second(),
            peak as f64 / 1024.0
        );
    }
    if let Some((samples, peak)) = &server {
        let s = mean(samples);
        println!(
            "| hearth-server → openai SDK (HTTP, SSE) | {:.1} ms | {} | {:.1} | {:.0} MB (server) |",
            s.first_token.as_secs_f64() * 1000.0,
            s.tokens,
            s.tokens_per_second(),
            *peak as f64 / 1024.0
        );
    }
    println!(
        "| engine / bare | {:.2}x | | {:.2}x | {:.2}x |",
        e.first_token.as_secs_f64() / d.first_token.as_secs_f64(),
        e.tokens_per_second() / d.tokens_per_second(),
        engine_peak as f64 / direct_peak.max(1) as f64
    );
    match &server {
        Some((samples, _)) => {
            let s = mean(samples);
            println!(
                "| server via SDK / bare | {:.2}x | | {:.2}x | |",
                s.first_token.as_secs_f64() / d.first_token.as_secs_f64(),
                s.tokens_per_second() / d.tokens_per_second(),
            );
        }
        None => println!(
            "\n(hearth-server through the SDK not measured: set HEARTH_SDK_PYTHON, as scripts/bench-local.sh does)"
        ),
    }
    println!(
        "\nPeak memory is the measuring process's own; the engine and the server run the model in a worker process of theirs."
    );
    let rounds = direct_samples.len().max(1) as f64;
    println!();
    println!(
        "llama.cpp's own counters (bare loop, mean): prompt eval {:.0} tokens in {:.1} ms ({:.1} tokens/s) · eval {:.0} tokens in {:.1} ms ({:.1} tokens/s)",
        llama[1] / rounds,
        llama[0] / rounds,
        llama[1] * 1000.0 / llama[0].max(1e-9),
        llama[3] / rounds,
        llama[2] / rounds,
        llama[3] * 1000.0 / llama[2].max(1e-9)
    );
}

/// One round of the bare loop (after its warm-up run), in a child process: llama.cpp's backend
/// can be set up once per process, and its peak memory must not mix with the engine's. Adds
/// llama.cpp's own counters to `llama`.
fn bare_loop(model: &std::path::Path, llama: &mut [f64; 4]) -> (Vec<Sample>, u64) {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--direct")
        .arg(model)
        .env("HEARTH_BENCH_ROUNDS", "1")
        .output()
        .expect("the direct run should start");
    assert!(output.status.success(), "the direct run failed: {output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let (mut samples, mut peak) = (Vec::new(), 0);
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            ["sample", a, b, c] => samples.push(Sample {
                first_token: Duration::from_nanos(a.parse().unwrap()),
                tokens: b.parse().unwrap(),
                decoding: Duration::from_nanos(c.parse().unwrap()),
            }),
            ["vmhwm", kb] => peak = kb.parse().unwrap(),
            ["llama", rest @ ..] if rest.len() == 4 => {
                for (sum, value) in llama.iter_mut().zip(rest) {
                    *sum += value.parse::<f64>().unwrap();
                }
            }
            _ => {}
        }
    }
    (samples, peak)
}

/// Runs through the engine: an assistant, a thread, `rounds` streamed runs after one that loads
/// the model and is not counted.
async fn through_engine(model: &std::path::Path, threads: usize, rounds: usize) -> Vec<Sample> {
    let dir = std::env::temp_dir().join(format!("hearth-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("hearth.db")).unwrap();
    let mut config = LocalConfig::new(ModelSource::File(model.to_owned()));
    config.threads = Some(threads);
    let engine = Engine::new(
        store,
        Arc::new(LocalProvider::new(config)),
        EngineConfig::default(),
    );
    let assistant = engine
        .create_assistant(CreateAssistantRequest {
            model: model_id(model),
            instructions: Some(SYSTEM.into()),
            ..Default::default()
        })
        .unwrap();
    let mut samples = Vec::new();
    for round in 0..=rounds {
        let thread = engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        engine
            .create_message(&thread.id, CreateMessageRequest::user(PROMPT))
            .unwrap();
        let started = Instant::now();
        let mut stream = engine
            .create_run(
                &thread.id,
                CreateRunRequest {
                    assistant_id: assistant.id.clone(),
                    temperature: Some(0.0),
                    max_completion_tokens: Some(MAX_TOKENS),
                    ..Default::default()
                },
            )
            .unwrap();
        let (mut first, mut last, mut tokens) = (None, started, 0);
        while let Some(event) = stream.events.recv().await {
            match event {
                StreamEvent::MessageDelta(_) => {
                    first.get_or_insert_with(Instant::now);
                    last = Instant::now();
                }
                StreamEvent::RunCompleted(run) | StreamEvent::RunIncomplete(run) => {
                    tokens = run.usage.map_or(0, |u| u.completion_tokens);
                }
                StreamEvent::RunFailed(run) => panic!("the run failed: {:?}", run.last_error),
                StreamEvent::Done => break,
                _ => {}
            }
        }
        let first = first.expect("the run should produce text");
        if round > 0 {
            samples.push(Sample {
                first_token: first - started,
                tokens,
                decoding: last - first,
            });
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    samples
}

/// Runs through a `hearth-server` process serving the model, read by the official openai SDK in
/// Python; the samples and the server's peak memory.
fn through_server(
    model: &std::path::Path,
    python: &std::path::Path,
    rounds: usize,
) -> (Vec<Sample>, u64) {
    let server_bin = std::env::var_os("HEARTH_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("hearth-server")
        });
    let dir = std::env::temp_dir().join(format!("hearth-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = "hearth-local-bench-token-0123456789";
    let mut server = std::process::Command::new(&server_bin)
        .args(["--provider", "local", "--listen", "127.0.0.1:0", "--model"])
        .arg(model)
        .arg("--data-dir")
        .arg(&dir)
        .env("HEARTH_TOKEN", token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("{} should start: {error}", server_bin.display()));
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let origin = line
        .trim()
        .strip_prefix("hearth-server listening on ")
        .unwrap_or_else(|| panic!("hearth-server should start, said {line:?}"))
        .to_owned();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../bench/local_model_sdk.py"
    );
    let output = std::process::Command::new(python)
        .arg(script)
        .arg(format!("{origin}/v1"))
        .arg(token)
        .arg(model_id(model))
        .arg(SYSTEM)
        .arg(PROMPT)
        .arg(MAX_TOKENS.to_string())
        .arg(rounds.to_string())
        .output()
        .expect("the SDK script should start");
    let peak = std::fs::read_to_string(format!("/proc/{}/status", server.id()))
        .ok()
        .and_then(|status| vm_hwm_kb(&status))
        .unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "the SDK script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let samples = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["sample", a, b, c] => Some(Sample {
                    first_token: Duration::from_nanos(a.parse().unwrap()),
                    tokens: b.parse().unwrap(),
                    decoding: Duration::from_nanos(c.parse().unwrap()),
                }),
                _ => None,
            },
        )
        .collect();
    (samples, peak)
}

/// The same generation with nothing around it: template, tokenize, decode, greedy sampling.
fn direct(model_path: &std::path::Path, threads: usize) -> Vec<Sample> {
    let mut backend = LlamaBackend::init().unwrap();
    backend.void_logs();
    let model =
        LlamaModel::load_from_file(&backend, model_path, &LlamaModelParams::default()).unwrap();
    let template = model.chat_template(None).unwrap();
    let chat = [
        LlamaChatMessage::new("system".into(), SYSTEM.into()).unwrap(),
        LlamaChatMessage::new("user".into(), PROMPT.into()).unwrap(),
    ];
    let prompt = model.apply_chat_template(&template, &chat, true).unwrap();
    let context = DEFAULT_MAX_CONTEXT.min(model.n_ctx_train());
    let mut samples = Vec::new();
    for round in 0..=rounds() {
        let started = Instant::now();
        let vocab = model.vocab();
        let tokens = vocab.tokenize(prompt.as_bytes(), true, true);
        let params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(context))
            .with_n_batch(512)
            .with_n_threads(threads as i32)
            .with_n_threads_batch(threads as i32)
            .with_no_perf(false);
        let mut ctx = model.new_context(&backend, params).unwrap();
        let mut batch = LlamaBatch::new(512, 1);
        for (i, token) in tokens.iter().enumerate() {
            batch
                .add(*token, i as i32, &[0], i == tokens.len() - 1)
                .unwrap();
        }
        ctx.decode(&mut batch).unwrap();
        let mut sampler = LlamaSampler::greedy();
        let mut position = tokens.len() as i32;
        let (mut first, mut last, mut generated) = (None, started, 0u64);
        while generated < u64::from(MAX_TOKENS) {
            let token = sampler.sample(&ctx, batch.n_tokens() - 1);
            if vocab.is_eog(token) {
                break;
            }
            generated += 1;
            let _piece = vocab.token_to_piece(token, false, None);
            first.get_or_insert_with(Instant::now);
            last = Instant::now();
            batch.clear();
            batch.add(token, position, &[0], true).unwrap();
            position += 1;
            ctx.decode(&mut batch).unwrap();
        }
        if round > 0 {
            let t = ctx.timings();
            println!(
                "llama {} {} {} {}",
                t.t_p_eval_ms(),
                t.n_p_eval(),
                t.t_eval_ms(),
                t.n_eval()
            );
            let first = first.expect("the model should generate");
            samples.push(Sample {
                first_token: first - started,
                tokens: generated,
                decoding: last - first,
            });
        }
    }
    samples
}

fn mean(samples: &[Sample]) -> Sample {
    let n = samples.len().max(1) as u32;
    Sample {
        first_token: samples.iter().map(|s| s.first_token).sum::<Duration>() / n,
        tokens: samples.iter().map(|s| s.tokens).sum::<u64>() / u64::from(n),
        decoding: samples.iter().map(|s| s.decoding).sum::<Duration>() / n,
    }
}

/// This process's peak resident memory in KiB (`VmHWM`); 0 where /proc is not available.
fn peak_memory_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| vm_hwm_kb(&status))
        .unwrap_or(0)
}

/// VmHWM from a `/proc/<pid>/status` text, in kB.
fn vm_hwm_kb(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
