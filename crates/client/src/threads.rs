//! Threads: `/threads` and create-thread-and-run.

use serde::Serialize;

use crate::request::{Call, seg};
use crate::{Client, Error, EventStream, Run, Thread, ThreadDeleted};

impl Client {
    /// `POST /threads` with a `CreateThreadRequest` (`&serde_json::json!({})` for an empty thread).
    pub async fn create_thread(&self, body: &impl Serialize) -> Result<Thread, Error> {
        self.json(Call::post("/threads".into()).beta().json(body)?)
            .await
    }

    /// `GET /threads/{thread_id}`.
    pub async fn retrieve_thread(&self, thread_id: &str) -> Result<Thread, Error> {
        self.json(Call::get(format!("/threads/{}", seg(thread_id))).beta())
            .await
    }

    /// `POST /threads/{thread_id}` with a `ModifyThreadRequest`.
    pub async fn modify_thread(
        &self,
        thread_id: &str,
        body: &impl Serialize,
    ) -> Result<Thread, Error> {
        self.json(
            Call::post(format!("/threads/{}", seg(thread_id)))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `DELETE /threads/{thread_id}`.
    pub async fn delete_thread(&self, thread_id: &str) -> Result<ThreadDeleted, Error> {
        self.json(Call::delete(format!("/threads/{}", seg(thread_id))).beta())
            .await
    }

    /// `POST /threads/runs` with a `CreateThreadAndRunRequest`: the new run, status `queued`.
    pub async fn create_thread_and_run(&self, body: &impl Serialize) -> Result<Run, Error> {
        self.json(Call::post("/threads/runs".into()).beta().json(body)?)
            .await
    }

    /// `POST /threads/runs` with `"stream": true`: `thread.created`, then the run's events.
    pub async fn create_thread_and_run_stream(
        &self,
        body: &impl Serialize,
    ) -> Result<EventStream, Error> {
        self.stream(
            Call::post("/threads/runs".into())
                .beta()
                .json_streaming(body)?,
        )
        .await
    }
}
