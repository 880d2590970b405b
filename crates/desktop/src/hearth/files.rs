//! Files as the window shows them: a chart inline, a file chip with its name and size, and
//! "Save as…" writing exactly the file's bytes where the person chose.

use std::path::Path;

use hearth_wire::FileObject;

use super::Hearth;
use crate::error::BackendError;
use crate::save::write_atomically;

/// The name a save dialog suggests when a file's own name cannot be used as one.
const FALLBACK_NAME: &str = "file";

impl Hearth {
    /// A file's name, size and purpose, from the profile in use.
    pub async fn file(&self, file_id: &str) -> Result<FileObject, BackendError> {
        self.backend()?.file(file_id).await
    }

    /// A file's bytes, from the profile in use (a remote profile's are kept on this computer
    /// once read).
    pub async fn file_content(&self, file_id: &str) -> Result<Vec<u8>, BackendError> {
        self.backend()?.file_content(file_id).await
    }

    /// Writes the file's bytes to `target`, whole or not at all.
    pub async fn save_file(&self, file_id: &str, target: &Path) -> Result<(), BackendError> {
        let bytes = self.file_content(file_id).await?;
        let target = target.to_owned();
        tokio::task::spawn_blocking(move || write_atomically(&target, &bytes))
            .await
            .map_err(|error| BackendError::Internal(format!("Saving stopped: {error}")))?
    }
}

/// The name a save dialog suggests for `file`: its own, reduced to one plain path component.
pub fn suggested_file_name(file: &FileObject) -> String {
    let last = file
        .filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim();
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() || name == "." || name == ".." {
        FALLBACK_NAME.to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(filename: &str) -> FileObject {
        FileObject {
            id: "file-1".into(),
            object: Default::default(),
            bytes: 1,
            created_at: 1,
            expires_at: None,
            filename: filename.into(),
            purpose: hearth_wire::FilePurpose::AssistantsOutput,
            status: hearth_wire::FileStatus::Processed,
            status_details: None,
        }
    }

    #[test]
    fn a_suggested_name_is_one_plain_file_name() {
        assert_eq!(suggested_file_name(&named("chart-1.png")), "chart-1.png");
        assert_eq!(
            suggested_file_name(&named("/mnt/data/résumé.csv")),
            "résumé.csv"
        );
        assert_eq!(suggested_file_name(&named("..\\..\\evil.txt")), "evil.txt");
        assert_eq!(suggested_file_name(&named("a\u{7}b.txt")), "ab.txt");
        assert_eq!(suggested_file_name(&named("..")), "file");
        assert_eq!(suggested_file_name(&named("  ")), "file");
    }
}
