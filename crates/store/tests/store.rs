//! The store against real SQLite files in temporary folders.

mod support;

use std::collections::HashSet;
use std::path::Path;

use hearth_store::{HIT_END, HIT_START, Store, StoreError, new_id};
use hearth_wire::{
    ListFilesQuery, ListOrder, ListQuery, ListVectorStoreFilesQuery, MessageStatus, RunStatus,
    VectorStoreFileStatus,
};
use serde_json::json;
use support::*;

#[test]
fn a_fresh_file_is_migrated_in_wal_mode_and_reopens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(
        store.pragma("journal_mode").unwrap(),
        "wal",
        "the database should use WAL"
    );
    assert_eq!(
        store.pragma("foreign_keys").unwrap(),
        "1",
        "foreign keys should be on"
    );
    assert_eq!(
        store.pragma("synchronous").unwrap(),
        "2",
        "synchronous should be FULL"
    );
    assert_eq!(
        store.pragma("busy_timeout").unwrap(),
        "5000",
        "busy timeout should be 5 s"
    );
    let version = store.schema_version().unwrap();
    assert!(version > 0, "migrations should have run");
    store.insert_assistant(&assistant("asst_keep", 1)).unwrap();
    drop(store);

    let again = open(dir.path());
    assert_eq!(
        again.schema_version().unwrap(),
        version,
        "re-opening should not re-migrate"
    );
    same_json(
        again.get_assistant("asst_keep").unwrap(),
        &assistant("asst_keep", 1),
    );
    assert_eq!(again.pragma("journal_mode").unwrap(), "wal");
}

#[test]
fn a_database_from_a_newer_build_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hearth.db");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 9999).unwrap();
    drop(conn);
    match Store::open(&path) {
        Err(StoreError::SchemaTooNew { found: 9999, .. }) => {}
        other => panic!(
            "a newer schema should be refused, got {:?}",
            other.map(|_| ())
        ),
    }
}

#[test]
fn every_object_round_trips_and_missing_ones_are_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());

    let a = assistant("asst_a", 1);
    store.insert_assistant(&a).unwrap();
    same_json(store.get_assistant("asst_a").unwrap(), &a);
    let mut renamed = a.clone();
    renamed.name = Some("Renamed".into());
    assert!(store.update_assistant(&renamed).unwrap());
    same_json(store.get_assistant("asst_a").unwrap(), &renamed);

    let t = thread("thread_a");
    store.insert_thread(&t).unwrap();
    same_json(store.get_thread("thread_a").unwrap(), &t);

    let m = message("msg_a", "thread_a", 20, "hello");
    store.insert_message(&m).unwrap();
    same_json(store.get_message("thread_a", "msg_a").unwrap(), &m);
    assert!(
        store
            .get_message("thread_other", "msg_a")
            .unwrap()
            .is_none(),
        "a message is only found in its own thread"
    );

    let r = run("run_a", "thread_a", "asst_a", "requires_action", 100);
    store.insert_run(&r).unwrap();
    same_json(store.get_run("thread_a", "run_a").unwrap(), &r);
    let mut done = r.clone();
    done.status = RunStatus::Completed;
    done.required_action = None;
    done.completed_at = Some(120);
    assert!(store.update_run(&done).unwrap());
    same_json(store.get_run("thread_a", "run_a").unwrap(), &done);

    let s = step("step_a", "thread_a", "run_a");
    store.insert_run_step(&s).unwrap();
    same_json(
        store.get_run_step("thread_a", "run_a", "step_a").unwrap(),
        &s,
    );

    let reply = reply("msg_b", "thread_a", "run_a", "asst_a", "hi there");
    store.insert_message(&reply).unwrap();
    same_json(store.get_message("thread_a", "msg_b").unwrap(), &reply);

    let f = file("file-a", 3, "assistants");
    store
        .insert_file(&f, &dir.path().join("files/file-a"))
        .unwrap();
    same_json(store.get_file("file-a").unwrap(), &f);
    assert_eq!(
        store.file_path("file-a").unwrap(),
        Some(dir.path().join("files/file-a")),
        "the bytes' path should be kept"
    );

    let v = vector_store("vs_a");
    store.insert_vector_store(&v).unwrap();
    same_json(store.get_vector_store("vs_a").unwrap(), &v);
    let b = batch("vs_a", "vsfb_a");
    store.insert_file_batch(&b).unwrap();
    same_json(store.get_file_batch("vs_a", "vsfb_a").unwrap(), &b);
    let vf = vs_file("vs_a", "file-a", 7, "in_progress");
    store.insert_vector_store_file(&vf, Some("vsfb_a")).unwrap();
    same_json(store.get_vector_store_file("vs_a", "file-a").unwrap(), &vf);

    assert!(store.get_assistant("asst_none").unwrap().is_none());
    assert!(store.get_thread("thread_none").unwrap().is_none());
    assert!(store.get_run("thread_a", "run_none").unwrap().is_none());
    assert!(store.get_file("file-none").unwrap().is_none());
    assert!(store.file_path("file-none").unwrap().is_none());
    assert!(
        !store.update_thread(&thread("thread_none")).unwrap(),
        "updating nothing is false"
    );
    assert!(
        !store.delete_assistant("asst_none").unwrap(),
        "deleting nothing is false"
    );
    assert!(store.delete_assistant("asst_a").unwrap());
    assert!(store.get_assistant("asst_a").unwrap().is_none());
    assert!(
        store.get_run("thread_a", "run_a").unwrap().is_some(),
        "runs outlive their deleted assistant, as in the API"
    );
    assert!(store.delete_file("file-a").unwrap());
}

#[test]
fn inserting_under_a_missing_parent_fails() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let err = store.insert_message(&message("msg_x", "thread_missing", 1, "x"));
    assert!(
        matches!(err, Err(StoreError::Sqlite(_))),
        "the foreign key should refuse it"
    );
    store.insert_assistant(&assistant("asst_dup", 1)).unwrap();
    assert!(
        store.insert_assistant(&assistant("asst_dup", 1)).is_err(),
        "a duplicate id should be refused"
    );
}

/// What a page should hold, computed by sorting everything and slicing.
fn expected_page(all: &[(i64, String)], q: &ListQuery) -> Option<(Vec<String>, bool)> {
    // `all` is in insertion order; a stable sort by time keeps that order among equal times.
    let mut sorted = all.to_vec();
    sorted.sort_by_key(|(created_at, _)| *created_at);
    if q.order != Some(ListOrder::Asc) {
        sorted.reverse();
    }
    let ids: Vec<String> = sorted.into_iter().map(|(_, id)| id).collect();
    let position = |id: &str| ids.iter().position(|x| x == id);
    let start = match &q.after {
        Some(id) => position(id)? + 1,
        None => 0,
    };
    let end = match &q.before {
        Some(id) => position(id)?,
        None => ids.len(),
    };
    let candidates = if start <= end {
        &ids[start..end]
    } else {
        &ids[0..0]
    };
    let limit = q.limit.unwrap_or(20).clamp(1, 100) as usize;
    let has_more = candidates.len() > limit;
    let page = if q.before.is_some() && q.after.is_none() {
        candidates[candidates.len().saturating_sub(limit)..].to_vec()
    } else {
        candidates[..candidates.len().min(limit)].to_vec()
    };
    Some((page, has_more))
}

#[test]
fn pages_match_a_brute_force_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    // Few distinct times, so many items tie on created_at and insertion order must break the tie.
    let all: Vec<(i64, String)> = (0..23)
        .map(|i| (100 + (i * 7) % 4, new_id("asst_")))
        .collect();
    for (created_at, id) in &all {
        store.insert_assistant(&assistant(id, *created_at)).unwrap();
    }
    let mut cursors: Vec<Option<&str>> = vec![None];
    cursors.extend(all.iter().step_by(2).map(|(_, id)| Some(id.as_str())));
    let mut checked = 0;
    for order in [None, Some(ListOrder::Asc), Some(ListOrder::Desc)] {
        for limit in [
            None,
            Some(0),
            Some(1),
            Some(3),
            Some(22),
            Some(23),
            Some(500),
        ] {
            for after in &cursors {
                for before in &cursors {
                    let q = query(limit, order.clone(), *after, *before);
                    let (ids, has_more) = expected_page(&all, &q).unwrap();
                    let page = store.list_assistants(&q).unwrap();
                    let got: Vec<String> = page.data.iter().map(|a| a.id.clone()).collect();
                    assert_eq!(got, ids, "page for {q:?}");
                    assert_eq!(page.has_more, has_more, "has_more for {q:?}");
                    assert_eq!(page.first_id.as_ref(), ids.first(), "first_id for {q:?}");
                    assert_eq!(page.last_id.as_ref(), ids.last(), "last_id for {q:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "the sweep should cover many queries");
}

#[test]
fn following_after_cursors_visits_every_item_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_p")).unwrap();
    for i in 0..45 {
        store
            .insert_message(&message(&new_id("msg_"), "thread_p", 100 + i % 3, "x"))
            .unwrap();
    }
    for order in [ListOrder::Asc, ListOrder::Desc] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let q = query(Some(10), Some(order.clone()), after.as_deref(), None);
            let page = store.list_messages("thread_p", None, &q).unwrap();
            seen.extend(page.data.iter().map(|m| m.id.clone()));
            if !page.has_more {
                // Old SDKs ask once more with the last id; that must be an empty page.
                let q = query(Some(10), Some(order.clone()), page.last_id.as_deref(), None);
                assert!(
                    store
                        .list_messages("thread_p", None, &q)
                        .unwrap()
                        .data
                        .is_empty()
                );
                break;
            }
            after = page.last_id;
        }
        assert_eq!(seen.len(), 45, "every message should be seen ({order:?})");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            45,
            "no repeats ({order:?})"
        );
    }
}

#[test]
fn an_unknown_cursor_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let q = query(None, None, Some("asst_gone"), None);
    match store.list_assistants(&q) {
        Err(StoreError::UnknownCursor { param: "after", id }) => assert_eq!(id, "asst_gone"),
        other => panic!("an unknown cursor should be reported, got {other:?}"),
    }
}

#[test]
fn lists_filter_by_parent_run_status_and_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_1")).unwrap();
    store.insert_thread(&thread("thread_2")).unwrap();
    store
        .insert_run(&run("run_1", "thread_1", "asst_a", "completed", 100))
        .unwrap();
    store
        .insert_run(&run("run_2", "thread_2", "asst_a", "completed", 100))
        .unwrap();
    store
        .insert_message(&message("msg_1", "thread_1", 1, "question"))
        .unwrap();
    store
        .insert_message(&reply("msg_2", "thread_1", "run_1", "asst_a", "answer"))
        .unwrap();
    store
        .insert_message(&message("msg_3", "thread_2", 1, "other"))
        .unwrap();
    store
        .insert_run_step(&step("step_1", "thread_1", "run_1"))
        .unwrap();
    store
        .insert_run_step(&step("step_2", "thread_2", "run_2"))
        .unwrap();

    let all = ListQuery::default();
    let messages = store.list_messages("thread_1", None, &all).unwrap();
    assert_eq!(
        messages
            .data
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>(),
        ["msg_2", "msg_1"]
    );
    let by_run = store
        .list_messages("thread_1", Some("run_1"), &all)
        .unwrap();
    assert_eq!(
        by_run.data.len(),
        1,
        "run_id should keep only that run's messages"
    );
    assert_eq!(by_run.data[0].id, "msg_2");
    let runs = store.list_runs("thread_1", &all).unwrap();
    assert_eq!(
        runs.data.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["run_1"]
    );
    let steps = store.list_run_steps("thread_1", "run_1", &all).unwrap();
    assert_eq!(
        steps.data.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["step_1"]
    );
    assert!(
        store
            .list_run_steps("thread_2", "run_1", &all)
            .unwrap()
            .data
            .is_empty()
    );
    assert_eq!(store.thread_messages("thread_1").unwrap().len(), 2);
    assert_eq!(
        store.thread_messages("thread_1").unwrap()[0].id,
        "msg_1",
        "oldest first"
    );

    store.insert_vector_store(&vector_store("vs_1")).unwrap();
    store.insert_file_batch(&batch("vs_1", "vsfb_1")).unwrap();
    store
        .insert_vector_store_file(&vs_file("vs_1", "file-1", 1, "completed"), None)
        .unwrap();
    store
        .insert_vector_store_file(&vs_file("vs_1", "file-2", 2, "failed"), Some("vsfb_1"))
        .unwrap();
    store
        .insert_vector_store_file(&vs_file("vs_1", "file-3", 3, "in_progress"), Some("vsfb_1"))
        .unwrap();
    let failed = ListVectorStoreFilesQuery {
        filter: Some(VectorStoreFileStatus::Failed),
        ..Default::default()
    };
    let page = store
        .list_vector_store_files("vs_1", None, &failed)
        .unwrap();
    assert_eq!(
        page.data.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["file-2"]
    );
    let in_batch = store
        .list_vector_store_files("vs_1", Some("vsfb_1"), &Default::default())
        .unwrap();
    assert_eq!(
        in_batch
            .data
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>(),
        ["file-3", "file-2"]
    );
    let counts = store.vector_store_file_counts("vs_1", None).unwrap();
    assert_eq!(
        (
            counts.completed,
            counts.failed,
            counts.in_progress,
            counts.total
        ),
        (1, 1, 1, 3)
    );
    let counts = store
        .vector_store_file_counts("vs_1", Some("vsfb_1"))
        .unwrap();
    assert_eq!(counts.total, 2, "batch counts only cover the batch's files");

    for (id, purpose) in [
        ("file-x", "assistants"),
        ("file-y", "vision"),
        ("file-z", "assistants"),
    ] {
        store
            .insert_file(&file(id, 1, purpose), Path::new("/tmp/x"))
            .unwrap();
    }
    let q = ListFilesQuery {
        purpose: Some("assistants".into()),
        order: Some(ListOrder::Asc),
        ..Default::default()
    };
    let files = store.list_files(&q).unwrap();
    assert_eq!(
        files.data.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["file-x", "file-z"]
    );
    assert!(!files.has_more, "files default to one big page");
}

#[test]
fn deletes_cascade_to_children() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_c")).unwrap();
    store
        .insert_message(&message("msg_c", "thread_c", 1, "cascade me"))
        .unwrap();
    store
        .insert_run(&run("run_c", "thread_c", "asst_a", "completed", 2))
        .unwrap();
    store
        .insert_run(&run("run_d", "thread_c", "asst_a", "completed", 3))
        .unwrap();
    store
        .insert_run_step(&step("step_c", "thread_c", "run_c"))
        .unwrap();
    store
        .insert_run_step(&step("step_d", "thread_c", "run_d"))
        .unwrap();

    assert!(store.delete_run("thread_c", "run_d").unwrap());
    assert!(
        store
            .get_run_step("thread_c", "run_d", "step_d")
            .unwrap()
            .is_none(),
        "deleting a run should delete its steps"
    );
    assert!(store.delete_thread("thread_c").unwrap());
    assert!(
        store.get_message("thread_c", "msg_c").unwrap().is_none(),
        "messages go with the thread"
    );
    assert!(
        store.get_run("thread_c", "run_c").unwrap().is_none(),
        "runs go with the thread"
    );
    assert!(
        store.run_steps("run_c").unwrap().is_empty(),
        "steps go with the thread"
    );
    assert!(
        store
            .search_messages("cascade", None, 10)
            .unwrap()
            .is_empty(),
        "the search index should forget cascaded messages"
    );

    store.insert_vector_store(&vector_store("vs_c")).unwrap();
    store.insert_file_batch(&batch("vs_c", "vsfb_c")).unwrap();
    store
        .insert_vector_store_file(&vs_file("vs_c", "file-c", 1, "completed"), Some("vsfb_c"))
        .unwrap();
    assert!(store.delete_vector_store("vs_c").unwrap());
    assert!(
        store
            .get_vector_store_file("vs_c", "file-c")
            .unwrap()
            .is_none()
    );
    assert!(store.get_file_batch("vs_c", "vsfb_c").unwrap().is_none());
}

#[test]
fn active_and_non_terminal_runs_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for id in ["thread_1", "thread_2", "thread_3"] {
        store.insert_thread(&thread(id)).unwrap();
    }
    store
        .insert_run(&run("run_done", "thread_1", "asst_a", "completed", 1))
        .unwrap();
    assert!(
        store.active_run("thread_1").unwrap().is_none(),
        "a completed run is not active"
    );
    store
        .insert_run(&run("run_live", "thread_1", "asst_a", "requires_action", 2))
        .unwrap();
    store
        .insert_run(&run("run_q", "thread_2", "asst_a", "queued", 3))
        .unwrap();
    store
        .insert_run(&run("run_x", "thread_3", "asst_a", "cancelling", 4))
        .unwrap();
    store
        .insert_run(&run("run_f", "thread_3", "asst_a", "failed", 5))
        .unwrap();
    assert_eq!(
        store
            .active_run("thread_1")
            .unwrap()
            .map(|r| r.id)
            .as_deref(),
        Some("run_live")
    );
    assert_eq!(
        store
            .active_run("thread_3")
            .unwrap()
            .map(|r| r.id)
            .as_deref(),
        Some("run_x")
    );
    let open_runs: Vec<String> = store
        .non_terminal_runs()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        open_runs,
        ["run_live", "run_q", "run_x"],
        "only unfinished runs, oldest first"
    );

    let mut live = store.get_run("thread_1", "run_live").unwrap().unwrap();
    live.status = RunStatus::Expired;
    store.update_run(&live).unwrap();
    assert!(
        store.active_run("thread_1").unwrap().is_none(),
        "an expired run frees the thread"
    );
}

#[test]
fn search_highlights_filters_and_follows_edits() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_s")).unwrap();
    store.insert_thread(&thread("thread_t")).unwrap();
    store
        .insert_run(&run("run_s", "thread_s", "asst_s", "completed", 40))
        .unwrap();
    store
        .insert_run(&run("run_t", "thread_t", "asst_t", "completed", 40))
        .unwrap();
    store
        .insert_message(&message(
            "msg_u",
            "thread_s",
            30,
            "The quick brown fox visits the café",
        ))
        .unwrap();
    store
        .insert_message(&reply(
            "msg_r",
            "thread_s",
            "run_s",
            "asst_s",
            "Foxes are quick indeed",
        ))
        .unwrap();
    store
        .insert_message(&reply(
            "msg_t",
            "thread_t",
            "run_t",
            "asst_t",
            "A quick reply elsewhere",
        ))
        .unwrap();

    let hits = store.search_messages("brown fox", None, 10).unwrap();
    assert_eq!(
        hits.len(),
        1,
        "only the message with both words should match"
    );
    let hit = &hits[0];
    assert_eq!(
        (hit.message_id.as_str(), hit.thread_id.as_str()),
        ("msg_u", "thread_s")
    );
    assert_eq!(
        hit.assistant_id.as_deref(),
        Some("asst_s"),
        "a user message takes its thread's assistant"
    );
    assert_eq!(hit.created_at, 30);
    assert!(
        hit.snippet.contains(&format!("{HIT_START}brown{HIT_END}")),
        "the hit should be marked: {:?}",
        hit.snippet
    );
    assert!(
        hit.snippet.contains(&format!("{HIT_START}fox{HIT_END}")),
        "prefix hits are marked too"
    );

    assert_eq!(store.search_messages("quick", None, 10).unwrap().len(), 3);
    let only_t = store.search_messages("quick", Some("asst_t"), 10).unwrap();
    assert_eq!(
        only_t
            .iter()
            .map(|h| h.message_id.as_str())
            .collect::<Vec<_>>(),
        ["msg_t"]
    );
    assert_eq!(
        store.search_messages("quick", None, 1).unwrap().len(),
        1,
        "limit is honoured"
    );
    assert_eq!(
        store.search_messages("cafe", None, 10).unwrap().len(),
        1,
        "accents fold"
    );

    let mut edited = store.get_message("thread_s", "msg_u").unwrap().unwrap();
    edited.content = vec![from(
        json!({"type": "text", "text": {"value": "slow turtle", "annotations": []}}),
    )];
    store.update_message(&edited).unwrap();
    assert!(
        store.search_messages("brown", None, 10).unwrap().is_empty(),
        "old text is forgotten"
    );
    assert_eq!(
        store.search_messages("turtle", None, 10).unwrap().len(),
        1,
        "new text is found"
    );
    store.delete_message("thread_s", "msg_u").unwrap();
    assert!(
        store
            .search_messages("turtle", None, 10)
            .unwrap()
            .is_empty(),
        "deleted text is forgotten"
    );
}

#[test]
fn hostile_search_input_never_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_h")).unwrap();
    store
        .insert_message(&message(
            "msg_h",
            "thread_h",
            1,
            "foo said \"OR\" near NEAR(x) \u{2}ctl\u{3}",
        ))
        .unwrap();
    let hostile = [
        "foo\" OR",
        "\"",
        "\"\"",
        "*",
        "foo*",
        "NEAR(",
        "NEAR(foo bar, 2)",
        "a:b",
        "text:foo",
        "-foo",
        "^foo",
        "AND",
        "OR OR",
        "NOT",
        ")(",
        "{foo}",
        "'; DROP TABLE messages; --",
        "",
        "   ",
        "\u{0}",
        "🙂",
        "foo AND",
        "+",
        "col:",
        "\u{2}",
        "ümlaut",
        "\\",
    ];
    for input in hostile {
        let result = store.search_messages(input, None, 10);
        assert!(
            result.is_ok(),
            "searching {input:?} should not fail: {result:?}"
        );
    }
    let found = store.search_messages("foo\" OR", None, 10).unwrap();
    assert_eq!(found.len(), 1, "quoted operators are plain words to match");
    let ctl = store.search_messages("ctl", None, 10).unwrap();
    assert!(
        !ctl[0].snippet.contains("\u{2}ctl\u{3}\u{3}"),
        "markers typed into a message must not reach the snippet as markers"
    );
    assert_eq!(
        ctl[0].snippet.matches(HIT_START).count(),
        1,
        "only the real hit is marked"
    );
}

#[test]
fn a_transaction_commits_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_x")).unwrap();
    store
        .insert_run(&run("run_x", "thread_x", "asst_a", "in_progress", 1))
        .unwrap();

    let failed: Result<(), StoreError> = store.transaction(|tx| {
        tx.insert_message(&reply("msg_x", "thread_x", "run_x", "asst_a", "partial"))?;
        let mut run = tx.get_run("thread_x", "run_x")?.unwrap();
        run.status = RunStatus::Completed;
        tx.update_run(&run)?;
        // The second message has a missing thread, so the whole transaction must roll back.
        tx.insert_message(&message("msg_y", "thread_missing", 1, "x"))?;
        Ok(())
    });
    assert!(failed.is_err());
    assert!(
        store.get_message("thread_x", "msg_x").unwrap().is_none(),
        "the message should be rolled back"
    );
    assert_eq!(
        store.get_run("thread_x", "run_x").unwrap().unwrap().status,
        RunStatus::InProgress
    );

    store
        .transaction(|tx| {
            tx.insert_message(&reply("msg_x", "thread_x", "run_x", "asst_a", "final"))?;
            let mut run = tx.get_run("thread_x", "run_x")?.unwrap();
            run.status = RunStatus::Completed;
            tx.update_run(&run)?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // A second handle on the file sees the commit, so it reached the database, not a cache.
    let other = open(dir.path());
    assert!(other.get_message("thread_x", "msg_x").unwrap().is_some());
    assert_eq!(
        other.get_run("thread_x", "run_x").unwrap().unwrap().status,
        RunStatus::Completed
    );
}

#[test]
fn an_unsynced_transaction_commits_and_leaves_full_sync_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_u")).unwrap();
    store
        .transaction_unsynced(|tx| tx.insert_message(&message("msg_u", "thread_u", 1, "streamed")))
        .unwrap();
    let failed: Result<(), StoreError> = store.transaction_unsynced(|tx| {
        tx.insert_message(&message("msg_bad", "thread_missing", 1, "x"))
    });
    assert!(
        failed.is_err(),
        "a failing unsynced transaction still fails"
    );
    assert_eq!(
        store.pragma("synchronous").unwrap(),
        "2",
        "every other write must still be fsynced (FULL = 2), even after a failure"
    );
    let other = open(dir.path());
    assert!(
        other.get_message("thread_u", "msg_u").unwrap().is_some(),
        "the unsynced commit is in the database, visible to another handle"
    );
}

#[test]
fn a_message_being_streamed_is_searchable_once_it_is_finished() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_s")).unwrap();
    let mut streaming = message("msg_s", "thread_s", 1, "the zebra crossing");
    streaming.status = MessageStatus::InProgress;
    store.insert_message(&streaming).unwrap();
    assert!(
        store.search_messages("zebra", None, 10).unwrap().is_empty(),
        "text still being written is not indexed yet"
    );
    streaming.status = MessageStatus::Incomplete;
    store.update_message(&streaming).unwrap();
    assert_eq!(
        store.search_messages("zebra", None, 10).unwrap().len(),
        1,
        "a finished (even cut-off) answer is found"
    );
}

#[test]
fn many_threads_and_two_handles_write_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let second = open(dir.path());
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            // Half the workers use a second connection, so SQLite's own locking is exercised.
            let store = if worker % 2 == 0 {
                store.clone()
            } else {
                second.clone()
            };
            std::thread::spawn(move || {
                let thread_id = format!("thread_w{worker}");
                store.insert_thread(&thread(&thread_id)).unwrap();
                for i in 0..40 {
                    store
                        .insert_message(&message(
                            &new_id("msg_"),
                            &thread_id,
                            i,
                            "concurrent words",
                        ))
                        .unwrap();
                    let page = store
                        .list_messages(&thread_id, None, &ListQuery::default())
                        .unwrap();
                    assert!(!page.data.is_empty(), "a worker should see its own writes");
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("no worker should panic");
    }
    for worker in 0..8 {
        assert_eq!(
            store
                .thread_messages(&format!("thread_w{worker}"))
                .unwrap()
                .len(),
            40
        );
    }
    assert_eq!(
        store
            .search_messages("concurrent", None, 100)
            .unwrap()
            .len(),
        100,
        "capped at 100"
    );
}

#[test]
fn the_store_can_be_shared_across_tasks() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Store>();
}

fn untitled(id: &str, created_at: i64) -> hearth_wire::Thread {
    from(serde_json::json!({
        "id": id, "object": "thread", "created_at": created_at, "tool_resources": null, "metadata": {}
    }))
}

#[test]
fn threads_are_listed_by_latest_activity_with_title_preview_and_assistant() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_assistant(&assistant("asst_a", 1)).unwrap();
    store.insert_thread(&untitled("thread_old", 1)).unwrap();
    store.insert_thread(&untitled("thread_new", 2)).unwrap();
    store.insert_thread(&thread("thread_named")).unwrap();
    store
        .insert_message(&message(
            "msg_1",
            "thread_old",
            5,
            "What is the capital of France?\nThanks",
        ))
        .unwrap();
    store
        .insert_run(&run("run_1", "thread_old", "asst_a", "completed", 6))
        .unwrap();
    let mut answer = reply("msg_2", "thread_old", "run_1", "asst_a", "Paris.");
    answer.created_at = 70;
    store.insert_message(&answer).unwrap();

    let all = store.thread_summaries(None).unwrap();
    let ids: Vec<&str> = all.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        ["thread_old", "thread_named", "thread_new"],
        "most recently active first"
    );
    let old = &all[0];
    assert_eq!(
        old.title, "What is the capital of France?",
        "first line of the first user message"
    );
    assert!(!old.renamed);
    assert_eq!(old.preview, "Paris.");
    assert_eq!(old.updated_at, 70);
    assert_eq!(old.assistant_id.as_deref(), Some("asst_a"));
    assert_eq!(all[1].title, "Trip", "a given title wins");
    assert!(all[1].renamed);
    assert_eq!(
        all[2].title, "",
        "a thread with no message has no title yet"
    );

    let only_a = store.thread_summaries(Some("asst_a")).unwrap();
    assert_eq!(only_a.len(), 1);
    assert_eq!(only_a[0].id, "thread_old");
}
