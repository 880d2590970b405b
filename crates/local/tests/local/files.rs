//! Damaged model files fail with a clear error, and the good model keeps working afterwards.

use std::io::{Read, Write};

use hearth_wire::RunStatus;

use crate::support::{MODEL_ID, collect, final_run, fixture, model_path};

/// The first half of the real model: a sound header whose tensor data is cut off.
fn write_truncated(path: &std::path::Path) {
    let source = std::fs::File::open(model_path()).unwrap();
    let half = source.metadata().unwrap().len() / 2;
    let mut out = std::fs::File::create(path).unwrap();
    std::io::copy(&mut source.take(half), &mut out).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn corrupt_and_truncated_files_fail_clearly_and_the_good_model_still_answers() {
    let fx = fixture();
    std::fs::File::create(fx.models.join("corrupt.gguf"))
        .unwrap()
        .write_all(b"<!DOCTYPE html><title>404 Not Found</title>")
        .unwrap();
    write_truncated(&fx.models.join("truncated.gguf"));

    for (id, problem) in [
        ("corrupt", "not a GGUF model file"),
        ("truncated", "truncated"),
    ] {
        let assistant = fx.assistant(id);
        let thread = fx.thread("Hello");
        let run = final_run(&collect(fx.run(&thread, &assistant, Some(256))).await);
        assert_eq!(run.status, RunStatus::Failed, "a run on {id} should fail");
        let message = run.last_error.expect("a failed run says why").message;
        assert!(
            message.contains(&format!("{id}.gguf")) && message.contains(problem),
            "the error should name the file and say what is wrong: {message}"
        );
    }

    let assistant = fx.assistant(MODEL_ID);
    let thread = fx.thread("Say hello.");
    let run = final_run(&collect(fx.run(&thread, &assistant, Some(256))).await);
    assert!(
        matches!(run.status, RunStatus::Completed | RunStatus::Incomplete),
        "the good model should still answer after the bad ones: {run:?}"
    );
    assert!(!fx.answer(&thread).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_model_id_names_the_installed_ones() {
    let fx = fixture();
    let assistant = fx.assistant("gpt-4o");
    let thread = fx.thread("Hello");
    let run = final_run(&collect(fx.run(&thread, &assistant, Some(256))).await);
    assert_eq!(run.status, RunStatus::Failed);
    let message = run.last_error.unwrap().message;
    assert!(
        message.contains("gpt-4o") && message.contains(MODEL_ID),
        "the error should name the missing and the installed models: {message}"
    );
}
