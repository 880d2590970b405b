//! The typed IPC surface, generated into `ui/src/ipc/bindings.ts`. A test fails when the committed file
//! differs from what the Rust code generates; `scripts/bindings.sh` rewrites it.

use tauri_specta::{Builder, collect_commands, collect_events};

use crate::commands;

/// Every command and event the UI may use.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::new()
        // One TypeScript type per Rust type: what the window sends and receives have the same shape.
        .disable_serde_phases()
        .commands(collect_commands![
            commands::app::app_info,
            commands::profiles::list_profiles,
            commands::profiles::use_profile,
            commands::profiles::add_remote_profile,
            commands::profiles::remove_remote_profile,
            commands::profiles::check_connection,
            commands::providers::list_providers,
            commands::providers::set_provider_key,
            commands::providers::remove_provider_key,
            commands::providers::set_provider_url,
            commands::providers::test_provider,
            commands::providers::detect_ollama,
            commands::providers::list_models,
            commands::models::list_local_models,
            commands::models::add_local_model,
            commands::models::download_local_model,
            commands::models::cancel_local_download,
            commands::models::remove_local_model,
            commands::code::code_runtime_status,
            commands::code::install_code_runtime,
            commands::code::cancel_code_runtime_install,
            commands::setup::setup_offers,
            commands::setup::download_default_model,
            commands::setup::install_embedder,
            commands::assistants::list_assistants,
            commands::assistants::create_assistant,
            commands::assistants::modify_assistant,
            commands::assistants::delete_assistant,
            commands::threads::list_threads,
            commands::threads::create_thread,
            commands::threads::rename_thread,
            commands::threads::delete_thread,
            commands::threads::list_messages,
            commands::threads::get_draft,
            commands::threads::set_draft,
            commands::runs::add_message,
            commands::runs::start_run,
            commands::runs::submit_tool_outputs,
            commands::runs::cancel_run,
            commands::runs::list_runs,
            commands::runs::list_run_steps,
            commands::search::search_messages,
            commands::files::file_info,
            commands::files::file_content_base64,
            commands::files::save_file_as,
            commands::knowledge::knowledge_overview,
            commands::knowledge::upload_file,
            commands::knowledge::delete_file,
            commands::knowledge::delete_vector_store,
            commands::knowledge::vector_store_files,
            commands::knowledge::reindex_vector_store_file,
            commands::knowledge::search_vector_store,
            commands::knowledge::passage_place,
            commands::knowledge::add_assistant_file,
            commands::knowledge::remove_assistant_file,
            commands::knowledge::set_assistant_vector_store,
            commands::knowledge::create_assistant_vector_store,
            commands::uploads::describe_local_files,
            commands::uploads::upload_local_file,
            commands::uploads::discard_upload,
            commands::uploads::index_for_thread,
            commands::uploads::index_for_assistant,
            commands::uploads::indexing_status,
            commands::uploads::unindex_file,
            commands::export::export_thread,
            commands::export::import_thread,
            commands::api_server::api_server_status,
            commands::api_server::start_api_server,
            commands::api_server::stop_api_server,
            commands::api_server::new_api_server_token,
        ])
        .events(collect_events![crate::events::DataChanged])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use specta_typescript::Typescript;

    use super::*;
    use crate::command_names::COMMAND_NAMES;

    /// Where the generated bindings live, relative to the repository root.
    const BINDINGS_PATH: &str = "ui/src/ipc/bindings.ts";

    /// The exporter; the header keeps the UI's linter off a file nobody edits by hand.
    fn typescript() -> Typescript {
        Typescript::default()
            .header("// Regenerate with scripts/bindings.sh.\n/* eslint-disable */")
    }

    fn repo_root() -> &'static Path {
        // Read when the test runs: a test binary reused from a build in another checkout must
        // still compare this checkout's files.
        static ROOT: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
        ROOT.get_or_init(|| {
            std::env::var_os("CARGO_MANIFEST_DIR")
                .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
        })
    }

    fn generated() -> String {
        // One folder per call: the tests run in parallel threads of one process.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("hearth-bindings-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bindings.ts");
        builder()
            .export(typescript(), &path)
            .expect("the bindings should export");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        text
    }

    /// `HEARTH_WRITE_BINDINGS=1` rewrites the committed file instead of comparing.
    #[test]
    fn committed_bindings_match_the_rust_commands() {
        let fresh = generated();
        let committed_path = repo_root().join(BINDINGS_PATH);
        if std::env::var_os("HEARTH_WRITE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{BINDINGS_PATH} is out of date with the Rust commands: run scripts/bindings.sh and commit the result"
        );
    }

    /// Command names invoked by the generated bindings.
    fn invoked_commands(bindings: &str) -> BTreeSet<String> {
        // Fallible commands read `TAURI_INVOKE("name"`, infallible ones `TAURI_INVOKE<T>("name"`.
        bindings
            .split("TAURI_INVOKE")
            .skip(1)
            .filter_map(|rest| rest.split_once("(\""))
            .map(|(_, rest)| rest.split('"').next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn handler_list_permissions_and_capabilities_agree() {
        let names: BTreeSet<String> = COMMAND_NAMES.iter().map(|n| n.to_string()).collect();
        assert_eq!(
            invoked_commands(&generated()),
            names,
            "every registered command must be listed in command_names.rs, and only those"
        );

        let capability: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(repo_root().join("src-tauri/capabilities/main.json")).unwrap(),
        )
        .unwrap();
        let granted: BTreeSet<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter_map(|p| p.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        assert_eq!(
            granted, names,
            "the main window must be granted exactly the app's own commands"
        );
    }
}
