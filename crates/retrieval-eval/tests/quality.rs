//! The quality claims of file search, measured on the labelled set in `bench/retrieval`.

use std::path::PathBuf;

use hearth_retrieval_eval::{LabelledSet, Scores, ranking_name, repository_set_dir, run_quality};

#[test]
fn every_answer_quote_is_found_once_in_its_parsed_document() {
    let set = LabelledSet::load(&repository_set_dir()).expect("the labelled set should load");
    assert!(
        set.questions.len() >= 120,
        "the set should hold at least 120 questions"
    );
    assert!(
        set.documents.len() >= 4,
        "the set should span at least four documents"
    );
    for (n, document) in set.documents.iter().enumerate() {
        let asked = set.questions.iter().filter(|q| q.document == n).count();
        assert!(
            asked >= 10,
            "{} should have at least 10 questions, has {asked}",
            document.name
        );
        assert!(
            !document.chunks.is_empty(),
            "{} should have chunks",
            document.name
        );
    }
    let pdf = set
        .documents
        .iter()
        .find(|d| d.name.ends_with(".pdf"))
        .expect("a PDF in the set");
    assert!(
        pdf.chunks.iter().any(|c| c.page.is_some_and(|p| p > 100)),
        "chunks of the 134-page PDF should carry their page numbers"
    );
}

/// Whether `a` beats `b`: better on recall@5 or MRR, and not worse on the other.
fn beats(a: &Scores, b: &Scores) -> bool {
    let (ar, am, br, bm) = (a.recall_at_5(), a.mrr(), b.recall_at_5(), b.mrr());
    (ar > br && am >= bm) || (am > bm && ar >= br)
}

#[test]
fn hybrid_search_beats_keyword_and_vector_search_alone() {
    let embedder_dir = std::env::var_os("HEARTH_TEST_EMBEDDER").map(PathBuf::from).expect(
        "HEARTH_TEST_EMBEDDER should name the embedder's folder (scripts/embedder-model.sh fills it)",
    );
    let scratch = tempfile::tempdir().unwrap();
    let run = run_quality(
        &repository_set_dir(),
        &scratch.path().join("index.sqlite"),
        &embedder_dir,
    )
    .expect("the quality run should complete");
    let [keyword, vector, hybrid] = &run.scores[..] else {
        panic!("three rankings should have been measured")
    };
    let table: String = run
        .scores
        .iter()
        .map(|s| {
            format!(
                "\n{:>15}: recall@5 {:.3}, MRR {:.3}",
                ranking_name(s.ranking),
                s.recall_at_5(),
                s.mrr()
            )
        })
        .collect();
    assert!(
        beats(hybrid, keyword),
        "hybrid should beat keyword search:{table}"
    );
    assert!(
        beats(hybrid, vector),
        "hybrid should beat vector search:{table}"
    );
    // Both halves must carry their weight, or the comparison says little.
    for scores in [keyword, vector] {
        assert!(
            scores.recall_at_5() > 0.3,
            "each ranking alone should find a fair share:{table}"
        );
    }
}
