//! The embedder against the real all-MiniLM-L6-v2 files (put in place by scripts/embedder-model.sh).

use std::path::PathBuf;
use std::sync::OnceLock;

use hearth_embed::{DIMENSIONS, Embedder};
use serde_json::Value;

fn embedder() -> &'static Embedder {
    static EMBEDDER: OnceLock<Embedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| {
        let dir = std::env::var_os("HEARTH_TEST_EMBEDDER").map(PathBuf::from).expect(
            "HEARTH_TEST_EMBEDDER is not set: source scripts/env.sh and run scripts/embedder-model.sh to put the model in place",
        );
        Embedder::load(&dir).unwrap_or_else(|e| {
            panic!("could not load the embedder from {} ({e}): run scripts/embedder-model.sh", dir.display())
        })
    })
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
fn vectors_match_an_independent_implementation() {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/reference.json")).expect("fixture is JSON");
    let sentences = fixture["sentences"].as_array().expect("sentences");
    let texts: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().expect("text"))
        .collect();
    let vectors = embedder().embed(&texts).expect("embedding works");
    for (sentence, vector) in sentences.iter().zip(&vectors) {
        let expected: Vec<f32> = sentence["vector"]
            .as_array()
            .expect("vector")
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(expected.len(), DIMENSIONS);
        let similarity = cosine(&expected, vector);
        assert!(
            similarity > 0.999,
            "{:?}: cosine to the reference is {similarity}, should be > 0.999",
            sentence["text"]
        );
        let pieces = embedder()
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
