//! The offline mirror of a remote server: objects are stored as the server last described them,
//! whether or not they were seen before, and dropped when the server's answer says they are gone.
//!
//! Upserts update rows in place instead of deleting and re-inserting them, so a mirrored thread
//! keeps its messages and runs (a delete would cascade) and the full-text index is kept by the
//! update trigger of `messages`. Each row is written with the same columns and values as the
//! store's own insert of that object (`rows::Columns`, `Write::Upsert`).

use hearth_wire::{Assistant, Message, Run, RunStep, Thread};
use rusqlite::params;

use crate::error::Result;
use crate::rows::{self, Write};
use crate::store::{Tx, delegate};

/// The ids of `items` as a JSON array, for `NOT IN (SELECT value FROM json_each(?))`.
fn id_array<T>(items: &[T], id_of: impl Fn(&T) -> &str) -> Result<String> {
    rows::json(&items.iter().map(id_of).collect::<Vec<_>>())
}

impl Tx<'_> {
    /// Stores an assistant, replacing the stored one with its id.
    pub fn put_assistant(&self, assistant: &Assistant) -> Result<()> {
        self.write_assistant(Write::Upsert, assistant)
    }

    /// Makes the stored assistants exactly `assistants`: the ones the server no longer lists go.
    pub fn replace_assistants(&self, assistants: &[Assistant]) -> Result<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM assistants WHERE id NOT IN (SELECT value FROM json_each(?1))",
            )?
            .execute([id_array(assistants, |a| &a.id)?])?;
        assistants.iter().try_for_each(|a| self.put_assistant(a))
    }

    /// Stores a thread, replacing the stored one with its id; its messages and runs stay.
    pub fn put_thread(&self, thread: &Thread) -> Result<()> {
        self.write_thread(Write::Upsert, thread)
    }

    /// Stores a message, replacing the stored one with its id and re-indexing its text; fails if
    /// its thread is not stored.
    pub fn put_message(&self, message: &Message) -> Result<()> {
        self.write_message(Write::Upsert, message)
    }

    /// Makes the stored messages of `thread_id` exactly `messages` (which must all belong to it).
    pub fn replace_thread_messages(&self, thread_id: &str, messages: &[Message]) -> Result<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM messages WHERE thread_id = ?1
                 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![thread_id, id_array(messages, |m| &m.id)?])?;
        messages.iter().try_for_each(|m| self.put_message(m))
    }

    /// Stores a run, replacing the stored one with its id (its steps stay); fails if its thread
    /// is not stored.
    pub fn put_run(&self, run: &Run) -> Result<()> {
        self.write_run(Write::Upsert, run)
    }

    /// Makes the stored runs of `thread_id` exactly `runs`; the steps of dropped runs go too.
    pub fn replace_thread_runs(&self, thread_id: &str, runs: &[Run]) -> Result<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM runs WHERE thread_id = ?1
                 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![thread_id, id_array(runs, |r| &r.id)?])?;
        runs.iter().try_for_each(|r| self.put_run(r))
    }

    /// Stores a run step, replacing the stored one with its id; fails if its run is not stored.
    pub fn put_run_step(&self, step: &RunStep) -> Result<()> {
        self.write_run_step(Write::Upsert, step)
    }

    /// Makes the stored steps of `run_id` exactly `steps`.
    pub fn replace_run_steps(&self, run_id: &str, steps: &[RunStep]) -> Result<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM run_steps WHERE run_id = ?1
                 AND id NOT IN (SELECT value FROM json_each(?2))",
            )?
            .execute(params![run_id, id_array(steps, |s| &s.id)?])?;
        steps.iter().try_for_each(|s| self.put_run_step(s))
    }
}

delegate! {
    /// Stores an assistant, replacing the stored one with its id.
    write fn put_assistant(&self, assistant: &Assistant) -> ();
    /// Makes the stored assistants exactly `assistants`.
    write fn replace_assistants(&self, assistants: &[Assistant]) -> ();
    /// Stores a thread, replacing the stored one with its id; its messages and runs stay.
    write fn put_thread(&self, thread: &Thread) -> ();
    /// Stores a message, replacing the stored one with its id and re-indexing its text.
    write fn put_message(&self, message: &Message) -> ();
    /// Makes the stored messages of `thread_id` exactly `messages`.
    write fn replace_thread_messages(&self, thread_id: &str, messages: &[Message]) -> ();
    /// Stores a run, replacing the stored one with its id.
    write fn put_run(&self, run: &Run) -> ();
    /// Makes the stored runs of `thread_id` exactly `runs`.
    write fn replace_thread_runs(&self, thread_id: &str, runs: &[Run]) -> ();
    /// Stores a run step, replacing the stored one with its id.
    write fn put_run_step(&self, step: &RunStep) -> ();
    /// Makes the stored steps of `run_id` exactly `steps`.
    write fn replace_run_steps(&self, run_id: &str, steps: &[RunStep]) -> ();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use serde_json::json;

    fn assistant(id: &str, name: &str) -> Assistant {
        serde_json::from_value(json!({
            "id": id, "object": "assistant", "created_at": 1, "name": name, "description": null,
            "model": "m", "instructions": null, "tools": [], "metadata": {}
        }))
        .unwrap()
    }

    fn thread(id: &str, title: Option<&str>) -> Thread {
        let metadata = match title {
            Some(title) => json!({"title": title}),
            None => json!({}),
        };
        serde_json::from_value(json!({
            "id": id, "object": "thread", "created_at": 1, "tool_resources": null,
            "metadata": metadata
        }))
        .unwrap()
    }

    fn message(id: &str, thread_id: &str, status: &str, text: &str) -> Message {
        serde_json::from_value(json!({
            "id": id, "object": "thread.message", "created_at": 2, "thread_id": thread_id,
            "status": status, "incomplete_details": null, "completed_at": null,
            "incomplete_at": null, "role": "assistant", "assistant_id": "asst_1",
            "run_id": "run_1", "attachments": null, "metadata": {},
            "content": [{"type": "text", "text": {"value": text, "annotations": []}}]
        }))
        .unwrap()
    }

    fn run(id: &str, thread_id: &str, status: &str) -> Run {
        serde_json::from_value(json!({
            "id": id, "object": "thread.run", "created_at": 2, "thread_id": thread_id,
            "assistant_id": "asst_1", "status": status, "required_action": null,
            "last_error": null, "expires_at": null, "started_at": null, "cancelled_at": null,
            "failed_at": null, "completed_at": null, "incomplete_details": null, "model": "m",
            "instructions": "", "tools": [], "metadata": {}, "usage": null,
            "temperature": null, "top_p": null, "max_prompt_tokens": null,
            "max_completion_tokens": null, "truncation_strategy": null,
            "tool_choice": "auto", "parallel_tool_calls": true, "response_format": "auto"
        }))
        .unwrap()
    }

    fn step(id: &str, run_id: &str, thread_id: &str, status: &str) -> RunStep {
        serde_json::from_value(json!({
            "id": id, "object": "thread.run.step", "created_at": 3, "assistant_id": "asst_1",
            "thread_id": thread_id, "run_id": run_id, "type": "message_creation",
            "status": status,
            "step_details": {"type": "message_creation",
                             "message_creation": {"message_id": "msg_1"}},
            "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
            "completed_at": null, "metadata": {}, "usage": null
        }))
        .unwrap()
    }

    fn found(store: &Store, words: &str) -> Vec<String> {
        store
            .search_messages(words, None, 10)
            .unwrap()
            .into_iter()
            .map(|hit| hit.message_id)
            .collect()
    }

    #[test]
    fn put_assistant_inserts_then_replaces() {
        let store = Store::open_in_memory().unwrap();
        store.put_assistant(&assistant("asst_1", "Old")).unwrap();
        store.put_assistant(&assistant("asst_1", "New")).unwrap();
        let stored = store.get_assistant("asst_1").unwrap().unwrap();
        assert_eq!(
            stored.name.as_deref(),
            Some("New"),
            "the second put should replace the first"
        );
    }

    #[test]
    fn replace_assistants_drops_the_ones_not_listed() {
        let store = Store::open_in_memory().unwrap();
        store
            .put_assistant(&assistant("asst_gone", "Gone"))
            .unwrap();
        store.put_assistant(&assistant("asst_kept", "Old")).unwrap();
        store
            .replace_assistants(&[assistant("asst_kept", "Kept"), assistant("asst_new", "New")])
            .unwrap();
        assert_eq!(store.get_assistant("asst_gone").unwrap(), None);
        let kept = store.get_assistant("asst_kept").unwrap().unwrap();
        assert_eq!(kept.name.as_deref(), Some("Kept"));
        assert!(store.get_assistant("asst_new").unwrap().is_some());
        store.replace_assistants(&[]).unwrap();
        assert_eq!(
            store.get_assistant("asst_kept").unwrap(),
            None,
            "an empty list should leave no assistant"
        );
    }

    #[test]
    fn put_thread_keeps_its_messages_and_changes_its_title() {
        let store = Store::open_in_memory().unwrap();
        store.put_thread(&thread("thread_1", None)).unwrap();
        store
            .put_message(&message("msg_1", "thread_1", "completed", "kept text"))
            .unwrap();
        store
            .put_thread(&thread("thread_1", Some("Renamed")))
            .unwrap();
        assert_eq!(
            store.thread_messages("thread_1").unwrap().len(),
            1,
            "replacing a thread must not cascade to its messages"
        );
        let summaries = store.thread_summaries(None).unwrap();
        assert_eq!(summaries[0].title, "Renamed");
    }

    #[test]
    fn put_message_reindexes_so_search_finds_the_new_text_not_the_old() {
        let store = Store::open_in_memory().unwrap();
        store.put_thread(&thread("thread_1", None)).unwrap();
        store
            .put_message(&message("msg_1", "thread_1", "in_progress", "partial"))
            .unwrap();
        assert!(
            found(&store, "partial").is_empty(),
            "a message still being written is not indexed"
        );
        store
            .put_message(&message("msg_1", "thread_1", "completed", "walrus answer"))
            .unwrap();
        assert_eq!(found(&store, "walrus"), ["msg_1"]);
        store
            .put_message(&message("msg_1", "thread_1", "completed", "penguin answer"))
            .unwrap();
        assert_eq!(found(&store, "penguin"), ["msg_1"]);
        assert!(
            found(&store, "walrus").is_empty(),
            "the replaced text should be gone from the index"
        );
        assert_eq!(store.thread_messages("thread_1").unwrap().len(), 1);
    }

    #[test]
    fn a_message_needs_its_thread() {
        let store = Store::open_in_memory().unwrap();
        assert!(
            store
                .put_message(&message("msg_1", "thread_none", "completed", "x"))
                .is_err(),
            "a message of an unknown thread should be refused"
        );
    }

    #[test]
    fn replace_thread_messages_drops_the_deleted_ones_and_their_text() {
        let store = Store::open_in_memory().unwrap();
        store.put_thread(&thread("thread_1", None)).unwrap();
        store.put_thread(&thread("thread_2", None)).unwrap();
        store
            .put_message(&message("msg_old", "thread_1", "completed", "obsolete"))
            .unwrap();
        store
            .put_message(&message("msg_other", "thread_2", "completed", "elsewhere"))
            .unwrap();
        store
            .replace_thread_messages(
                "thread_1",
                &[message("msg_new", "thread_1", "completed", "current")],
            )
            .unwrap();
        assert!(found(&store, "obsolete").is_empty());
        assert_eq!(found(&store, "current"), ["msg_new"]);
        assert_eq!(
            found(&store, "elsewhere"),
            ["msg_other"],
            "another thread's messages should stay"
        );
    }

    #[test]
    fn runs_and_steps_are_upserted_and_replaced() {
        let store = Store::open_in_memory().unwrap();
        store.put_thread(&thread("thread_1", None)).unwrap();
        store
            .put_run(&run("run_1", "thread_1", "in_progress"))
            .unwrap();
        store
            .put_run_step(&step("step_1", "run_1", "thread_1", "in_progress"))
            .unwrap();
        store
            .put_run(&run("run_1", "thread_1", "completed"))
            .unwrap();
        store
            .put_run_step(&step("step_1", "run_1", "thread_1", "completed"))
            .unwrap();
        let stored = store.get_run("thread_1", "run_1").unwrap().unwrap();
        assert_eq!(stored.status.as_str(), "completed");
        let steps = store.run_steps("run_1").unwrap();
        assert_eq!(steps.len(), 1, "updating the run should keep its step");
        assert_eq!(steps[0].status.as_str(), "completed");
        assert_eq!(
            store.active_run("thread_1").unwrap(),
            None,
            "the status column should follow the upsert"
        );

        store
            .put_run_step(&step("step_2", "run_1", "thread_1", "completed"))
            .unwrap();
        store
            .replace_run_steps("run_1", &[step("step_2", "run_1", "thread_1", "completed")])
            .unwrap();
        let ids: Vec<_> = store
            .run_steps("run_1")
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(ids, ["step_2"]);

        store
            .put_run(&run("run_2", "thread_1", "completed"))
            .unwrap();
        store
            .replace_thread_runs("thread_1", &[run("run_2", "thread_1", "completed")])
            .unwrap();
        assert_eq!(store.get_run("thread_1", "run_1").unwrap(), None);
        assert!(
            store.run_steps("run_1").unwrap().is_empty(),
            "a dropped run's steps should go with it"
        );
        assert!(store.get_run("thread_1", "run_2").unwrap().is_some());
    }
}
