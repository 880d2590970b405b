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
