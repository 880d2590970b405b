//! The Markdown export: one `.md` file, and beside it a folder `<name>-images` holding the images
//! the thread shows, which the file links to by relative path. Citations become footnotes.
//!
//! The folder and the file appear together or not at all: the images are written into a hidden
//! temporary folder, which is renamed into place just before the file is; if the file then fails,
//! the folder is taken away again and an earlier export's folder of that name put back.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use hearth_wire::MessageContent;

use super::text::{Piece, Sources};
use super::{ThreadExport, author};
use crate::error::BackendError;
use crate::save::{in_words, write_atomically};

/// Writes the Markdown export of `export` to `target`, its images into the folder beside it.
pub(super) fn write(export: &ThreadExport, target: &Path) -> Result<(), BackendError> {
    let folder_name = images_folder_name(target);
    let (markdown, images) = render(export, &folder_name);
    if images.is_empty() {
        return write_atomically(target, markdown.as_bytes());
    }
    let parent = parent_of(target);
    let fail = |what: &Path, error: std::io::Error| {
        BackendError::Invalid(format!(
            "Could not save {}: {}.",
            what.display(),
            in_words(&error)
        ))
    };
    let staging = tempfile::Builder::new()
        .prefix(".hearth-export-")
        .tempdir_in(parent)
        .map_err(|error| fail(target, error))?;
    for (name, bytes) in &images {
        std::fs::write(staging.path().join(name), bytes)
            .map_err(|error| fail(&staging.path().join(name), error))?;
    }
    let folder = parent.join(&folder_name);
    // An earlier export's folder of the same name is set aside, to be put back on failure.
    let set_aside = tempfile::Builder::new()
        .prefix(".hearth-export-old-")
        .tempdir_in(parent)
        .map_err(|error| fail(target, error))?;
    let earlier = set_aside.path().join("images");
    let had_earlier = folder.exists();
    if had_earlier {
        std::fs::rename(&folder, &earlier).map_err(|error| fail(&folder, error))?;
    }
    let put_back = |folder: &Path| {
        if had_earlier {
            let _ = std::fs::rename(&earlier, folder);
        }
    };
    let staged = staging.keep();
    if let Err(error) = std::fs::rename(&staged, &folder) {
        let _ = std::fs::remove_dir_all(&staged);
        put_back(&folder);
        return Err(fail(&folder, error));
    }
    if let Err(error) = write_atomically(target, markdown.as_bytes()) {
        let _ = std::fs::remove_dir_all(&folder);
        put_back(&folder);
        return Err(error);
    }
    // `set_aside` drops here, removing the earlier folder.
    Ok(())
}

fn parent_of(target: &Path) -> &Path {
    match target.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

/// `report.md` → `report-images`.
pub(super) fn images_folder_name(target: &Path) -> String {
    let stem = target
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "thread".to_owned());
    format!("{stem}-images")
}

/// The Markdown text, and the images to write into `folder_name` (file name, bytes).
pub(super) fn render(export: &ThreadExport, folder_name: &str) -> (String, Vec<(String, Vec<u8>)>) {
    let mut out = String::new();
    let mut images: Vec<(String, Vec<u8>)> = Vec::new();
    let mut sources = Sources::new(export);
    let _ = writeln!(out, "# {}\n", one_line(&export.title));
    for message in &export.messages {
        let _ = writeln!(out, "## {}\n", author(&message.role));
        for part in &message.content {
            match part {
                MessageContent::Text { text } => {
                    for piece in sources.pieces(message, &text.value, &text.annotations) {
                        match piece {
                            Piece::Text(text) => out.push_str(&text),
                            Piece::Citation(number) => {
                                let _ = write!(out, "[^{number}]");
                            }
                        }
                    }
                    out.push_str("\n\n");
                }
                MessageContent::ImageFile { image_file } => {
                    match export.files.get(&image_file.file_id) {
                        Some(file) if file.content.is_some() => {
                            let name =
                                unique_name(&images, &crate::suggested_file_name(&file.file));
                            let bytes = file.content.clone().unwrap_or_default();
                            let _ = writeln!(out, "![{name}](<{folder_name}/{name}>)\n");
                            images.push((name, bytes));
                        }
                        _ => {
                            let _ = writeln!(out, "*(An image that is no longer available.)*\n");
                        }
                    }
                }
                MessageContent::ImageUrl { image_url } => {
                    let _ = writeln!(out, "![image](<{}>)\n", image_url.url.replace('>', "%3E"));
                }
                MessageContent::Refusal { refusal } => {
                    let _ = writeln!(out, "> {}\n", one_line(refusal));
                }
                _ => {}
            }
        }
    }
    if !sources.list.is_empty() {
        for source in &sources.list {
            let _ = write!(out, "[^{}]: {}", source.number, one_line(&source.file_name));
            if let Some(passage) = &source.passage {
                let _ = write!(out, " — “{}”", one_line(passage));
            }
            out.push('\n');
        }
    }
    (out, images)
}

/// `text` on one line, so a heading or footnote is not broken by a newline in it.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `name`, or `name-2`, `name-3`… when an earlier image took it.
fn unique_name(taken: &[(String, Vec<u8>)], name: &str) -> String {
    let used = |candidate: &str| taken.iter().any(|(n, _)| n == candidate);
    if !used(name) {
        return name.to_owned();
    }
    let path = PathBuf::from(name);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2..)
        .map(|n| format!("{stem}-{n}{extension}"))
        .find(|candidate| !used(candidate))
        .unwrap_or_else(|| name.to_owned())
}
