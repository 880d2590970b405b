//! Runs and run steps: `/threads/{thread_id}/runs…`.

use futures_util::Stream;
use serde::Serialize;

use crate::request::{Call, seg};
use crate::{Client, Error, EventStream, ListQuery, Page, Run, RunStep};

/// The one value `include[]` accepts: file-search results with their content.
pub const INCLUDE_FILE_SEARCH_CONTENT: &str =
    "step_details.tool_calls[*].file_search.results[*].content";

fn runs_path(thread_id: &str) -> String {
    format!("/threads/{}/runs", seg(thread_id))
}

fn run_path(thread_id: &str, run_id: &str) -> String {
    format!("/threads/{}/runs/{}", seg(thread_id), seg(run_id))
}

fn include_pairs(include: &[&str]) -> Vec<(String, String)> {
    include
        .iter()
        .map(|v| ("include[]".to_owned(), (*v).to_owned()))
        .collect()
}

impl Client {
    /// `POST /threads/{thread_id}/runs` with a `CreateRunRequest`; `include` fills `include[]`.
    pub async fn create_run(
        &self,
        thread_id: &str,
        body: &impl Serialize,
        include: &[&str],
    ) -> Result<Run, Error> {
        let call = Call::post(runs_path(thread_id))
            .beta()
            .query(include_pairs(include))
            .json(body)?;
        self.json(call).await
    }

    /// `POST /threads/{thread_id}/runs` with `"stream": true`.
    pub async fn create_run_stream(
        &self,
        thread_id: &str,
        body: &impl Serialize,
        include: &[&str],
    ) -> Result<EventStream, Error> {
        let call = Call::post(runs_path(thread_id))
            .beta()
            .query(include_pairs(include))
            .json_streaming(body)?;
        self.stream(call).await
    }

    /// `GET /threads/{thread_id}/runs/{run_id}`: what poll loops call.
    pub async fn retrieve_run(&self, thread_id: &str, run_id: &str) -> Result<Run, Error> {
        self.json(Call::get(run_path(thread_id, run_id)).beta())
            .await
    }

    /// `POST /threads/{thread_id}/runs/{run_id}` with a `ModifyRunRequest` (metadata only).
    pub async fn modify_run(
        &self,
        thread_id: &str,
        run_id: &str,
        body: &impl Serialize,
    ) -> Result<Run, Error> {
        self.json(Call::post(run_path(thread_id, run_id)).beta().json(body)?)
            .await
    }

    /// `POST /threads/{thread_id}/runs/{run_id}/cancel` (no body): normally answers `cancelling`.
    pub async fn cancel_run(&self, thread_id: &str, run_id: &str) -> Result<Run, Error> {
        self.json(Call::post(format!("{}/cancel", run_path(thread_id, run_id))).beta())
            .await
    }

    /// `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs` with every output at once.
    pub async fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        body: &impl Serialize,
    ) -> Result<Run, Error> {
        let path = format!("{}/submit_tool_outputs", run_path(thread_id, run_id));
        self.json(Call::post(path).beta().json(body)?).await
    }

    /// `POST …/submit_tool_outputs` with `"stream": true`: the rest of the run as events.
    pub async fn submit_tool_outputs_stream(
        &self,
        thread_id: &str,
        run_id: &str,
        body: &impl Serialize,
    ) -> Result<EventStream, Error> {
        let path = format!("{}/submit_tool_outputs", run_path(thread_id, run_id));
        self.stream(Call::post(path).beta().json_streaming(body)?)
            .await
    }

    /// `GET /threads/{thread_id}/runs`: one page.
    pub async fn list_runs(&self, thread_id: &str, query: &ListQuery) -> Result<Page<Run>, Error> {
        self.page(runs_path(thread_id), true, query).await
    }

    /// `GET /threads/{thread_id}/runs`: every run, page after page.
    pub fn all_runs(
        &self,
        thread_id: &str,
        query: ListQuery,
    ) -> impl Stream<Item = Result<Run, Error>> + Send + 'static {
        self.paginate(runs_path(thread_id), true, query)
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}`; `include` fills `include[]`.
    pub async fn retrieve_run_step(
        &self,
        thread_id: &str,
        run_id: &str,
        step_id: &str,
        include: &[&str],
    ) -> Result<RunStep, Error> {
        let path = format!("{}/steps/{}", run_path(thread_id, run_id), seg(step_id));
        self.json(Call::get(path).beta().query(include_pairs(include)))
            .await
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps`: one page (`include[]` via `query.param`).
    pub async fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
        query: &ListQuery,
    ) -> Result<Page<RunStep>, Error> {
        self.page(
            format!("{}/steps", run_path(thread_id, run_id)),
            true,
            query,
        )
        .await
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps`: every step, page after page.
    pub fn all_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
        query: ListQuery,
    ) -> impl Stream<Item = Result<RunStep, Error>> + Send + 'static {
        self.paginate(
            format!("{}/steps", run_path(thread_id, run_id)),
            true,
            query,
        )
    }
}
