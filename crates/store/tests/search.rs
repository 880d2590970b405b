//! Full-text search: the order of its results, the limit on how many matches are ranked, and
//! prefixes of every length.

// Each test file uses only some of the shared fixtures.
#[allow(dead_code)]
mod support;

use hearth_store::{RANKED_MATCHES, Store, StoreError};
use support::*;

/// The ids of the hits of `query`, in order.
fn found(store: &Store, query: &str, assistant_id: Option<&str>, limit: u32) -> Vec<String> {
    store
        .search_messages(query, assistant_id, limit)
        .unwrap()
        .into_iter()
        .map(|hit| hit.message_id)
        .collect()
}

/// Stores `count` user messages in `thread_id`, all containing `text`, as `{prefix}{i}`.
fn fill(store: &Store, thread_id: &str, prefix: &str, count: u32, text: &str) {
    store
        .transaction(|tx| {
            for i in 0..count {
                tx.insert_message(&message(
                    &format!("{prefix}{i}"),
                    thread_id,
                    i64::from(i),
                    text,
                ))?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn search_ranks_the_best_match_first_and_ties_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_r")).unwrap();
    let diluted = "apple with banana cherry damson elder fig grape";
    store
        .insert_message(&message("msg_old", "thread_r", 1, diluted))
        .unwrap();
    store
        .insert_message(&message("msg_best", "thread_r", 2, "apple apple"))
        .unwrap();
    store
        .insert_message(&message("msg_new", "thread_r", 3, diluted))
        .unwrap();
    assert_eq!(
        found(&store, "apple", None, 10),
        ["msg_best", "msg_new", "msg_old"],
        "the densest match first; equal ones the most recently stored first"
    );
    assert_eq!(found(&store, "apple", None, 1), ["msg_best"]);
}

#[test]
fn search_ranks_only_the_newest_matches() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_n")).unwrap();
    store
        .insert_message(&message("msg_first", "thread_n", 0, "needle needle old"))
        .unwrap();
    fill(
        &store,
        "thread_n",
        "msg_hay",
        RANKED_MATCHES,
        "a needle lost in a long haystack of many other words",
    );

    let hits = found(&store, "needle", None, 100);
    assert_eq!(hits.len(), 100);
    assert!(
        !hits.contains(&"msg_first".to_owned()),
        "the best match is older than the newest {RANKED_MATCHES} and is left out"
    );
    assert_eq!(
        found(&store, "needle old", None, 10),
        ["msg_first"],
        "a query with few matches ranks them all, however old"
    );

    store
        .insert_message(&message("msg_last", "thread_n", 9, "needle needle new"))
        .unwrap();
    assert_eq!(
        found(&store, "needle", None, 1),
        ["msg_last"],
        "among the newest matches the best comes first"
    );
}

#[test]
fn the_assistant_filter_applies_before_the_newest_matches_are_taken() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_x")).unwrap();
    store.insert_thread(&thread("thread_y")).unwrap();
    store
        .insert_run(&run("run_x", "thread_x", "asst_x", "completed", 1))
        .unwrap();
    store
        .insert_run(&run("run_y", "thread_y", "asst_y", "completed", 1))
        .unwrap();
    store
        .insert_message(&message("msg_ask", "thread_x", 1, "where is the needle"))
        .unwrap();
    store
        .insert_message(&reply(
            "msg_answer",
            "thread_x",
            "run_x",
            "asst_x",
            "the needle is here",
        ))
        .unwrap();
    fill(&store, "thread_y", "msg_y", RANKED_MATCHES + 10, "needle");

    let mut only_x = found(&store, "needle", Some("asst_x"), 10);
    only_x.sort();
    assert_eq!(
        only_x,
        ["msg_answer", "msg_ask"],
        "older matches of the assistant are found behind newer ones of another"
    );
    assert!(
        found(&store, "needle", None, 100)
            .iter()
            .all(|id| id.starts_with("msg_y")),
        "unfiltered, the newest matches are ranked"
    );

    // A user message belongs to the assistant of its thread's latest run.
    store
        .insert_run(&run("run_x2", "thread_x", "asst_y", "completed", 2))
        .unwrap();
    assert_eq!(found(&store, "needle", Some("asst_x"), 10), ["msg_answer"]);
}

#[test]
fn every_prefix_of_a_word_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_p")).unwrap();
    store
        .insert_message(&message("msg_p", "thread_p", 1, "Überlegung zum Café"))
        .unwrap();
    store
        .insert_message(&message("msg_q", "thread_p", 2, "unrelated cabbage"))
        .unwrap();

    // Prefixes of up to three characters are read from their own index, longer ones are not;
    // all must agree, accents folded.
    let word: Vec<char> = "überlegung".chars().collect();
    for length in 2..=word.len() {
        let prefix: String = word[..length].iter().collect();
        assert_eq!(found(&store, &prefix, None, 10), ["msg_p"], "{prefix:?}");
        let folded = prefix.replace('ü', "u");
        assert_eq!(found(&store, &folded, None, 10), ["msg_p"], "{folded:?}");
    }
    let mut u = found(&store, "u", None, 10);
    u.sort();
    assert_eq!(u, ["msg_p", "msg_q"], "one letter starts both");
    let mut ca = found(&store, "ca", None, 10);
    ca.sort();
    assert_eq!(ca, ["msg_p", "msg_q"]);
    assert_eq!(found(&store, "caf", None, 10), ["msg_p"]);
    assert_eq!(found(&store, "zum caf", None, 10), ["msg_p"]);
    assert!(
        found(&store, "zu cafe", None, 10).is_empty(),
        "only the last word is a prefix"
    );
}
