use std::path::PathBuf;

/// Why the embedder could not load or embed.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// One of the model's files is not where it should be.
    #[error(
        "the built-in embedder's {} is missing (expected at {}; the folder needs model.safetensors and tokenizer.json)",
        file_name(.path),
        .path.display()
    )]
    MissingFile { path: PathBuf },
    /// A model file exists but could not be read.
    #[error("could not read the built-in embedder's {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A model file was read but is not what all-MiniLM-L6-v2 needs.
    #[error("the built-in embedder's {} is not a usable all-MiniLM-L6-v2 file: {reason}", .path.display())]
    BadFile { path: PathBuf, reason: String },
    /// The tokenizer failed on a text.
    #[error("could not split text number {index} into word pieces: {reason}")]
    Tokenize { index: usize, reason: String },
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
