//! Sessions as the model sees them: state kept between calls, files in and out, figures, errors,
//! long output, idle ends. Real bubblewrap, real Python.

mod common;

use std::time::Duration;

use common::*;
use hearth_interpreter::{InputFile, Interpreter, Outcome};

#[tokio::test(flavor = "multi_thread")]
async fn variables_and_imports_persist_between_calls() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let first = run(&interpreter, "thread-a", "import math\ntotal = 40 + 2").await;
    assert_eq!(first.outcome, Outcome::Completed, "logs: {}", first.logs);
    let second = run(&interpreter, "thread-a", "print(total, math.pi > 3)").await;
    assert_eq!(second.outcome, Outcome::Completed, "logs: {}", second.logs);
    assert_eq!(second.logs, "42 True\n");
    // Another thread has its own session.
    let other = run(&interpreter, "thread-b", "print('total' in globals())").await;
    assert_eq!(other.logs, "False\n");
    // The last expression is shown, as in a notebook.
    let shown = run(&interpreter, "thread-a", "total * 2").await;
    assert_eq!(shown.logs, "84\n");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exception_is_raised_with_its_traceback_and_the_session_lives_on() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    run(&interpreter, "t", "kept = 'still here'").await;
    let failed = run(
        &interpreter,
        "t",
        "def divide(a, b):\n    return a / b\nprint('before')\ndivide(1, 0)",
    )
    .await;
    assert_eq!(failed.outcome, Outcome::Raised, "logs: {}", failed.logs);
    assert!(failed.logs.starts_with("before\n"), "{}", failed.logs);
    assert!(
        failed.logs.contains("Traceback (most recent call last)")
            && failed.logs.contains("return a / b")
            && failed.logs.contains("ZeroDivisionError: division by zero"),
        "the traceback should show the code's line and the error: {}",
        failed.logs
    );
    assert!(
        !failed.logs.contains("kernel.py"),
        "the traceback should show only the code's frames: {}",
        failed.logs
    );
    let syntax = run(&interpreter, "t", "print('unclosed'").await;
    assert_eq!(syntax.outcome, Outcome::Raised);
    assert!(syntax.logs.contains("SyntaxError"), "{}", syntax.logs);
    let after = run(&interpreter, "t", "print(kept)").await;
    assert_eq!(after.logs, "still here\n");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn files_placed_in_mnt_data_are_read_and_files_written_come_back() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let upload = folders.root.path().join("upload-blob");
    std::fs::write(&upload, "month,sales\njan,10\nfeb,32\n").unwrap();
    let files = [InputFile {
        name: "sales.csv".into(),
        path: upload.clone(),
    }];
    let code = "import csv\n\
                rows = list(csv.DictReader(open('/mnt/data/sales.csv')))\n\
                total = sum(int(r['sales']) for r in rows)\n\
                with open('/mnt/data/summary.csv', 'w') as out:\n    out.write(f'total\\n{total}\\n')\n\
                print(total)";
    let first = run_with(&interpreter, "t", &files, code).await;
    assert_eq!(first.outcome, Outcome::Completed, "logs: {}", first.logs);
    assert_eq!(first.logs, "42\n");
    let names: Vec<&str> = first.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["summary.csv"],
        "only the file the code wrote comes back"
    );
    assert_eq!(
        std::fs::read_to_string(&first.files[0].path).unwrap(),
        "total\n42\n"
    );
    // The code may change the file it was given: that is reported, and the upload is untouched.
    let second = run_with(
        &interpreter,
        "t",
        &files,
        "open('/mnt/data/sales.csv', 'a').write('mar,1\\n')",
    )
    .await;
    let names: Vec<&str> = second.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["sales.csv"]);
    assert_eq!(
        std::fs::read_to_string(&upload).unwrap(),
        "month,sales\njan,10\nfeb,32\n",
        "the original upload must not change"
    );
    // A name that would leave /mnt/data is refused.
    let bad = [InputFile {
        name: "../escape.csv".into(),
        path: upload.clone(),
    }];
    let refused = interpreter
        .execute(
            hearth_interpreter::ExecuteRequest {
                session: "t",
                files: &bad,
                code: "pass",
            },
            &tokio_util::sync::CancellationToken::new(),
        )
        .await;
    let message = refused
        .expect_err("a name with '..' is refused")
        .to_string();
    assert!(message.contains("../escape.csv"), "{message}");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn long_output_is_cut_with_a_note_saying_how_much() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let execution = run(
        &interpreter,
        "t",
        "for i in range(20000):\n    print(f'line {i}')\nraise ValueError('the end')",
    )
    .await;
    assert_eq!(execution.outcome, Outcome::Raised);
    assert!(execution.logs.starts_with("line 0\nline 1\n"));
    assert!(
        execution.logs.contains("of output cut here"),
        "the logs should say they were cut: {}",
        execution.logs
    );
    assert!(
        execution.logs.contains("ValueError: the end"),
        "the end of the output (the traceback) is kept: {}",
        execution.logs
    );
    assert!(
        execution.logs.len() < 4096 + 300,
        "{}",
        execution.logs.len()
    );
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn output_of_subprocesses_and_raw_descriptors_goes_to_the_logs() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let code = "import os, subprocess, sys\n\
                os.write(1, b'raw fd 1\\n')\n\
                os.write(2, b'raw fd 2\\n')\n\
                subprocess.run(['echo', 'from a child'])\n\
                print('to stderr', file=sys.stderr)\n\
                x = 5";
    let execution = run(&interpreter, "t", code).await;
    assert_eq!(execution.outcome, Outcome::Completed, "{}", execution.logs);
    for expected in ["raw fd 1", "raw fd 2", "from a child", "to stderr"] {
        assert!(execution.logs.contains(expected), "{}", execution.logs);
    }
    let after = run(&interpreter, "t", "print(x)").await;
    assert_eq!(after.logs, "5\n", "the protocol survives raw writes");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_session_ends_and_the_next_call_starts_fresh_with_the_files_back() {
    let folders = Folders::new();
    let mut config = plain_config(&folders);
    config.idle_timeout = Duration::from_millis(500);
    let interpreter = Interpreter::new(config);
    let upload = folders.root.path().join("notes");
    std::fs::write(&upload, "hello").unwrap();
    let files = [InputFile {
        name: "notes.txt".into(),
        path: upload,
    }];
    run_with(&interpreter, "t", &files, "x = 1").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(2)).await;
    let after = run_with(
        &interpreter,
        "t",
        &files,
        "print('x' in globals(), open('notes.txt').read())",
    )
    .await;
    assert_eq!(after.logs, "False hello\n");
    interpreter.shutdown().await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(2)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_a_session_stops_its_processes_and_removes_its_folder() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let execution = run(
        &interpreter,
        "t",
        "open('/mnt/data/out.txt', 'w').write('x')",
    )
    .await;
    let written = execution.files[0].path.clone();
    assert!(written.exists());
    interpreter.end("t").await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(2)).await;
    assert!(!written.exists(), "the session's folder is removed");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chart_comes_back_as_png_images_in_the_order_drawn() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(runtime_config(&folders));
    let code = "import pandas as pd\n\
                import matplotlib.pyplot as plt\n\
                df = pd.DataFrame({'month': ['jan', 'feb', 'mar'], 'sales': [10, 32, 20]})\n\
                df.plot(x='month', y='sales', title='shown')\n\
                plt.show()\n\
                plt.figure()\n\
                plt.bar(df['month'], df['sales'])\n\
                print(df['sales'].sum())";
    let execution = run(&interpreter, "t", code).await;
    assert_eq!(execution.outcome, Outcome::Completed, "{}", execution.logs);
    assert_eq!(execution.logs, "62\n");
    assert_eq!(
        execution.images.len(),
        2,
        "the shown figure and the one left open"
    );
    for image in &execution.images {
        assert!(
            image.starts_with(b"\x89PNG\r\n\x1a\n"),
            "each image is a PNG"
        );
        assert!(image.len() > 5_000, "a real chart, {} bytes", image.len());
    }
    // Figures are closed once returned: the next call has none.
    let next = run(&interpreter, "t", "print(len(plt.get_fignums()))").await;
    assert_eq!(next.logs, "0\n");
    assert!(next.images.is_empty());
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_spare_session_is_kept_ready_for_the_next_thread() {
    let folders = Folders::new();
    let mut config = runtime_config(&folders);
    config.spare_session = true;
    let interpreter = Interpreter::new(config);
    run(&interpreter, "first", "a = 1").await;
    // The spare starts behind the first session; the second thread gets it, in a folder of its own.
    for _ in 0..200 {
        if sandbox_processes(&folders.work_dir()).len() >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = run(
        &interpreter,
        "second",
        "import numpy\nprint('a' in globals(), numpy.arange(4).sum())",
    )
    .await;
    assert_eq!(second.logs, "False 6\n");
    interpreter.shutdown().await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(2)).await;
}
