//! The GGUF header reader over arbitrary bytes as a model file. It must return, quickly (the
//! script's `-timeout`), with an answer or an error, allocating no more than the file could hold
//! (the script's `-malloc_limit_mb`).

#![no_main]

use std::io::Cursor;

use hearth_local::gguf::read_header_from;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let size = data.len() as u64;
    if let Ok(header) = read_header_from(Cursor::new(data), size) {
        assert_eq!(header.file_size, size);
        assert!(
            (2..=3).contains(&header.version),
            "version {}",
            header.version
        );
        let _ = header.quantization();
    }
});
