//! The models folder: listing with metadata, adding, removing.

use std::io::Write;

use hearth_local::{LibraryError, add_model, list_models, remove_model};

use crate::support::{MODEL_ID, link_model};

#[test]
fn the_default_model_is_listed_with_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    link_model(dir.path());
    let models = list_models(dir.path()).unwrap();
    assert_eq!(models.len(), 1, "one model should be listed: {models:?}");
    let model = &models[0];
    assert_eq!(model.id, MODEL_ID);
    assert_eq!(model.file_name, format!("{MODEL_ID}.gguf"));
    assert_eq!(model.size_bytes, 98_362_432);
    assert_eq!(model.architecture.as_deref(), Some("llama"));
    assert_eq!(model.quantization.as_deref(), Some("Q4_1"));
    assert_eq!(model.context_length, Some(8192));
    let params = model.parameter_count.unwrap();
    assert!(
        (130_000_000..140_000_000).contains(&params),
        "SmolLM2-135M should have about 135M parameters, not {params}"
    );
    assert!(model.has_chat_template);
    assert!(!model.supports_tools);
    assert_eq!(model.problem, None);

    // What the app passes to its UI.
    let json = serde_json::to_value(model).unwrap();
    assert_eq!(json["quantization"], "Q4_1");
}

#[test]
fn models_are_added_after_a_check_and_removed() {
    let from = tempfile::tempdir().unwrap();
    let source = link_model(from.path());
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");

    let added = add_model(&models, &source).unwrap();
    assert_eq!(added.id, MODEL_ID);
    assert!(
        !models.join(format!("{MODEL_ID}.gguf")).is_symlink(),
        "the file is copied in"
    );
    assert!(matches!(
        add_model(&models, &source),
        Err(LibraryError::Exists(_))
    ));

    let junk = from.path().join("notes.gguf");
    std::fs::File::create(&junk)
        .unwrap()
        .write_all(b"just some text")
        .unwrap();
    let error = add_model(&models, &junk).unwrap_err();
    assert_eq!(error.code(), "model_invalid");
    assert!(error.to_string().contains("notes.gguf"), "{error}");
    assert_eq!(
        list_models(&models).unwrap().len(),
        1,
        "nothing of the junk file stays"
    );

    remove_model(&models, MODEL_ID).unwrap();
    assert!(list_models(&models).unwrap().is_empty());
    assert!(matches!(
        remove_model(&models, MODEL_ID),
        Err(LibraryError::NotFound(_))
    ));
    assert!(matches!(
        remove_model(&models, "../hearth"),
        Err(LibraryError::BadName(_))
    ));
}

#[test]
fn a_damaged_file_is_listed_with_its_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.gguf"), b"GGUF\x03\x00\x00\x00").unwrap();
    let models = list_models(dir.path()).unwrap();
    let problem = models[0].problem.as_deref().unwrap_or_default();
    assert!(
        problem.contains("damaged"),
        "the problem should be shown: {problem}"
    );
}
