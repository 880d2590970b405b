//! Against the real OS keychain: scripts/test.sh runs the Rust tests inside a private D-Bus
//! session with an unlocked gnome-keyring, so these talk to a real Secret Service.

#[test]
fn a_key_is_stored_read_replaced_and_removed() {
    let account = format!("provider:test-{}", std::process::id());
    assert_eq!(
        hearth_keychain::get(&account).unwrap(),
        None,
        "no entry is Ok(None), not an error"
    );
    hearth_keychain::set(&account, "sk-first").unwrap();
    assert_eq!(
        hearth_keychain::get(&account).unwrap().unwrap().expose(),
        "sk-first"
    );
    hearth_keychain::set(&account, "sk-second").unwrap();
    assert_eq!(
        hearth_keychain::get(&account).unwrap().unwrap().expose(),
        "sk-second"
    );
    assert!(hearth_keychain::delete(&account).unwrap());
    assert!(!hearth_keychain::delete(&account).unwrap());
    assert_eq!(hearth_keychain::get(&account).unwrap(), None);
}

#[test]
fn a_key_is_stored_with_its_origin_and_a_bare_key_reads_without_one() {
    let account = format!("provider:bound-{}", std::process::id());
    hearth_keychain::set(&account, "sk-saved-before-origins").unwrap();
    let legacy = hearth_keychain::get_bound(&account).unwrap().unwrap();
    assert_eq!(legacy.secret.expose(), "sk-saved-before-origins");
    assert_eq!(legacy.origin, None, "an old entry has no origin yet");

    hearth_keychain::set_bound(&account, "sk-bound", "https://api.openai.com:443").unwrap();
    let bound = hearth_keychain::get_bound(&account).unwrap().unwrap();
    assert_eq!(bound.secret.expose(), "sk-bound");
    assert_eq!(bound.origin.as_deref(), Some("https://api.openai.com:443"));
    assert!(hearth_keychain::delete(&account).unwrap());
    assert_eq!(hearth_keychain::get_bound(&account).unwrap(), None);
}
