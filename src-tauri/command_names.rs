// The app's own IPC commands, by name. The build script turns each into an `allow-…` permission and a
// test checks that this list, the generated bindings and the window capabilities agree, so a command
// cannot be added without deciding which windows may call it.
pub const COMMAND_NAMES: &[&str] = &["app_info"];
