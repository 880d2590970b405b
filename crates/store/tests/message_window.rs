//! Windows of a thread's messages, checked against slices of the whole thread.

// Each test file uses only some of the shared fixtures.
#[allow(dead_code)]
mod support;

use hearth_store::{MessageAnchor, StoreError};
use support::*;

/// Ids of the thread's messages in thread order, and the store holding them. Few distinct times,
/// so insertion order must break ties, as it does in every list.
fn thread_of(count: usize) -> (tempfile::TempDir, hearth_store::Store, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.insert_thread(&thread("thread_1")).unwrap();
    store.insert_thread(&thread("thread_2")).unwrap();
    let mut all: Vec<(i64, usize, String)> = Vec::new();
    for i in 0..count {
        let created_at = 100 + (i as i64 * 7) % 4;
        let id = format!("msg_{i:02}");
        store
            .insert_message(&message(&id, "thread_1", created_at, "hello"))
            .unwrap();
        // Another thread's messages interleave and must never show.
        store
            .insert_message(&message(&format!("other_{i}"), "thread_2", created_at, "x"))
            .unwrap();
        all.push((created_at, i, id));
    }
    all.sort();
    (dir, store, all.into_iter().map(|(_, _, id)| id).collect())
}

fn ids(window: &hearth_store::MessageWindow) -> Vec<String> {
    window.messages.iter().map(|m| m.id.clone()).collect()
}

#[test]
fn windows_are_the_expected_slices_of_the_thread() {
    let (_dir, store, all) = thread_of(23);
    let n = all.len();
    for limit in [1_u32, 2, 5, 22, 23, 100] {
        let l = limit as usize;

        let latest = store
            .message_window("thread_1", &MessageAnchor::Latest, limit)
            .unwrap();
        assert_eq!(ids(&latest), all[n.saturating_sub(l)..], "latest {limit}");
        assert_eq!(latest.has_earlier, l < n, "latest {limit} has earlier");
        assert!(!latest.has_later);

        for (at, id) in all.iter().enumerate() {
            let before = store
                .message_window("thread_1", &MessageAnchor::Before(id.clone()), limit)
                .unwrap();
            let start = at.saturating_sub(l);
            assert_eq!(ids(&before), all[start..at], "{limit} before {id}");
            assert_eq!(
                before.has_earlier,
                start > 0,
                "{limit} before {id}: earlier"
            );
            assert!(before.has_later);

            let after = store
                .message_window("thread_1", &MessageAnchor::After(id.clone()), limit)
                .unwrap();
            let end = (at + 1 + l).min(n);
            assert_eq!(ids(&after), all[at + 1..end], "{limit} after {id}");
            assert!(after.has_earlier);
            assert_eq!(after.has_later, end < n, "{limit} after {id}: later");

            let around = store
                .message_window("thread_1", &MessageAnchor::Around(id.clone()), limit)
                .unwrap();
            let start = at.saturating_sub(l / 2);
            let end = (at + l - l / 2).min(n);
            assert_eq!(ids(&around), all[start..end], "{limit} around {id}");
            assert!(ids(&around).contains(id), "the anchor is in its window");
            assert_eq!(
                around.has_earlier,
                start > 0,
                "{limit} around {id}: earlier"
            );
            assert_eq!(around.has_later, end < n, "{limit} around {id}: later");
        }
    }
}

#[test]
fn an_empty_thread_has_an_empty_window() {
    let (_dir, store, _) = thread_of(0);
    let window = store
        .message_window("thread_1", &MessageAnchor::Latest, 60)
        .unwrap();
    assert!(window.messages.is_empty());
    assert!(!window.has_earlier && !window.has_later);
}

#[test]
fn an_anchor_from_another_thread_is_an_error() {
    let (_dir, store, _) = thread_of(3);
    let error = store
        .message_window("thread_1", &MessageAnchor::Before("other_1".into()), 10)
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::UnknownCursor { param: "before", id } if id == "other_1"),
        "{error:?}"
    );
}
