//! The app's state against real files, the real OS keychain (a private test keyring) and a scripted
//! model server on loopback.

use futures_util::StreamExt;
use hearth_desktop::providers::ProviderName;
use hearth_desktop::{BackendError, Hearth, Paths};
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_wire::{
    CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest,
    StreamEvent,
};

fn open(dir: &std::path::Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
        {
            found.push(path);
        }
    }
    found
}

#[tokio::test]
async fn a_key_goes_to_the_keychain_only_and_makes_its_provider_ready() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let key = format!("sk-ant-test-{}", std::process::id());
    let anthropic = |hearth: &Hearth| {
        hearth
            .providers()
            .unwrap()
            .into_iter()
            .find(|p| p.name == ProviderName::Anthropic)
            .unwrap()
    };
    assert!(!anthropic(&hearth).ready, "no key yet");

    hearth
        .set_provider_key(ProviderName::Anthropic, &format!("  {key}\n"))
        .unwrap();
    let status = anthropic(&hearth);
    assert!(status.key_set && status.ready);
    let stored = hearth_keychain::get(&ProviderName::Anthropic.key_account())
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.expose(),
        key,
        "the key is stored trimmed, in the keychain"
    );
    hearth
        .set_provider_url(ProviderName::Ollama, Some("http://127.0.0.1:11434/v1"))
        .unwrap();
    assert_eq!(
        files_containing(dir.path(), &key),
        Vec::<std::path::PathBuf>::new()
    );

    hearth.remove_provider_key(ProviderName::Anthropic).unwrap();
    assert!(!anthropic(&hearth).key_set);
    assert!(
        hearth_keychain::get(&ProviderName::Anthropic.key_account())
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn bad_settings_are_refused_with_the_rule_they_break() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let error = hearth
        .set_provider_url(ProviderName::Compatible, Some("localhost:8080"))
        .unwrap_err();
    assert!(
        matches!(&error, BackendError::Invalid(m) if m.contains("http://")),
        "{error}"
    );
    let error = hearth
        .set_provider_key(ProviderName::Compatible, "two words")
        .unwrap_err();
    assert!(error.to_string().contains("without spaces"), "{error}");
    let error = hearth
        .set_provider_key(ProviderName::Ollama, "sk-1")
        .unwrap_err();
    assert!(error.to_string().contains("takes no API key"), "{error}");
    let error = hearth
        .add_remote(" ", "http://127.0.0.1:1/v1", None)
        .unwrap_err();
    assert!(error.to_string().contains("name"), "{error}");
}

#[tokio::test]
async fn this_computer_chats_through_the_provider_that_offers_the_model() {
    let server = ScriptedOpenAi::start(vec![Script::text(["Hello ", "there."])]).await;
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    hearth
        .set_provider_url(ProviderName::Compatible, Some(&server.base_url()))
        .unwrap();
    let models = hearth.models_by_provider().await;
    assert_eq!(models.len(), 1, "only the compatible server is set up");
    assert_eq!(
        models[0].1.as_ref().unwrap(),
        &vec!["scripted-model".to_owned()]
    );

    let backend = hearth.backend().unwrap();
    let assistant = backend
        .create_assistant(
            hearth_desktop::parse_request::<CreateAssistantRequest>(
                br#"{"model": "scripted-model", "name": "Greeter"}"#,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let thread = backend
        .create_thread(CreateThreadRequest::default())
        .await
        .unwrap();
    backend
        .create_message(&thread.id, CreateMessageRequest::user("Hi"))
        .await
        .unwrap();
    let mut events = backend
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut text = String::new();
    let mut finished = None;
    while let Some(event) = events.next().await {
        match event.unwrap() {
            StreamEvent::MessageDelta(delta) => {
                let delta = serde_json::to_value(&delta).unwrap();
                text.push_str(
                    delta["delta"]["content"][0]["text"]["value"]
                        .as_str()
                        .unwrap_or_default(),
                );
            }
            StreamEvent::RunCompleted(run) => finished = Some(run),
            _ => {}
        }
    }
    assert_eq!(text, "Hello there.");
    assert!(finished.is_some(), "the run should complete");
    let summaries = backend
        .store()
        .thread_summaries(Some(&assistant.id))
        .unwrap();
    assert_eq!(summaries[0].title, "Hi");
    assert_eq!(summaries[0].preview, "Hello there.");
}

#[test]
fn the_app_refuses_a_data_folder_another_program_runs_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let server = hearth_store::DataLock::acquire(&data, "hearth-server").unwrap();
    let error = Hearth::open(Paths {
        data_dir: data.clone(),
        settings_file: dir.path().join("config").join("settings.json"),
    })
    .err()
    .expect("a second owner should be refused");
    let text = error.to_string();
    assert!(
        text.contains(&format!("hearth-server (pid {})", std::process::id()))
            && text.contains("systemctl --user stop hearth-server"),
        "the refusal should name the holder and what to do: {text}"
    );
    drop(server);
    let hearth = open(dir.path());
    drop(hearth);
    // The app's own lock is taken and released with it.
    let again = open(dir.path());
    assert!(
        hearth_store::DataLock::acquire(&data, "hearth-server").is_err(),
        "while the app runs, the folder is its own"
    );
    drop(again);
}
