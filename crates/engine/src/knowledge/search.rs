//! Search over vector stores: hybrid (keywords and vectors) when an embedder is configured,
//! keywords alone otherwise.

use std::collections::HashMap;

use hearth_wire::{
    IdPrefix, SearchFilter, SearchResultContent, SearchResultItem, SearchResultsPageTag,
    TextTypeTag, Validate, VectorStoreSearchRequest, VectorStoreSearchResultsPage,
};

use super::pipeline::{self, ChunkHit, ChunkQuery};
use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

/// `max_num_results` of `POST /vector_stores/{id}/search` when the request has none (the spec's).
pub const DEFAULT_SEARCH_RESULTS: u32 = 10;

impl Engine {
    /// `POST /vector_stores/{vector_store_id}/search`. `rewrite_query` is accepted and the query
    /// used as given.
    pub async fn search_vector_store(
        &self,
        vector_store_id: &str,
        request: VectorStoreSearchRequest,
    ) -> EngineResult<VectorStoreSearchResultsPage> {
        request.validate()?;
        IdPrefix::VectorStore.check("vector_store_id", vector_store_id)?;
        self.usable_vector_store(vector_store_id)?;
        let queries = request.query.to_vec();
        if queries.iter().all(|query| query.trim().is_empty()) {
            return Err(EngineError::invalid(
                "'query' must not be empty.",
                Some("query"),
            ));
        }
        let threshold = request
            .ranking_options
            .as_ref()
            .and_then(|options| options.score_threshold)
            .unwrap_or(0.0);
        let ids = [vector_store_id.to_owned()];
        let hits = self
            .find_chunks(
                &ids,
                &queries,
                request.filters.as_ref(),
                request.max_num_results.unwrap_or(DEFAULT_SEARCH_RESULTS),
                threshold,
            )
            .await?;
        let mut data = Vec::with_capacity(hits.len());
        for hit in hits {
            let filename = self.filename_of(&hit.file_id);
            let attributes = self
                .store()
                .get_vector_store_file(&hit.vector_store_id, &hit.file_id)?
                .and_then(|file| file.attributes);
            data.push(SearchResultItem {
                file_id: hit.file_id,
                filename,
                score: hit.score,
                attributes,
                content: vec![SearchResultContent {
                    kind: TextTypeTag,
                    text: hit.text,
                }],
            });
        }
        Ok(VectorStoreSearchResultsPage {
            object: SearchResultsPageTag,
            search_query: queries,
            data,
            has_more: false,
            next_page: None,
        })
    }

    /// The best chunks over `vector_store_ids` for any of `queries`, best first, at most
    /// `limit`; the stores count as used.
    pub(crate) async fn find_chunks(
        &self,
        vector_store_ids: &[String],
        queries: &[String],
        filter: Option<&SearchFilter>,
        limit: u32,
        score_threshold: f64,
    ) -> EngineResult<Vec<ChunkHit>> {
        self.touch_vector_stores(vector_store_ids)?;
        let embedder = self.knowledge().embedder();
        let mut best: HashMap<i64, ChunkHit> = HashMap::new();
        for query in queries.iter().filter(|query| !query.trim().is_empty()) {
            let vector = match &embedder {
                Some(embedder) => match embedder.embed(std::slice::from_ref(query)).await {
                    Ok(mut vectors) => vectors.pop(),
                    Err(error) => {
                        // The keyword half still answers; a broken embedder must not stop search.
                        log::warn!(
                            "the query could not be embedded, searching by keyword only: {error}"
                        );
                        None
                    }
                },
                None => None,
            };
            let model = embedder
                .as_ref()
                .map(|embedder| embedder.model().to_owned());
            let query_vector = match (&model, &vector) {
                (Some(model), Some(vector)) => Some((model.as_str(), vector.as_slice())),
                _ => None,
            };
            let found = pipeline::search(
                self.store(),
                &ChunkQuery {
                    vector_store_ids,
                    query,
                    query_vector,
                    filter,
                    limit,
                    score_threshold,
                },
            )?;
            for hit in found {
                match best.get(&hit.chunk_id) {
                    Some(kept) if kept.score >= hit.score => {}
                    _ => {
                        best.insert(hit.chunk_id, hit);
                    }
                }
            }
        }
        let mut hits: Vec<ChunkHit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.chunk_id.cmp(&b.chunk_id))
        });
        hits.truncate(limit as usize);
        Ok(hits)
    }

    /// The name a file was uploaded with, or its id if it has been deleted meanwhile.
    pub(crate) fn filename_of(&self, file_id: &str) -> String {
        match self.store().get_file(file_id) {
            Ok(Some(file)) => file.filename,
            _ => file_id.to_owned(),
        }
    }
}
