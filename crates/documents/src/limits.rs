//! Limits that keep one hostile or huge file from exhausting memory or time.

/// The most text one file may yield: 64 MiB, about 16 million tokens (the hosted tool stopped at
/// 5 million tokens per file). A larger file fails as `invalid_file`.
pub const MAX_TEXT_BYTES: usize = 64 << 20;

/// The most bytes read out of one zip-based file (DOCX, PPTX, XLSX), counted as they are inflated,
/// whatever the archive declares: 256 MiB.
pub const MAX_UNZIPPED_BYTES: u64 = 256 << 20;

/// The most entries a zip-based file may have.
pub const MAX_ARCHIVE_ENTRIES: usize = 10_000;

/// An entry that inflates to more than this many times its compressed size (once past
/// [`RATIO_CHECK_FLOOR`]) is treated as a zip bomb. Office XML compresses about 10:1; 100:1 is the
/// usual bound (Apache POI uses the same).
pub(crate) const MAX_INFLATE_RATIO: u64 = 100;

/// Small entries may compress better than [`MAX_INFLATE_RATIO`] (a blank sheet); they cannot hurt.
pub(crate) const RATIO_CHECK_FLOOR: u64 = 1 << 20;
