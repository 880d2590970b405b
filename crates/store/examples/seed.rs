//! Fills a data folder with a large history for the desktop benchmark: 1,000 threads holding
//! 100,000 messages, one of them 10,000 messages long, all answered by one assistant.
//!
//! `cargo run --release -p hearth-store --example seed -- DATA_DIR` prints the long thread's id,
//! then times full-text searches over the result (the search the app runs as you type).

use std::path::PathBuf;
use std::time::Instant;

use hearth_store::{Store, new_id};
use hearth_wire::{Assistant, Message, Run, Thread};
use serde_json::json;

const THREADS: usize = 1_000;
const MESSAGES: usize = 100_000;
const LONG_THREAD: usize = 10_000;
/// Times each search is run; the median is reported.
const SEARCH_RUNS: usize = 5;

/// Words the messages are made of; varied so the index looks like real text.
const WORDS: &[&str] = &[
    "the",
    "deploy",
    "window",
    "is",
    "thursday",
    "budget",
    "review",
    "invoice",
    "paris",
    "berlin",
    "schema",
    "migration",
    "latency",
    "customer",
    "report",
    "quarter",
    "draft",
    "contract",
    "meeting",
    "notes",
    "kubernetes",
    "python",
    "function",
    "weather",
    "holiday",
    "garden",
    "recipe",
    "chapter",
    "summary",
    "question",
    "answer",
    "because",
    "therefore",
    "however",
];

fn text(seed: usize, words: usize) -> String {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..words)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            WORDS[state % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("seed objects are valid wire objects")
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: seed DATA_DIR"));
    std::fs::create_dir_all(&dir).expect("the data folder should be creatable");
    let store = Store::open(dir.join("hearth.db")).expect("the database should open");
    let started = Instant::now();
    let assistant_id = new_id("asst_");
    let assistant: Assistant = from(json!({
        "id": assistant_id, "object": "assistant", "created_at": 1_700_000_000, "name": "Archivist",
        "description": null, "model": "gpt-4o-mini", "instructions": "Be brief.", "tools": [],
        "metadata": {}, "temperature": null, "top_p": null, "response_format": "auto"
    }));
    store.insert_assistant(&assistant).unwrap();
    let per_thread = (MESSAGES - LONG_THREAD) / (THREADS - 1);
    let mut long_thread = String::new();
    let mut written = 0;
    for t in 0..THREADS {
        let count = if t == 0 { LONG_THREAD } else { per_thread };
        let thread_id = new_id("thread_");
        if t == 0 {
            long_thread = thread_id.clone();
        }
        let base = 1_700_000_000 + (t as i64) * 1_000;
        store
            .transaction(|tx| {
                let thread: Thread = from(json!({
                    "id": thread_id, "object": "thread", "created_at": base,
                    "tool_resources": null, "metadata": {}
                }));
                tx.insert_thread(&thread)?;
                let run_id = new_id("run_");
                let run: Run = from(json!({
                    "id": run_id, "object": "thread.run", "created_at": base, "thread_id": thread_id,
                    "assistant_id": assistant_id, "status": "completed", "required_action": null,
                    "last_error": null, "expires_at": null, "started_at": base, "cancelled_at": null,
                    "failed_at": null, "completed_at": base + 1, "incomplete_details": null,
                    "model": "gpt-4o-mini", "instructions": "", "tools": [], "metadata": {},
                    "usage": null, "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": null,
                    "max_completion_tokens": null,
                    "truncation_strategy": {"type": "auto", "last_messages": null},
                    "response_format": "auto", "tool_choice": "auto", "parallel_tool_calls": true
                }));
                tx.insert_run(&run)?;
                for m in 0..count {
                    let user = m % 2 == 0;
                    let message: Message = from(json!({
                        "id": new_id("msg_"), "object": "thread.message",
                        "created_at": base + m as i64, "thread_id": thread_id,
                        "status": "completed", "incomplete_details": null,
                        "completed_at": base + m as i64, "incomplete_at": null,
                        "role": if user { "user" } else { "assistant" },
                        "content": [{"type": "text", "text": {
                            "value": text(t * 100_000 + m, if user { 12 } else { 60 }),
                            "annotations": []}}],
                        "assistant_id": if user { None } else { Some(&assistant_id) },
                        "run_id": if user { None } else { Some(&run_id) },
                        "attachments": [], "metadata": {}
                    }));
                    tx.insert_message(&message)?;
                }
                Ok::<_, hearth_store::StoreError>(())
            })
            .unwrap();
        written += count;
    }
    println!("long thread: {long_thread}");
    eprintln!(
        "seeded {THREADS} threads and {written} messages in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Search as the app runs it: each prefix of a word as it is typed. Each search runs a few
    // times and the median is printed, so one slow run on a busy machine does not decide it. The
    // filtered ones also cover an assistant with no messages: its search reads every match.
    let everyone = None;
    let archivist = Some(assistant_id.as_str());
    let nobody = Some("asst_nobody");
    let mut timings = Vec::new();
    for (query, filter, label) in [
        ("d", everyone, ""),
        ("de", everyone, ""),
        ("dep", everyone, ""),
        ("depl", everyone, ""),
        ("deploy", everyone, ""),
        ("deploy w", everyone, ""),
        ("deploy window", everyone, ""),
        ("budget rev", everyone, ""),
        ("kubern", everyone, ""),
        ("paris", everyone, ""),
        ("deploy", archivist, ", its assistant"),
        ("deploy", nobody, ", an assistant with no messages"),
    ] {
        let mut runs = Vec::new();
        let mut hits = 0;
        for _ in 0..SEARCH_RUNS {
            let start = Instant::now();
            hits = store
                .read(|tx| tx.search_messages(query, filter, 50))
                .unwrap()
                .len();
            runs.push(start.elapsed());
        }
        runs.sort();
        timings.push((query, label, runs[SEARCH_RUNS / 2], hits));
    }
    let start = Instant::now();
    let summaries = store.thread_summaries(None).unwrap();
    let list = start.elapsed();
    let start = Instant::now();
    let messages = store.thread_messages(&long_thread).unwrap();
    let open = start.elapsed();
    eprintln!("| measure | ms | rows |");
    eprintln!("|---|---:|---:|");
    eprintln!(
        "| thread list (all {} threads) | {:.1} | {} |",
        summaries.len(),
        list.as_secs_f64() * 1e3,
        summaries.len()
    );
    eprintln!(
        "| read the 10,000-message thread | {:.1} | {} |",
        open.as_secs_f64() * 1e3,
        messages.len()
    );
    for (query, label, elapsed, hits) in timings {
        eprintln!(
            "| search \"{query}\"{label} (median of {SEARCH_RUNS}) | {:.1} | {hits} |",
            elapsed.as_secs_f64() * 1e3
        );
    }
}
