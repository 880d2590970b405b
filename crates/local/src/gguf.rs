//! A small reader for the header of GGUF files: metadata and tensor layout, without loading weights.
//!
//! It serves two purposes: the model library shows what a file holds without loading it, and every
//! file is checked here before llama.cpp sees it, because llama.cpp may abort the whole process on
//! some malformed files instead of returning an error.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

/// `GGUF` as a little-endian u32, the first four bytes of every GGUF file.
const MAGIC: [u8; 4] = *b"GGUF";
/// Alignment of the tensor data section unless `general.alignment` says otherwise.
const DEFAULT_ALIGNMENT: u64 = 32;
/// Limits far above any real model, so a corrupt count fails cleanly instead of allocating wildly.
const MAX_TENSORS: u64 = 1 << 20;
const MAX_METADATA: u64 = 1 << 20;
const MAX_DIMS: u32 = 8;
/// A tensor's info holds at least a name length, a dimension count, one dimension, a type and an
/// offset; a metadata entry at least a key length and a value type.
const MIN_TENSOR_INFO_BYTES: u64 = 8 + 4 + 8 + 4 + 8;
const MIN_METADATA_BYTES: u64 = 8 + 4;

/// What is wrong with a file that should be GGUF.
#[derive(Debug, thiserror::Error)]
pub enum GgufError {
    /// The file could not be opened or read.
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    /// The first bytes are not `GGUF`.
    #[error("it is not a GGUF model file (it does not start with \"GGUF\")")]
    NotGguf,
    /// A GGUF version this reader (and llama.cpp) does not support.
    #[error("it uses GGUF version {0}, which is not supported (versions 2 and 3 are)")]
    Version(u32),
    /// The header ends early or holds impossible values.
    #[error("its header is damaged: {0}")]
    Damaged(String),
    /// The header is fine but the tensor data is shorter than the header says.
    #[error(
        "it is truncated: the model data needs {needed} bytes but the file has {actual}; download it again"
    )]
    Truncated {
        /// Bytes the header promises.
        needed: u64,
        /// Bytes on disk.
        actual: u64,
    },
}

/// What the header of a valid GGUF file says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GgufHeader {
    /// GGUF format version.
    pub version: u32,
    /// `general.architecture`, e.g. `llama`.
    pub architecture: Option<String>,
    /// `general.name`.
    pub name: Option<String>,
    /// `<architecture>.context_length`: the context the model was trained for.
    pub context_length: Option<u64>,
    /// `general.file_type`, the llama.cpp quantization id.
    pub file_type: Option<u32>,
    /// Whether `tokenizer.chat_template` is present.
    pub has_chat_template: bool,
    /// The sum of all tensors' element counts.
    pub parameter_count: u64,
    /// The most common tensor type among the tensors, by element count.
    pub dominant_tensor_type: Option<u32>,
    /// File size in bytes.
    pub file_size: u64,
}

impl GgufHeader {
    /// The quantization's usual name (`Q4_1`, `Q4_K_M`, `F16`, …), when known.
    pub fn quantization(&self) -> Option<String> {
        self.file_type
            .and_then(file_type_name)
            .or_else(|| self.dominant_tensor_type.and_then(tensor_type_name))
            .map(str::to_owned)
    }
}

/// Reads and checks the header of `path`, including that the file is as long as its tensors need.
pub fn read_header(path: &Path) -> Result<GgufHeader, GgufError> {
    let file = File::open(path)?;
    let file_size = file.metadata()?.len();
    read_header_from(file, file_size)
}

/// Reads and checks a GGUF header from `source`, which holds a whole file of `file_size` bytes
/// from its current position (a `File`, or a `Cursor` over bytes in memory).
pub fn read_header_from(source: impl Read + Seek, file_size: u64) -> Result<GgufHeader, GgufError> {
    let mut r = Reader {
        inner: BufReader::with_capacity(1 << 16, source),
        pos: 0,
        len: file_size,
    };
    let mut magic = [0u8; 4];
    r.exact(&mut magic)
        .map_err(|_| GgufError::Damaged("the file is shorter than a GGUF header".into()))
        .and_then(|()| {
            if magic == MAGIC {
                Ok(())
            } else {
                Err(GgufError::NotGguf)
            }
        })?;
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(GgufError::Version(version));
    }
    let tensor_count = r.u64()?;
    let metadata_count = r.u64()?;
    if tensor_count > MAX_TENSORS || metadata_count > MAX_METADATA {
        return Err(GgufError::Damaged(format!(
            "it claims {tensor_count} tensors and {metadata_count} metadata entries"
        )));
    }
    // Every entry takes some bytes of the file, so a count the file cannot hold is refused before
    // any loop runs: the work below stays proportional to the file's size.
    let least_bytes = tensor_count * MIN_TENSOR_INFO_BYTES + metadata_count * MIN_METADATA_BYTES;
    if least_bytes > file_size.saturating_sub(r.pos) {
        return Err(GgufError::Damaged(format!(
            "it claims {tensor_count} tensors and {metadata_count} metadata entries, \
             more than its {file_size} bytes can hold"
        )));
    }

    let mut header = GgufHeader {
        version,
        file_size,
        ..GgufHeader::default()
    };
    let mut alignment = DEFAULT_ALIGNMENT;
    let mut context_lengths = Vec::new();
    for _ in 0..metadata_count {
        let key = r.string()?;
        let kind = r.u32()?;
        match (key.as_str(), kind) {
            ("general.architecture", STRING) => header.architecture = Some(r.string()?),
            ("general.name", STRING) => header.name = Some(r.string()?),
            ("general.file_type", _) => header.file_type = r.integer(kind)?.map(|v| v as u32),
            ("general.alignment", _) => {
                alignment = r.integer(kind)?.unwrap_or(DEFAULT_ALIGNMENT);
                if alignment == 0 || !alignment.is_power_of_two() {
                    return Err(GgufError::Damaged(format!("alignment {alignment}")));
                }
            }
            ("tokenizer.chat_template", STRING) => {
                header.has_chat_template = !r.string()?.trim().is_empty();
            }
            (k, _) if k.ends_with(".context_length") => {
                // Known only once the architecture is, which may come later in the file.
                if let Some(v) = r.integer(kind)? {
                    context_lengths.push((k.trim_end_matches(".context_length").to_owned(), v));
                }
            }
            _ => r.skip_value(kind)?,
        }
    }
    header.context_length = context_lengths
        .iter()
        .find(|(arch, _)| Some(arch) == header.architecture.as_ref())
        .or(context_lengths.first())
        .map(|(_, v)| *v);

    // Tensor infos: each tensor's shape, type and offset inside the data section.
    let mut data_needed = 0u64;
    // A map, not a list: a crafted file may give every tensor a different type.
    let mut per_type: HashMap<u32, u64> = HashMap::new();
    for _ in 0..tensor_count {
        let name = r.string()?;
        let dims = r.u32()?;
        if dims == 0 || dims > MAX_DIMS {
            return Err(GgufError::Damaged(format!(
                "tensor {name:?} has {dims} dimensions"
            )));
        }
        let mut elements = 1u64;
        for _ in 0..dims {
            elements = elements
                .checked_mul(r.u64()?)
                .ok_or_else(|| GgufError::Damaged(format!("tensor {name:?} is impossibly big")))?;
        }
        let kind = r.u32()?;
        let offset = r.u64()?;
        if offset % alignment != 0 {
            return Err(GgufError::Damaged(format!(
                "tensor {name:?} is not aligned"
            )));
        }
        let end = offset.saturating_add(tensor_bytes(kind, elements).unwrap_or(0));
        data_needed = data_needed.max(end);
        header.parameter_count = header.parameter_count.saturating_add(elements);
        let tally = per_type.entry(kind).or_default();
        *tally = tally.saturating_add(elements);
    }
    // Ties go to the lowest type number, so the answer does not depend on the map's order.
    header.dominant_tensor_type = per_type
        .iter()
        .max_by_key(|(kind, n)| (**n, std::cmp::Reverse(**kind)))
        .map(|(kind, _)| *kind);

    let data_start = r.pos.div_ceil(alignment) * alignment;
    let needed = data_start.saturating_add(data_needed);
    if needed > file_size {
        return Err(GgufError::Truncated {
            needed,
            actual: file_size,
        });
    }
    Ok(header)
}

// GGUF metadata value types.
const UINT8: u32 = 0;
const INT8: u32 = 1;
const UINT16: u32 = 2;
const INT16: u32 = 3;
const UINT32: u32 = 4;
const INT32: u32 = 5;
const FLOAT32: u32 = 6;
const BOOL: u32 = 7;
const STRING: u32 = 8;
const ARRAY: u32 = 9;
const UINT64: u32 = 10;
const INT64: u32 = 11;
const FLOAT64: u32 = 12;

/// A reader that knows its position and the file's length, so every length it reads is checked
/// against what is left before anything is allocated.
struct Reader<R> {
    inner: BufReader<R>,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Reader<R> {
    fn exact(&mut self, buf: &mut [u8]) -> Result<(), GgufError> {
        self.inner.read_exact(buf).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                GgufError::Damaged("the header ends before it is complete".into())
            } else {
                GgufError::Io(e)
            }
        })?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Result<(), GgufError> {
        if n > self.len.saturating_sub(self.pos) {
            return Err(GgufError::Damaged(
                "the header ends before it is complete".into(),
            ));
        }
        let n_i64 = i64::try_from(n).map_err(|_| GgufError::Damaged("huge value".into()))?;
        self.inner.seek_relative(n_i64)?;
        self.pos += n;
        Ok(())
    }

    fn u32(&mut self) -> Result<u32, GgufError> {
        let mut b = [0u8; 4];
        self.exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, GgufError> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn string_len(&mut self) -> Result<u64, GgufError> {
        let len = self.u64()?;
        if len > self.len.saturating_sub(self.pos) {
            return Err(GgufError::Damaged(format!(
                "a string of {len} bytes does not fit in the file"
            )));
        }
        Ok(len)
    }

    fn string(&mut self) -> Result<String, GgufError> {
        let len = self.string_len()?;
        let mut buf = vec![0u8; len as usize];
        self.exact(&mut buf)?;
        String::from_utf8(buf).map_err(|_| GgufError::Damaged("a string is not UTF-8".into()))
    }

    /// Reads an integer of any integer type; other types are skipped and give `None`.
    fn integer(&mut self, kind: u32) -> Result<Option<u64>, GgufError> {
        let size = match kind {
            UINT8 | INT8 => 1,
            UINT16 | INT16 => 2,
            UINT32 | INT32 => 4,
            UINT64 | INT64 => 8,
            _ => {
                self.skip_value(kind)?;
                return Ok(None);
            }
        };
        let mut b = [0u8; 8];
        self.exact(&mut b[..size])?;
        Ok(Some(u64::from_le_bytes(b)))
    }

    fn skip_value(&mut self, kind: u32) -> Result<(), GgufError> {
        match kind {
            STRING => {
                let len = self.string_len()?;
                self.skip(len)
            }
            ARRAY => {
                let item = self.u32()?;
                let count = self.u64()?;
                match scalar_size(item) {
                    Some(size) => self.skip(
                        count
                            .checked_mul(size)
                            .ok_or_else(|| GgufError::Damaged("huge array".into()))?,
                    ),
                    None if item == STRING => {
                        if count > self.len.saturating_sub(self.pos) / 8 {
                            return Err(GgufError::Damaged(format!(
                                "an array of {count} strings does not fit in the file"
                            )));
                        }
                        for _ in 0..count {
                            let len = self.string_len()?;
                            self.skip(len)?;
                        }
                        Ok(())
                    }
                    // Nested arrays do not occur in real models.
                    None => Err(GgufError::Damaged(format!("array of value type {item}"))),
                }
            }
            other => match scalar_size(other) {
                Some(size) => self.skip(size),
                None => Err(GgufError::Damaged(format!("unknown value type {other}"))),
            },
        }
    }
}

fn scalar_size(kind: u32) -> Option<u64> {
    Some(match kind {
        UINT8 | INT8 | BOOL => 1,
        UINT16 | INT16 => 2,
        UINT32 | INT32 | FLOAT32 => 4,
        UINT64 | INT64 | FLOAT64 => 8,
        _ => return None,
    })
}

/// Bytes taken by `elements` values of ggml type `kind`: (bytes per block, values per block) from
/// ggml's type table. `None` for types this table does not know; their size is then not checked.
fn tensor_bytes(kind: u32, elements: u64) -> Option<u64> {
    let (block_bytes, block_values) = match kind {
        0 => (4, 1),           // F32
        1 | 30 => (2, 1),      // F16, BF16
        2 => (18, 32),         // Q4_0
        3 => (20, 32),         // Q4_1
        6 => (22, 32),         // Q5_0
        7 => (24, 32),         // Q5_1
        8 => (34, 32),         // Q8_0
        9 => (36, 32),         // Q8_1
        10 => (84, 256),       // Q2_K
        11 | 21 => (110, 256), // Q3_K, IQ3_S
        12 => (144, 256),      // Q4_K
        13 => (176, 256),      // Q5_K
        14 => (210, 256),      // Q6_K
        15 => (292, 256),      // Q8_K
        16 => (66, 256),       // IQ2_XXS
        17 => (74, 256),       // IQ2_XS
        18 => (98, 256),       // IQ3_XXS
        19 => (50, 256),       // IQ1_S
        20 => (18, 32),        // IQ4_NL
        22 => (82, 256),       // IQ2_S
        23 => (136, 256),      // IQ4_XS
        24 => (1, 1),          // I8
        25 => (2, 1),          // I16
        26 => (4, 1),          // I32
        27 | 28 => (8, 1),     // I64, F64
        29 => (56, 256),       // IQ1_M
        _ => return None,
    };
    Some(elements.div_ceil(block_values).saturating_mul(block_bytes))
}

/// llama.cpp's names for `general.file_type`.
fn file_type_name(file_type: u32) -> Option<&'static str> {
    Some(match file_type {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        _ => return None,
    })
}

/// ggml's names for tensor types, for files without `general.file_type`.
fn tensor_type_name(kind: u32) -> Option<&'static str> {
    Some(match kind {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        6 => "Q5_0",
        7 => "Q5_1",
        8 => "Q8_0",
        10 => "Q2_K",
        11 => "Q3_K",
        12 => "Q4_K",
        13 => "Q5_K",
        14 => "Q6_K",
        30 => "BF16",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A minimal valid GGUF file: one metadata string, one F32 tensor of 4 values.
    fn tiny_gguf(cut: usize) -> tempfile::NamedTempFile {
        let mut b = Vec::new();
        b.extend_from_slice(b"GGUF");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&1u64.to_le_bytes()); // tensors
        b.extend_from_slice(&2u64.to_le_bytes()); // metadata
        let string = |b: &mut Vec<u8>, s: &str| {
            b.extend_from_slice(&(s.len() as u64).to_le_bytes());
            b.extend_from_slice(s.as_bytes());
        };
        string(&mut b, "general.architecture");
        b.extend_from_slice(&STRING.to_le_bytes());
        string(&mut b, "llama");
        string(&mut b, "llama.context_length");
        b.extend_from_slice(&UINT32.to_le_bytes());
        b.extend_from_slice(&2048u32.to_le_bytes());
        string(&mut b, "w");
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&4u64.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes()); // F32
        b.extend_from_slice(&0u64.to_le_bytes());
        while b.len() % 32 != 0 {
            b.push(0);
        }
        b.extend_from_slice(&[0u8; 16]);
        b.truncate(b.len() - cut);
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&b).unwrap();
        file
    }

    #[test]
    fn a_valid_header_is_read() {
        let file = tiny_gguf(0);
        let header = read_header(file.path()).unwrap();
        assert_eq!(header.architecture.as_deref(), Some("llama"));
        assert_eq!(header.context_length, Some(2048));
        assert_eq!(header.parameter_count, 4);
        assert_eq!(header.quantization().as_deref(), Some("F32"));
        assert!(!header.has_chat_template);
    }

    #[test]
    fn bytes_in_memory_read_as_the_file_does() {
        let file = tiny_gguf(0);
        let bytes = std::fs::read(file.path()).unwrap();
        let from_memory =
            read_header_from(std::io::Cursor::new(&bytes), bytes.len() as u64).unwrap();
        assert_eq!(from_memory, read_header(file.path()).unwrap());
        assert_eq!(from_memory.file_size, bytes.len() as u64);
    }

    #[test]
    fn missing_tensor_bytes_are_reported_as_truncation() {
        let file = tiny_gguf(1);
        let err = read_header(file.path()).unwrap_err();
        assert!(
            matches!(err, GgufError::Truncated { .. }),
            "a cut data section should be a truncation: {err}"
        );
    }

    /// A header of `count` one-value tensors, each of a different type number, and no data.
    fn many_typed_tensors(count: u64, claimed: u64) -> tempfile::NamedTempFile {
        let mut b = Vec::new();
        b.extend_from_slice(b"GGUF");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&claimed.to_le_bytes());
        b.extend_from_slice(&0u64.to_le_bytes());
        for i in 0..count {
            b.extend_from_slice(&1u64.to_le_bytes());
            b.push(b't');
            b.extend_from_slice(&1u32.to_le_bytes());
            b.extend_from_slice(&(1 + i % 3).to_le_bytes()); // elements
            b.extend_from_slice(&(1000 + i as u32).to_le_bytes()); // a type ggml does not know
            b.extend_from_slice(&0u64.to_le_bytes());
        }
        while b.len() % 32 != 0 {
            b.push(0);
        }
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&b).unwrap();
        file
    }

    #[test]
    fn a_file_of_many_tensor_types_is_read_and_the_biggest_type_wins() {
        // Two hundred thousand distinct types: a list searched per tensor would take minutes.
        let file = many_typed_tensors(200_000, 200_000);
        let header = read_header(file.path()).unwrap();
        assert_eq!(
            header.parameter_count,
            (0..200_000u64).map(|i| 1 + i % 3).sum::<u64>()
        );
        // Types 1002, 1005, … each hold 3 values; the lowest of them wins the tie.
        assert_eq!(header.dominant_tensor_type, Some(1002));
    }

    #[test]
    fn counts_the_file_cannot_hold_are_refused_before_reading() {
        let file = many_typed_tensors(10, 1_000_000);
        let err = read_header(file.path()).unwrap_err();
        assert!(
            err.to_string().contains("more than its"),
            "a count beyond the file's size should be refused: {err}"
        );
    }

    #[test]
    fn a_cut_header_and_a_foreign_file_are_refused() {
        let file = tiny_gguf(60);
        assert!(matches!(
            read_header(file.path()).unwrap_err(),
            GgufError::Damaged(_)
        ));
        let mut other = tempfile::NamedTempFile::new().unwrap();
        other.write_all(b"<html>not a model</html>").unwrap();
        assert!(matches!(
            read_header(other.path()).unwrap_err(),
            GgufError::NotGguf
        ));
    }
}
