//! The embedder against the real all-MiniLM-L6-v2 files (put in place by scripts/embedder-model.sh).

use std::path::PathBuf;
use std::sync::OnceLock;

use hearth_embed::{DIMENSIONS, Embedder, Passage, Products};
use serde_json::Value;

fn load(products: Products) -> Embedder {
    let dir = std::env::var_os("HEARTH_TEST_EMBEDDER").map(PathBuf::from).expect(
        "HEARTH_TEST_EMBEDDER is not set: source scripts/env.sh and run scripts/embedder-model.sh to put the model in place",
    );
    Embedder::load_with(&dir, products).unwrap_or_else(|e| {
        panic!(
            "could not load the embedder from {} ({e}): run scripts/embedder-model.sh",
            dir.display()
        )
    })
}

/// The embedder as the engine loads it: integer products where the CPU has AVX2.
fn embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| load(Products::Int8))
}

/// The embedder with f32 products everywhere.
fn f32_embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| load(Products::F32))
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn embed_one(text: &str) -> Vec<f32> {
    embedder()
        .embed(&[text])
        .expect("embedding works")
        .remove(0)
}

#[test]
fn f32_vectors_match_an_independent_implementation_closely() {
    assert_eq!(f32_embedder().products(), Products::F32);
    matches_the_reference(f32_embedder(), 0.999);
}

#[test]
fn default_vectors_match_an_independent_implementation() {
    // Integer products round every activation to 7 bits; 0.99 keeps the ranking of real search
    // results (the labelled set's recall is measured with them). The empty text is only [CLS]
    // and [SEP], whose activations have BERT's large outliers, so each row's other values get
    // coarser steps: it is held to 0.975 (it measures 0.980), and no chunk or query is empty.
    matches_the_reference(embedder(), 0.99);
}

#[test]
fn integer_products_run_where_the_cpu_has_avx2() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        assert_eq!(embedder().products(), Products::Int8);
    }
}

fn matches_the_reference(embedder: &Embedder, threshold: f32) {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/reference.json")).expect("fixture is JSON");
    let sentences = fixture["sentences"].as_array().expect("sentences");
    let texts: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().expect("text"))
        .collect();
    let vectors = embedder.embed(&texts).expect("embedding works");
    for (i, (sentence, vector)) in sentences.iter().zip(&vectors).enumerate() {
        let expected: Vec<f32> = sentence["vector"]
            .as_array()
            .expect("vector")
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(expected.len(), DIMENSIONS);
        let similarity = cosine(&expected, vector);
        let threshold = if texts[i].is_empty() && embedder.products() == Products::Int8 {
            0.975
        } else {
            threshold
        };
        assert!(
            similarity > threshold,
            "{:?}: cosine to the reference is {similarity}, should be > {threshold}",
            sentence["text"]
        );
        let pieces = embedder
            .count_word_pieces(sentence["text"].as_str().unwrap())
            .unwrap();
        assert_eq!(
            pieces + 2,
            sentence["word_pieces"].as_u64().unwrap() as usize,
            "same word pieces as the reference"
        );
    }
}

#[test]
fn vectors_are_unit_length_and_in_input_order() {
    let texts = [
        "short",
        "a somewhat longer sentence about gardening in spring",
        "",
        "ünïcödé — 東京 🚀",
    ];
    let together = embedder().embed(&texts).expect("embedding works");
    assert_eq!(together.len(), texts.len());
    for (text, vector) in texts.iter().zip(&together) {
        assert_eq!(vector.len(), DIMENSIONS);
        let norm = cosine(vector, vector).sqrt();
        assert!(
            (norm - 1.0).abs() < 1e-4,
            "{text:?} has norm {norm}, should be 1"
        );
        // Packed with others or alone, a text gets the same vector.
        let alone = embed_one(text);
        assert!(
            cosine(vector, &alone) > 0.99999,
            "{text:?} differs when embedded alone"
        );
    }
}

#[test]
fn a_paraphrase_scores_higher_than_an_unrelated_sentence() {
    let query = embed_one("How do I reset my password?");
    let paraphrase = embed_one("I forgot my password; how can I change it?");
    let unrelated = embed_one("The weather in Lisbon is sunny and warm today.");
    let (near, far) = (cosine(&query, &paraphrase), cosine(&query, &unrelated));
    assert!(
        near > far + 0.3,
        "paraphrase {near} should clearly beat unrelated {far}"
    );
}

/// About 800 word pieces on bread, then a last paragraph (under a sixth of the text) on `ending`.
fn long_text(ending: &str) -> String {
    let filler = [
        "The bakery on the corner opens before dawn, when the ovens are already hot.",
        "Flour, water, salt and a little yeast are all a plain loaf needs.",
        "The dough rests for hours so the gluten can develop and the flavour deepens.",
        "Bakers shape each loaf by hand and score the top with a sharp blade.",
        "A good crust crackles as the bread cools on the wooden racks.",
        "Rye and spelt give darker loaves with a sour, earthy taste.",
    ];
    let mut text = String::new();
    while embedder().count_word_pieces(&text).unwrap() < 800 {
        for sentence in filler {
            text.push_str(sentence);
            text.push(' ');
        }
    }
    text.push_str(ending);
    text
}

#[test]
fn the_end_of_a_long_text_counts() {
    let volcano = "Then the volcano erupted. Lava poured down its slopes and set the forest alight. Ash \
                   darkened the sky for days, and the villages at the foot of the mountain were evacuated \
                   as the eruption grew stronger. Geologists measured the earthquakes under the crater and \
                   warned that the magma chamber was still filling. When the lava flows finally cooled, \
                   the island had grown by a square kilometre of black volcanic rock.";
    let taxes = "Then the tax office wrote. The annual return was late and a penalty was added to the \
                 bill. The accountant was asked to file the missing forms before the end of the month, \
                 with receipts for every deduction claimed. An inspector reviewed the payroll records \
                 and the VAT statements of the last three years. When the audit finally closed, the \
                 company paid the outstanding balance with interest.";
    let (about_volcano, about_taxes) = (long_text(volcano), long_text(taxes));
    assert!(
        embedder().count_word_pieces(&about_volcano).unwrap() > 3 * hearth_embed::WINDOW_TOKENS
    );
    let vectors = embedder()
        .embed(&[&about_volcano, &about_taxes])
        .expect("embedding works");
    let query = embed_one("a volcanic eruption with lava and ash");
    let (hit, miss) = (cosine(&query, &vectors[0]), cosine(&query, &vectors[1]));
    assert!(
        hit > miss + 0.05,
        "the text ending on the volcano ({hit}) should beat the one ending on taxes ({miss})"
    );
}

#[test]
fn integer_and_f32_products_agree_on_long_texts() {
    let text = long_text("The harbour office closes at noon on Saturdays.");
    let fast = embedder().embed(&[&text]).unwrap().remove(0);
    let exact = f32_embedder().embed(&[&text]).unwrap().remove(0);
    let similarity = cosine(&fast, &exact);
    assert!(similarity > 0.99, "cosine {similarity} should be > 0.99");
}

/// `text` cut into passages of `size` characters, each starting `step` characters after the last.
fn cut(text: &str, size: usize, step: usize) -> Vec<(String, u64)> {
    let chars: Vec<char> = text.chars().collect();
    let mut passages = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + size).min(chars.len());
        passages.push((chars[start..end].iter().collect(), start as u64));
        if end == chars.len() {
            return passages;
        }
        start += step;
    }
}

fn as_passages(cut: &[(String, u64)]) -> Vec<Passage<'_>> {
    cut.iter()
        .map(|(text, start)| Passage {
            text,
            start: *start,
        })
        .collect()
}

#[test]
fn passages_read_together_stay_close_to_passages_read_alone() {
    let text = long_text("Then the volcano erupted and lava poured down the slopes.");
    let pieces = cut(&text, 1200, 600);
    assert!(pieces.len() >= 4, "the text should make several passages");
    let together = embedder().embed_passages(&as_passages(&pieces)).unwrap();
    let texts: Vec<&str> = pieces.iter().map(|(t, _)| t.as_str()).collect();
    let alone = embedder().embed(&texts).unwrap();
    assert_eq!(together.len(), pieces.len());
    for (i, (a, b)) in together.iter().zip(&alone).enumerate() {
        assert!(
            (cosine(a, a) - 1.0).abs() < 1e-4,
            "passage {i} should be unit length"
        );
        let similarity = cosine(a, b);
        assert!(
            similarity > 0.95,
            "passage {i}: cosine {similarity} to its text read alone"
        );
    }
}

#[test]
fn each_passage_gets_the_vector_of_its_own_text() {
    let volcano = "Then the volcano erupted. Lava poured down its slopes and set the forest alight. \
                   Ash darkened the sky for days and the villages were evacuated. ";
    let taxes = "Then the tax office wrote. The annual return was late and a penalty was added. \
                 The accountant filed the missing forms with receipts for every deduction. ";
    let mut text = long_text(volcano);
    let volcano_end = text.chars().count();
    text.push_str(&long_text(taxes));
    let pieces = cut(&text, 1500, 750);
    let vectors = embedder().embed_passages(&as_passages(&pieces)).unwrap();
    let query = embed_one("a volcanic eruption with lava and ash");
    let scores: Vec<f32> = vectors.iter().map(|v| cosine(&query, v)).collect();
    let best = (0..scores.len())
        .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
        .unwrap();
    let (start, len) = (pieces[best].1 as usize, pieces[best].0.chars().count());
    assert!(
        start < volcano_end && volcano_end - 100 < start + len,
        "the best passage ({start}..{}) should hold the volcano paragraph ending at {volcano_end}: {scores:?}",
        start + len
    );
}

#[test]
fn passages_in_any_order_or_apart_get_their_vectors() {
    let pieces = [
        ("a short note about gardening in spring".to_owned(), 500u64),
        ("".to_owned(), 900),
        ("the harbour office opens at nine".to_owned(), 0),
    ];
    let vectors = embedder().embed_passages(&as_passages(&pieces)).unwrap();
    assert_eq!(vectors.len(), 3);
    for (vector, (text, _)) in vectors.iter().zip(&pieces) {
        let alone = embed_one(text);
        assert!(
            cosine(vector, &alone) > 0.95,
            "{text:?} read apart should be close to its own vector"
        );
    }
}

#[test]
fn no_texts_give_no_vectors() {
    assert!(
        embedder()
            .embed(&[])
            .expect("embedding nothing works")
            .is_empty()
    );
}

#[test]
fn a_missing_or_broken_model_file_is_named() {
    let dir = std::env::temp_dir().join(format!("hearth-embed-missing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let error = Embedder::load(&dir)
        .expect_err("an empty folder has no model")
        .to_string();
    assert!(
        error.contains("model.safetensors"),
        "the error should name the missing file: {error}"
    );

    std::fs::write(dir.join("model.safetensors"), b"not a model").unwrap();
    let error = Embedder::load(&dir)
        .expect_err("the tokenizer is missing")
        .to_string();
    assert!(
        error.contains("tokenizer.json"),
        "the error should name the missing file: {error}"
    );

    std::fs::write(dir.join("tokenizer.json"), b"{}").unwrap();
    let error = Embedder::load(&dir)
        .expect_err("the model file is garbage")
        .to_string();
    assert!(
        error.contains("model.safetensors"),
        "the error should name the broken file: {error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
