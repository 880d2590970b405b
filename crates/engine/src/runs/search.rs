//! Running a turn's file_search calls: over the vector stores of the run's assistant (or the run's
//! own `tool_resources`) and of its thread, once their files are indexed.

use hearth_wire::Run;

use super::executor::PendingCall;
use super::file_search::{self, NO_VECTOR_STORES, SearchSettings};
use crate::engine::Engine;
use crate::error::EngineResult;
use crate::knowledge::FileSearchQuery;

/// Runs every search among `calls`, storing its results in the call; returns the text the model
/// gets back for each call (`None` for calls that are not searches). A failed search is a result
/// the model reads, never a failed run.
pub(super) async fn run_searches(
    engine: &Engine,
    run: &Run,
    calls: &mut [PendingCall],
) -> Vec<Option<String>> {
    let Some(settings) = file_search::settings(run) else {
        return calls.iter().map(|_| None).collect();
    };
    let stores = match vector_store_ids(engine, run) {
        Ok(stores) => stores,
        Err(error) => {
            log::warn!(
                "run {}: the vector stores could not be read: {error}",
                run.id
            );
            Vec::new()
        }
    };
    if !stores.is_empty()
        && let Err(error) = engine
            .vector_stores_settled(&stores, engine.config().file_search_wait)
            .await
    {
        // Searching what is indexed so far beats failing the answer.
        log::warn!("run {}: waiting for indexing failed: {error}", run.id);
    }
    let mut outputs = Vec::with_capacity(calls.len());
    for call in calls.iter_mut() {
        let Some((number, results)) = &mut call.search else {
            outputs.push(None);
            continue;
        };
        let found = match file_search::parse_queries(&call.arguments) {
            Err(problem) => Err(problem),
            Ok(_) if stores.is_empty() => Err(NO_VECTOR_STORES.to_owned()),
            Ok(queries) => search(engine, &stores, &queries, &settings)
                .await
                .map_err(|error| format!("The search failed: {error}")),
        };
        let output = match found {
            Ok(hits) => {
                let found = file_search::step_results(&hits);
                let output = file_search::tool_output(*number, &found);
                *results = Some(found);
                output
            }
            Err(problem) => {
                *results = Some(Vec::new());
                problem
            }
        };
        outputs.push(Some(output));
    }
    outputs
}

async fn search(
    engine: &Engine,
    stores: &[String],
    queries: &[String],
    settings: &SearchSettings,
) -> EngineResult<Vec<crate::knowledge::FileSearchHit>> {
    let mut per_query = Vec::with_capacity(queries.len());
    for query in queries {
        let query = FileSearchQuery {
            query: query.clone(),
            max_num_results: settings.max_num_results,
            score_threshold: settings.score_threshold,
        };
        per_query.push(engine.search_vector_stores(stores, &query).await?);
    }
    Ok(file_search::merge_hits(per_query, settings.max_num_results))
}

/// The vector stores a run searches: the run's own `tool_resources` (create-thread-and-run) or
/// else its assistant's, and its thread's; each once.
fn vector_store_ids(engine: &Engine, run: &Run) -> EngineResult<Vec<String>> {
    let from_run = run
        .tool_resources
        .as_ref()
        .and_then(|resources| resources.file_search.as_ref());
    let assistant_stores = match from_run {
        Some(file_search) => file_search.vector_store_ids.clone(),
        None => engine
            .store()
            .get_assistant(&run.assistant_id)?
            .and_then(|assistant| assistant.tool_resources)
            .and_then(|resources| resources.file_search)
            .map(|file_search| file_search.vector_store_ids)
            .unwrap_or_default(),
    };
    let thread_stores = engine
        .store()
        .get_thread(&run.thread_id)?
        .and_then(|thread| thread.tool_resources)
        .and_then(|resources| resources.file_search)
        .map(|file_search| file_search.vector_store_ids)
        .unwrap_or_default();
    let mut stores: Vec<String> = Vec::new();
    for id in assistant_stores.into_iter().chain(thread_stores) {
        if !stores.contains(&id) {
            stores.push(id);
        }
    }
    Ok(stores)
}
