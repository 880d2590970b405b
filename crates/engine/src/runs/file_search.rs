//! The file_search tool inside a run: how it is offered to the model, how its queries are read,
//! what its results look like in the run step and in the text the model gets back, and which
//! results a citation marker may name.
//!
//! The model sees the tool as a function taking a list of queries. Each call of it in a run gets a
//! number (its place among the run's file_search calls) and each of its results a number within
//! the call; `【call:result†file name】` names one result. The numbering comes from the stored steps
//! alone, so a run resumed after tool outputs still knows what its earlier markers mean.

use hearth_wire::{
    AssistantTool, FileSearchCallRanking, FileSearchRanker, FileSearchResult,
    FileSearchResultContent, FunctionObject, Run, RunStep, StepDetails, StreamEvent,
    ToolCall as StepToolCall,
};
use serde_json::{Value, json};

use super::citations::{CitedSource, Sources, marker};
use crate::knowledge::FileSearchHit;

/// The name the model calls the tool by.
pub(crate) const TOOL_NAME: &str = "file_search";

/// After this many searches in one run the tool is no longer offered, so a model that keeps
/// searching (or a `tool_choice` that forces it) still has to answer.
pub(crate) const MAX_SEARCHES_PER_RUN: usize = 8;

/// How a run's searches are done, from its `file_search` tool's options.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SearchSettings {
    pub max_num_results: u32,
    pub score_threshold: f64,
    pub ranker: FileSearchRanker,
}

impl SearchSettings {
    /// The ranking a step reports.
    pub(crate) fn ranking(&self) -> FileSearchCallRanking {
        FileSearchCallRanking {
            ranker: self.ranker.clone(),
            score_threshold: self.score_threshold,
        }
    }
}

/// The search settings of `run`, or `None` when its tools have no file_search.
pub(crate) fn settings(run: &Run) -> Option<SearchSettings> {
    run.tools.iter().find_map(|tool| match tool {
        AssistantTool::FileSearch { file_search } => {
            let options = file_search.clone().unwrap_or_default();
            let ranking =
                options
                    .ranking_options
                    .unwrap_or(hearth_wire::FileSearchRankingOptions {
                        ranker: None,
                        score_threshold: 0.0,
                    });
            let ranker = match ranking.ranker {
                None | Some(FileSearchRanker::Auto) => FileSearchRanker::Default20240821,
                Some(ranker) => ranker,
            };
            Some(SearchSettings {
                max_num_results: options
                    .max_num_results
                    .unwrap_or_else(|| default_max_results(&run.model)),
                score_threshold: ranking.score_threshold,
                ranker,
            })
        }
        _ => None,
    })
}

/// The hosted defaults: 20 results, 5 for gpt-3.5 models (their context is short).
fn default_max_results(model: &str) -> u32 {
    if model.starts_with("gpt-3.5") { 5 } else { 20 }
}

/// The function the model is offered.
pub(crate) fn tool_definition() -> FunctionObject {
    let parameters = json!({
        "type": "object",
        "properties": {
            "queries": {
                "type": "array",
                "items": {"type": "string"},
                "description": "One to five search queries, each a short question or a few keywords. Rephrase the user's question and add likely synonyms to find more."
            }
        },
        "required": ["queries"]
    });
    FunctionObject {
        name: TOOL_NAME.to_owned(),
        description: Some(
            "Search the files the user provided (documents attached to this assistant or conversation) and get back the passages that match best."
                .to_owned(),
        ),
        parameters: parameters.as_object().cloned(),
        strict: None,
    }
}

/// What the system instructions gain when file_search is on: how to search and how to cite.
pub(crate) const INSTRUCTIONS: &str = "You can search the files the user provided with the file_search tool. Use it whenever the answer may be in those files. Each result it returns starts with a marker such as 【0:1†report.pdf】. When a statement in your answer relies on a result, write that result's marker, exactly as given, right after the statement. Only use markers of results you were given; never invent one. If the search finds nothing useful, say so.";

/// The queries of a call's arguments. Models are lenient about the shape, so a single `query`
/// string, or `queries` given as one string, is accepted too. `Err` is the text the model gets back.
pub(crate) fn parse_queries(arguments: &str) -> Result<Vec<String>, String> {
    let value: Value = serde_json::from_str(arguments).map_err(|error| {
        format!("The file_search arguments are not valid JSON ({error}). Call it again with {{\"queries\": [\"...\"]}}.")
    })?;
    let raw = value.get("queries").or_else(|| value.get("query"));
    let queries: Vec<String> = match raw {
        Some(Value::String(query)) => vec![query.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let queries: Vec<String> = queries
        .into_iter()
        .map(|query| query.trim().to_owned())
        .filter(|query| !query.is_empty())
        .collect();
    if queries.is_empty() {
        return Err(
            "The file_search call had no query. Call it again with {\"queries\": [\"...\"]}."
                .to_owned(),
        );
    }
    Ok(queries)
}

/// The hits of all of a call's queries as one list: each passage once (with its best score), best
/// first, at most `max` of them.
pub(crate) fn merge_hits(per_query: Vec<Vec<FileSearchHit>>, max: u32) -> Vec<FileSearchHit> {
    let mut merged: Vec<FileSearchHit> = Vec::new();
    for hit in per_query.into_iter().flatten() {
        match merged
            .iter_mut()
            .find(|seen| seen.file_id == hit.file_id && seen.text == hit.text)
        {
            Some(seen) => seen.score = seen.score.max(hit.score),
            None => merged.push(hit),
        }
    }
    merged.sort_by(|a, b| b.score.total_cmp(&a.score));
    merged.truncate(max as usize);
    merged
}

/// The step's results for `hits`. The chunk text is always stored (the model's answer is built on
/// it, and `include[]` may ask for it later); reads without `include[]` leave it out.
pub(crate) fn step_results(hits: &[FileSearchHit]) -> Vec<FileSearchResult> {
    hits.iter()
        .map(|hit| FileSearchResult {
            file_id: hit.file_id.clone(),
            file_name: hit.filename.clone(),
            score: hit.score.clamp(0.0, 1.0),
            content: Some(vec![FileSearchResultContent {
                kind: Default::default(),
                text: hit.text.clone(),
            }]),
        })
        .collect()
}

/// The text the model gets back for call number `search` with these results.
pub(crate) fn tool_output(search: u32, results: &[FileSearchResult]) -> String {
    if results.is_empty() {
        return "The search found no matching passages in the files.".to_owned();
    }
    let mut output = String::new();
    for (number, result) in results.iter().enumerate() {
        let text = result_text(result);
        output.push_str(&marker(search, number as u32, &result.file_name));
        output.push_str(&format!(" (file: {})\n{text}\n\n", result.file_name));
    }
    output.push_str(
        "Cite a passage by writing its marker, exactly as above, after the statement it supports.",
    );
    output
}

/// What the model is told when neither the assistant nor the thread has a vector store.
pub(crate) const NO_VECTOR_STORES: &str = "There are no files to search: neither the assistant nor this conversation has a vector store with files.";

fn result_text(result: &FileSearchResult) -> String {
    result
        .content
        .iter()
        .flatten()
        .map(|part| part.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file_search call of a run's steps, in order: its number is its place in this list.
pub(crate) fn search_calls(steps: &[RunStep]) -> Vec<(&str, Option<&Vec<FileSearchResult>>)> {
    steps
        .iter()
        .filter_map(|step| match &step.step_details {
            StepDetails::ToolCalls { tool_calls } => Some(tool_calls),
            _ => None,
        })
        .flatten()
        .filter_map(|call| match call {
            StepToolCall::FileSearch { id, file_search } => {
                Some((id.as_str(), file_search.results.as_ref()))
            }
            _ => None,
        })
        .collect()
}

/// The results a marker may name, from a run's steps.
pub(crate) fn sources(steps: &[RunStep]) -> Sources {
    let mut sources = Sources::new();
    for (search, (_, results)) in search_calls(steps).into_iter().enumerate() {
        add_sources(
            &mut sources,
            search as u32,
            results.map_or(&[], Vec::as_slice),
        );
    }
    sources
}

/// Adds the results of call number `search` to `sources`.
pub(crate) fn add_sources(sources: &mut Sources, search: u32, results: &[FileSearchResult]) {
    for (number, result) in results.iter().enumerate() {
        sources.insert(
            (search, number as u32),
            CitedSource {
                file_id: result.file_id.clone(),
                quote: result_text(result),
            },
        );
    }
}

/// `step` as a read without `include[]` shows it: file_search results without their content.
pub(crate) fn without_content(mut step: RunStep) -> RunStep {
    if let StepDetails::ToolCalls { tool_calls } = &mut step.step_details {
        for call in tool_calls {
            if let StepToolCall::FileSearch { file_search, .. } = call {
                for result in file_search.results.iter_mut().flatten() {
                    result.content = None;
                }
            }
        }
    }
    step
}

/// `event` with step snapshots stripped of file_search content.
pub(crate) fn event_without_content(event: StreamEvent) -> StreamEvent {
    match event {
        StreamEvent::RunStepCreated(step) => StreamEvent::RunStepCreated(without_content(step)),
        StreamEvent::RunStepInProgress(step) => {
            StreamEvent::RunStepInProgress(without_content(step))
        }
        StreamEvent::RunStepCompleted(step) => StreamEvent::RunStepCompleted(without_content(step)),
        StreamEvent::RunStepFailed(step) => StreamEvent::RunStepFailed(without_content(step)),
        StreamEvent::RunStepCancelled(step) => StreamEvent::RunStepCancelled(without_content(step)),
        StreamEvent::RunStepExpired(step) => StreamEvent::RunStepExpired(without_content(step)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(file: &str, text: &str, score: f64) -> FileSearchHit {
        FileSearchHit {
            vector_store_id: "vs_1".into(),
            file_id: format!("file-{file}"),
            filename: format!("{file}.pdf"),
            score,
            text: text.into(),
            page: None,
            heading: None,
        }
    }

    #[test]
    fn queries_are_read_leniently_and_empty_ones_are_refused() {
        assert_eq!(
            parse_queries(r#"{"queries": ["revenue 2023", " costs "]}"#).unwrap(),
            ["revenue 2023", "costs"]
        );
        assert_eq!(
            parse_queries(r#"{"query": "revenue"}"#).unwrap(),
            ["revenue"]
        );
        assert_eq!(
            parse_queries(r#"{"queries": "revenue"}"#).unwrap(),
            ["revenue"]
        );
        assert!(
            parse_queries(r#"{"queries": []}"#)
                .unwrap_err()
                .contains("no query")
        );
        assert!(
            parse_queries("{\"quer")
                .unwrap_err()
                .contains("not valid JSON")
        );
    }

    #[test]
    fn hits_of_several_queries_merge_best_first_without_repeats() {
        let merged = merge_hits(
            vec![
                vec![hit("a", "one", 0.5), hit("b", "two", 0.4)],
                vec![hit("a", "one", 0.9), hit("c", "three", 0.7)],
            ],
            2,
        );
        let names: Vec<_> = merged.iter().map(|h| (h.text.as_str(), h.score)).collect();
        assert_eq!(names, [("one", 0.9), ("three", 0.7)]);
    }

    #[test]
    fn the_output_numbers_results_with_markers_that_sources_resolve() {
        let results = step_results(&[hit("report", "Revenue grew 12%.", 0.8)]);
        let output = tool_output(3, &results);
        assert!(output.starts_with("【3:0†report.pdf】 (file: report.pdf)\nRevenue grew 12%."));
        let mut sources = Sources::new();
        add_sources(&mut sources, 3, &results);
        assert_eq!(sources[&(3, 0)].file_id, "file-report");
        assert_eq!(sources[&(3, 0)].quote, "Revenue grew 12%.");
        assert!(tool_output(0, &[]).contains("no matching passages"));
    }

    #[test]
    fn the_default_result_count_follows_the_model() {
        assert_eq!(default_max_results("gpt-4o"), 20);
        assert_eq!(default_max_results("gpt-3.5-turbo"), 5);
        assert_eq!(default_max_results("claude-sonnet-4"), 20);
    }
}
