//! Without a session bus there is no keychain: the error must say so, never fall back.

const CHILD: &str = "HEARTH_NO_BUS_CHILD";

#[test]
fn without_a_keychain_the_error_says_what_is_missing() {
    // `set_var` is unsafe in edition 2024 and the workspace denies unsafe code, so the test runs
    // itself again in a child process whose session bus does not exist.
    if std::env::var_os(CHILD).is_none() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "without_a_keychain_the_error_says_what_is_missing",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/hearth-test-bus",
            )
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "the check without a keychain failed:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        return;
    }
    let error = hearth_keychain::get("provider:openai").unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, hearth_keychain::KeychainError::Unavailable(_)),
        "{message}"
    );
    assert!(
        message.contains("Secret Service"),
        "the message should name what is missing: {message}"
    );
}
