//! Chunks of vector store files, searched by keywords, vectors and both, on real SQLite files.

#[allow(dead_code)]
mod support;

use hearth_store::{ChunkHit, ChunkSearch, NewChunk, Ranking, Store, StoreError, filter_matches};
use hearth_wire::{Attributes, SearchFilter};
use serde_json::json;
use support::*;

const MODEL: &str = "all-minilm-l6-v2";

/// Attaches `file_id` (uploaded as well) to store `vs`, creating the store when new.
fn attach(store: &Store, vs: &str, file_id: &str, status: &str, attributes: serde_json::Value) {
    if store.get_vector_store(vs).unwrap().is_none() {
        store.insert_vector_store(&vector_store(vs)).unwrap();
    }
    if store.get_file(file_id).unwrap().is_none() {
        store
            .insert_file(
                &file(file_id, 1, "assistants"),
                std::path::Path::new("/dev/null"),
            )
            .unwrap();
    }
    let mut attached = vs_file(vs, file_id, 1, status);
    attached.attributes = serde_json::from_value(attributes).unwrap();
    store.insert_vector_store_file(&attached, None).unwrap();
}

/// Indexes `texts` as the chunks of the file, in order; their ids.
fn index(store: &Store, vs: &str, file_id: &str, texts: &[&str]) -> Vec<i64> {
    let chunks: Vec<NewChunk> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| NewChunk {
            index: i as u32,
            text,
            start: i as u64 * 100,
            end: i as u64 * 100 + text.len() as u64,
            page: Some(i as u32 + 1),
            heading: Some("Intro"),
            tokens: text.split_whitespace().count() as u32,
        })
        .collect();
    store.replace_file_chunks(vs, file_id, &chunks).unwrap();
    store
        .chunks_missing_vectors(vs, file_id, MODEL)
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn set_vectors(store: &Store, model: &str, vectors: &[(i64, Vec<f32>)]) {
    let borrowed: Vec<(i64, &[f32])> = vectors.iter().map(|(id, v)| (*id, v.as_slice())).collect();
    store.set_chunk_vectors(model, &borrowed).unwrap();
}

fn stores(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

fn search<'a>(ids: &'a [String], query: &'a str, ranking: Ranking) -> ChunkSearch<'a> {
    ChunkSearch {
        vector_store_ids: ids,
        query,
        query_vector: None,
        filter: None,
        limit: 20,
        score_threshold: 0.0,
        ranking,
    }
}

fn texts(hits: &[ChunkHit]) -> Vec<&str> {
    hits.iter().map(|hit| hit.text.as_str()).collect()
}

#[test]
fn bm25_puts_the_chunk_with_the_rare_word_first_and_keeps_where_it_sits() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    index(
        &store,
        "vs_1",
        "file-a",
        &[
            "the report covers the budget of the year",
            "the report covers the budget and the zeppelin hangar",
            "the budget of the report is the budget",
        ],
    );
    let ids = stores(&["vs_1"]);
    let hits = store
        .search_chunks(&search(&ids, "zeppelin budget report", Ranking::Keyword))
        .unwrap();
    assert_eq!(hits.len(), 3, "every chunk has one of the words");
    assert_eq!(
        hits[0].text,
        "the report covers the budget and the zeppelin hangar"
    );
    assert_eq!(hits[0].score, 1.0, "the best keyword hit scores 1");
    assert_eq!(
        (hits[0].index, hits[0].start, hits[0].end, hits[0].page),
        (1, 100, 152, Some(2)),
        "a hit says where the chunk is in its file"
    );
    assert_eq!(hits[0].heading.as_deref(), Some("Intro"));
    assert_eq!(
        (hits[0].vector_store_id.as_str(), hits[0].file_id.as_str()),
        ("vs_1", "file-a")
    );
}

#[test]
fn words_match_whatever_their_case_and_ending() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    index(
        &store,
        "vs_1",
        "file-a",
        &[
            "Indexing Documents is what the crawler does",
            "cats sleep all day",
        ],
    );
    let ids = stores(&["vs_1"]);
    for query in ["INDEXED document", "indexes", "Cat"] {
        let hits = store
            .search_chunks(&search(&ids, query, Ranking::Keyword))
            .unwrap();
        assert_eq!(hits.len(), 1, "'{query}' should find one chunk by its stem");
    }
}

#[test]
fn query_syntax_typed_by_a_person_is_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    index(
        &store,
        "vs_1",
        "file-a",
        &["near the harbour stands a lighthouse"],
    );
    let ids = stores(&["vs_1"]);
    for query in [
        "\"",
        "lighthouse\"",
        "light*",
        "NEAR(harbour lighthouse)",
        "-lighthouse",
        "text:lighthouse",
        "harbour AND",
        "OR",
        "(((",
        "^lighthouse",
        "",
        "   ",
    ] {
        let result = store.search_chunks(&search(&ids, query, Ranking::Hybrid));
        assert!(
            result.is_ok(),
            "'{query}' should not be a query error: {result:?}"
        );
    }
    let hits = store
        .search_chunks(&search(&ids, "text:lighthouse -x", Ranking::Keyword))
        .unwrap();
    assert_eq!(texts(&hits), ["near the harbour stands a lighthouse"]);
}

#[test]
fn vectors_rank_the_nearest_first_and_models_never_mix() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    let ids_a = index(
        &store,
        "vs_1",
        "file-a",
        &["east", "north-east", "north", "west"],
    );
    set_vectors(
        &store,
        MODEL,
        &[
            (ids_a[0], vec![1.0, 0.0]),
            (ids_a[1], vec![2.0, 2.0]),
            (ids_a[2], vec![0.0, 3.0]),
            (ids_a[3], vec![-1.0, 0.0]),
        ],
    );
    attach(&store, "vs_1", "file-b", "completed", json!(null));
    let ids_b = index(&store, "vs_1", "file-b", &["other model"]);
    set_vectors(&store, "other-model", &[(ids_b[0], vec![1.0, 0.0, 0.0])]);

    let ids = stores(&["vs_1"]);
    let query = [1.0, 0.1];
    let mut by_vector = search(&ids, "", Ranking::Vector);
    by_vector.query_vector = Some((MODEL, &query));
    let hits = store.search_chunks(&by_vector).unwrap();
    assert_eq!(texts(&hits), ["east", "north-east", "north", "west"]);
    assert!(
        hits[0].score > 0.99 && hits[0].score <= 1.0,
        "cosine ~1 scores ~1"
    );
    assert_eq!(hits[3].score, 0.0, "an opposite vector scores 0");

    let other = [1.0, 0.0, 0.0];
    by_vector.query_vector = Some(("other-model", &other));
    let hits = store.search_chunks(&by_vector).unwrap();
    assert_eq!(
        texts(&hits),
        ["other model"],
        "only the other model's vectors count"
    );

    assert_eq!(
        store
            .chunks_missing_vectors("vs_1", "file-a", "other-model")
            .unwrap()
            .len(),
        4,
        "a vector of one model does not stand in for another's"
    );
    assert!(
        store
            .chunks_missing_vectors("vs_1", "file-a", MODEL)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn hybrid_ranks_a_chunk_good_in_both_above_chunks_good_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    let ids = index(
        &store,
        "vs_1",
        "file-a",
        &[
            "glacier glacier glacier melt rates in the alps",
            "ice sheets shrink as the climate warms",
            "glacier retreat and melting ice in a warming climate",
            "recipes for lemon cake",
        ],
    );
    set_vectors(
        &store,
        MODEL,
        &[
            (ids[0], vec![-1.0, 0.0, 0.2]),
            (ids[1], vec![1.0, 0.0, 0.0]),
            (ids[2], vec![0.9, 0.3, 0.0]),
            (ids[3], vec![0.0, 0.0, 1.0]),
        ],
    );
    let stores = stores(&["vs_1"]);
    let query = [1.0, 0.0, 0.0];
    let mut hybrid = search(&stores, "glacier", Ranking::Hybrid);
    hybrid.query_vector = Some((MODEL, &query));
    let keyword_first = store
        .search_chunks(&search(&stores, "glacier", Ranking::Keyword))
        .unwrap();
    assert_eq!(
        keyword_first[0].chunk_id, ids[0],
        "BM25 alone prefers the repeated word"
    );
    let mut vector = hybrid;
    vector.ranking = Ranking::Vector;
    assert_eq!(store.search_chunks(&vector).unwrap()[0].chunk_id, ids[1]);

    let hits = store.search_chunks(&hybrid).unwrap();
    assert_eq!(
        hits[0].chunk_id, ids[2],
        "second in both beats first in one"
    );
    assert!(hits.iter().all(|hit| (0.0..=1.0).contains(&hit.score)));
    assert!(
        hits.windows(2).all(|w| w[0].score >= w[1].score),
        "best first"
    );
}

#[test]
fn scores_stay_in_range_and_the_threshold_and_limit_apply() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    let texts_in: Vec<String> = (0..60)
        .map(|i| format!("lantern number {i} {}", "glow ".repeat(i % 7)))
        .collect();
    let refs: Vec<&str> = texts_in.iter().map(String::as_str).collect();
    let ids = index(&store, "vs_1", "file-a", &refs);
    let vectors: Vec<(i64, Vec<f32>)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, vec![1.0, i as f32 / 10.0]))
        .collect();
    set_vectors(&store, MODEL, &vectors);
    let stores = stores(&["vs_1"]);
    let query = [1.0, 0.0];
    for ranking in [Ranking::Keyword, Ranking::Vector, Ranking::Hybrid] {
        let mut all = search(&stores, "lantern glow", ranking);
        all.query_vector = Some((MODEL, &query));
        all.limit = 500;
        let hits = store.search_chunks(&all).unwrap();
        assert_eq!(hits.len(), 50, "{ranking:?}: at most 50 hits");
        assert!(
            hits.iter().all(|hit| (0.0..=1.0).contains(&hit.score)),
            "{ranking:?}: scores in [0, 1]"
        );
        all.score_threshold = hits[10].score;
        let kept = store.search_chunks(&all).unwrap();
        assert!(
            kept.len() >= 11 && kept.len() < 50,
            "{ranking:?}: the threshold cuts the tail"
        );
        assert!(kept.iter().all(|hit| hit.score >= all.score_threshold));
        all.limit = 0;
        assert_eq!(
            store.search_chunks(&all).unwrap().len(),
            1,
            "a limit below 1 means 1"
        );
    }
    let mut bad = search(&stores, "lantern", Ranking::Hybrid);
    bad.score_threshold = 1.5;
    let error = store.search_chunks(&bad).unwrap_err();
    assert!(error.to_string().contains("score_threshold 1.5"), "{error}");
}

#[test]
fn filters_on_attributes_pick_the_files_searched() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(
        &store,
        "vs_1",
        "file-2019",
        "completed",
        json!({"year": 2019, "lang": "en"}),
    );
    attach(
        &store,
        "vs_1",
        "file-2023",
        "completed",
        json!({"year": 2023, "lang": "de"}),
    );
    attach(&store, "vs_1", "file-none", "completed", json!(null));
    for file in ["file-2019", "file-2023", "file-none"] {
        index(
            &store,
            "vs_1",
            file,
            &[&format!("annual figures of {file}")],
        );
    }
    let stores = stores(&["vs_1"]);
    let found = |filter: serde_json::Value| -> Vec<String> {
        let filter: SearchFilter = serde_json::from_value(filter).unwrap();
        let mut query = search(&stores, "annual figures", Ranking::Hybrid);
        query.filter = Some(&filter);
        let mut files: Vec<String> = store
            .search_chunks(&query)
            .unwrap()
            .into_iter()
            .map(|hit| hit.file_id)
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        found(json!({"type": "gte", "key": "year", "value": 2020})),
        ["file-2023"]
    );
    assert_eq!(
        found(json!({"type": "or", "filters": [
            {"type": "eq", "key": "lang", "value": "en"},
            {"type": "and", "filters": [
                {"type": "gt", "key": "year", "value": 2020},
                {"type": "ne", "key": "lang", "value": "en"}
            ]}
        ]})),
        ["file-2019", "file-2023"]
    );
    assert!(
        found(json!({"type": "eq", "key": "lang", "value": "fr"})).is_empty(),
        "no file passes, so nothing is found"
    );
}

#[test]
fn each_comparison_operator_and_a_missing_attribute() {
    let attributes: Attributes =
        serde_json::from_value(json!({"year": 2021, "lang": "en", "draft": true})).unwrap();
    let passes = |filter: serde_json::Value| {
        filter_matches(&serde_json::from_value(filter).unwrap(), &attributes)
    };
    let cases = [
        (json!({"type": "eq", "key": "lang", "value": "en"}), true),
        (json!({"type": "eq", "key": "draft", "value": true}), true),
        (json!({"type": "ne", "key": "lang", "value": "en"}), false),
        (json!({"type": "ne", "key": "lang", "value": "de"}), true),
        (json!({"type": "gt", "key": "year", "value": 2021}), false),
        (json!({"type": "gt", "key": "year", "value": 2020}), true),
        (json!({"type": "gte", "key": "year", "value": 2021}), true),
        (json!({"type": "lt", "key": "year", "value": 2021}), false),
        (json!({"type": "lt", "key": "lang", "value": "fr"}), true),
        (json!({"type": "lte", "key": "year", "value": 2021}), true),
        (
            json!({"type": "in", "key": "lang", "value": ["de", "en"]}),
            true,
        ),
        (
            json!({"type": "in", "key": "year", "value": [2020, "2021"]}),
            false,
        ),
        (
            json!({"type": "nin", "key": "lang", "value": ["de", "fr"]}),
            true,
        ),
        (
            json!({"type": "nin", "key": "lang", "value": ["en"]}),
            false,
        ),
        (
            json!({"type": "eq", "key": "author", "value": "ann"}),
            false,
        ),
        (
            json!({"type": "ne", "key": "author", "value": "ann"}),
            false,
        ),
        (json!({"type": "and", "filters": []}), true),
        (json!({"type": "or", "filters": []}), false),
        (
            json!({"type": "and", "filters": [
                {"type": "eq", "key": "lang", "value": "en"},
                {"type": "or", "filters": [
                    {"type": "lt", "key": "year", "value": 2000},
                    {"type": "eq", "key": "draft", "value": true}
                ]}
            ]}),
            true,
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(passes(filter.clone()), expected, "{filter}");
    }
}

#[test]
fn detached_failed_and_deleted_files_and_deleted_stores_are_never_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut vector_of = Vec::new();
    for (vs, file, status) in [
        ("vs_1", "file-kept", "completed"),
        ("vs_1", "file-indexing", "in_progress"),
        ("vs_1", "file-failed", "failed"),
        ("vs_1", "file-detached", "completed"),
        ("vs_1", "file-deleted", "completed"),
        ("vs_2", "file-other", "completed"),
    ] {
        attach(&store, vs, file, status, json!(null));
        let ids = index(&store, vs, file, &[&format!("walrus notes in {file}")]);
        vector_of.push((ids[0], vec![1.0, 0.0]));
    }
    set_vectors(&store, MODEL, &vector_of);
    let both = stores(&["vs_1", "vs_2"]);
    let query = [1.0, 0.0];
    let files_found = |ranking| -> Vec<String> {
        let mut search = search(&both, "walrus", ranking);
        search.query_vector = Some((MODEL, &query));
        let mut files: Vec<String> = store
            .search_chunks(&search)
            .unwrap()
            .into_iter()
            .map(|hit| hit.file_id)
            .collect();
        files.sort();
        files
    };
    for ranking in [Ranking::Keyword, Ranking::Vector, Ranking::Hybrid] {
        assert_eq!(
            files_found(ranking),
            [
                "file-deleted",
                "file-detached",
                "file-indexing",
                "file-kept",
                "file-other"
            ],
            "{ranking:?}: a failed file is not searched"
        );
    }
    store
        .delete_vector_store_file("vs_1", "file-detached")
        .unwrap();
    store.delete_file("file-deleted").unwrap();
    store.delete_vector_store("vs_2").unwrap();
    for ranking in [Ranking::Keyword, Ranking::Vector, Ranking::Hybrid] {
        assert_eq!(
            files_found(ranking),
            ["file-indexing", "file-kept"],
            "{ranking:?}: detached, deleted and the deleted store's files are gone"
        );
    }
    assert_eq!(
        store.vector_store_chunk_bytes("vs_2").unwrap(),
        0,
        "a deleted store keeps no chunks"
    );
}

#[test]
fn chunk_bytes_grow_with_text_and_vectors_and_shrink_on_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    attach(&store, "vs_1", "file-b", "completed", json!(null));
    assert_eq!(store.vector_store_chunk_bytes("vs_1").unwrap(), 0);
    let a = index(&store, "vs_1", "file-a", &["0123456789", "é"]);
    assert_eq!(
        store.vector_store_chunk_bytes("vs_1").unwrap(),
        12,
        "text counts in UTF-8 bytes"
    );
    set_vectors(&store, MODEL, &[(a[0], vec![0.5; 4])]);
    assert_eq!(
        store.vector_store_chunk_bytes("vs_1").unwrap(),
        28,
        "4 floats add 16 bytes"
    );
    index(&store, "vs_1", "file-b", &["abc"]);
    assert_eq!(store.vector_store_chunk_bytes("vs_1").unwrap(), 31);
    store.delete_file_chunks("vs_1", "file-a").unwrap();
    assert_eq!(
        store.vector_store_chunk_bytes("vs_1").unwrap(),
        3,
        "file-a's text and vector go"
    );
    store.delete_vector_store_chunks("vs_1").unwrap();
    assert_eq!(store.vector_store_chunk_bytes("vs_1").unwrap(), 0);
    let hits = store
        .search_chunks(&search(&stores(&["vs_1"]), "abc", Ranking::Keyword))
        .unwrap();
    assert!(
        hits.is_empty(),
        "deleted chunks leave the full-text index too"
    );
}

#[test]
fn the_vectors_in_memory_follow_every_write_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    let ids = index(&store, "vs_1", "file-a", &["one", "two", "three"]);
    let stores = stores(&["vs_1"]);
    let query = [1.0, 0.0];
    let nearest = |store: &Store| -> Vec<String> {
        let mut search = search(&stores, "", Ranking::Vector);
        search.query_vector = Some((MODEL, &query));
        store
            .search_chunks(&search)
            .unwrap()
            .into_iter()
            .map(|hit| hit.text)
            .collect()
    };
    assert!(nearest(&store).is_empty(), "no vectors yet");
    set_vectors(&store, MODEL, &[(ids[0], vec![1.0, 0.0])]);
    assert_eq!(nearest(&store), ["one"], "a new vector is seen");
    set_vectors(
        &store,
        MODEL,
        &[(ids[1], vec![1.0, 0.5]), (ids[2], vec![0.0, 1.0])],
    );
    assert_eq!(
        nearest(&store),
        ["one", "two", "three"],
        "more vectors are appended"
    );
    set_vectors(&store, MODEL, &[(ids[0], vec![-1.0, 0.0])]);
    assert_eq!(
        nearest(&store),
        ["two", "three", "one"],
        "a replaced vector is replaced"
    );

    let failed: Result<(), StoreError> = store.transaction(|tx| {
        tx.set_chunk_vectors(MODEL, &[(ids[2], &[5.0, 0.0])])?;
        Err(StoreError::InvalidInput("rolled back".into()))
    });
    assert!(failed.is_err());
    assert_eq!(
        nearest(&store),
        ["two", "three", "one"],
        "a rolled-back write is not seen"
    );

    let second = Store::open(dir.path().join("hearth.db")).unwrap();
    set_vectors(&second, MODEL, &[(ids[2], vec![2.0, 0.1])]);
    assert_eq!(
        nearest(&store),
        ["three", "two", "one"],
        "another connection's write is seen"
    );

    let four = index(&store, "vs_1", "file-a", &["uno", "dos"]);
    assert_eq!(
        nearest(&store),
        Vec::<String>::new(),
        "re-chunking drops the old vectors"
    );
    set_vectors(&store, MODEL, &[(four[1], vec![1.0, 0.0])]);
    drop(store);
    drop(second);
    let reopened = open(dir.path());
    assert_eq!(
        nearest(&reopened),
        ["dos"],
        "the reopened store reads its vectors"
    );
    reopened.delete_vector_store_file("vs_1", "file-a").unwrap();
    assert!(
        nearest(&reopened).is_empty(),
        "a detached file's vectors leave memory"
    );
}

#[test]
fn bad_vectors_and_chunks_are_refused_with_what_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_1", "file-a", "completed", json!(null));
    let ids = index(&store, "vs_1", "file-a", &["alpha", "beta"]);
    set_vectors(&store, MODEL, &[(ids[0], vec![1.0, 0.0])]);

    let error = store
        .set_chunk_vectors(MODEL, &[(ids[1], &[1.0, 0.0, 0.0])])
        .unwrap_err();
    assert!(error.to_string().contains("has 3 dimensions"), "{error}");
    let error = store
        .set_chunk_vectors(MODEL, &[(ids[1], &[f32::NAN, 0.0])])
        .unwrap_err();
    assert!(error.to_string().contains("not finite"), "{error}");
    let error = store
        .set_chunk_vectors(MODEL, &[(ids[1], &[])])
        .unwrap_err();
    assert!(error.to_string().contains("no numbers"), "{error}");
    store
        .set_chunk_vectors(MODEL, &[(9_999_999, &[1.0, 0.0])])
        .expect("a chunk deleted meanwhile is skipped");

    let stores = stores(&["vs_1"]);
    let query = [1.0, 0.0, 0.0];
    let mut search = search(&stores, "alpha", Ranking::Hybrid);
    search.query_vector = Some((MODEL, &query));
    let error = store.search_chunks(&search).unwrap_err();
    assert!(
        error.to_string().contains("query vector has 3 dimensions"),
        "{error}"
    );
    search.query_vector = None;
    search.ranking = Ranking::Vector;
    let error = store.search_chunks(&search).unwrap_err();
    assert!(
        error.to_string().contains("needs the query's vector"),
        "{error}"
    );

    let chunk = NewChunk {
        index: 0,
        text: "x",
        start: 5,
        end: 4,
        page: None,
        heading: None,
        tokens: 1,
    };
    let error = store
        .replace_file_chunks("vs_1", "file-a", &[chunk])
        .unwrap_err();
    assert!(
        error.to_string().contains("ends (4) before it starts (5)"),
        "{error}"
    );
    let error = store
        .replace_file_chunks("vs_1", "file-zz", &[])
        .unwrap_err();
    assert!(
        error.to_string().contains("'file-zz' is not attached"),
        "{error}"
    );
    assert_eq!(
        store
            .chunks_missing_vectors("vs_1", "file-a", MODEL)
            .unwrap()
            .len(),
        1,
        "a refused replacement leaves the chunks as they were"
    );
}

#[test]
fn a_small_store_is_searched_in_full_when_another_holds_many_better_matches() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    attach(&store, "vs_big", "file-big", "completed", json!(null));
    attach(&store, "vs_small", "file-small", "completed", json!(null));
    // 600 short chunks of nothing but the word outrank, by BM25, the small store's longer ones.
    let big: Vec<String> = (0..600).map(|i| format!("glacier {i}")).collect();
    let big: Vec<&str> = big.iter().map(String::as_str).collect();
    index(&store, "vs_big", "file-big", &big);
    let small: Vec<String> = (0..120)
        .map(|i| format!("a long note number {i} that mentions a glacier once among many words"))
        .collect();
    let small: Vec<&str> = small.iter().map(String::as_str).collect();
    index(&store, "vs_small", "file-small", &small);

    let ids = stores(&["vs_small"]);
    let mut wanted = search(&ids, "glacier", Ranking::Keyword);
    wanted.limit = 50;
    let hits = store.search_chunks(&wanted).unwrap();
    assert_eq!(hits.len(), 50, "the small store's matches are found");
    assert!(hits.iter().all(|hit| hit.vector_store_id == "vs_small"));
}

#[test]
fn a_common_word_still_counts_where_rarer_words_choose_the_chunks_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("store.sqlite")).unwrap();
    attach(&store, "vs_big", "file-big", "completed", json!({}));
    // "harbour" is in every chunk, far more than a search ranks in full; "quay" is in 150.
    let mut lines: Vec<String> = (0..12_000)
        .map(|i| format!("harbour ledger entry {i} of the season"))
        .collect();
    for i in 0..150 {
        lines[i * 80] = format!("quay repairs noted in entry {i}");
    }
    // The one chunk with both words, which the common word must still lift above the others.
    lines[6_001] = "quay repairs at the harbour noted".to_owned();
    let borrowed: Vec<&str> = lines.iter().map(String::as_str).collect();
    index(&store, "vs_big", "file-big", &borrowed);

    let ids = stores(&["vs_big"]);
    let hits = store
        .search_chunks(&search(&ids, "harbour quay", Ranking::Keyword))
        .unwrap();
    assert_eq!(hits[0].text, "quay repairs at the harbour noted");
    assert_eq!(hits[0].score, 1.0);
    assert!(
        hits[1..].iter().all(|hit| hit.text.contains("quay")),
        "the rarer word ranks next: {:?}",
        texts(&hits)
    );

    // Only the common word: every chunk with it is ranked, and found.
    let hits = store
        .search_chunks(&search(&ids, "harbour", Ranking::Keyword))
        .unwrap();
    assert_eq!(hits.len(), 20);
    assert!(hits.iter().all(|hit| hit.text.contains("harbour")));
}
