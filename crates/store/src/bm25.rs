//! `hearth_bm25`, the BM25 of a chunk against some of a full-text query's words, as an FTS5
//! auxiliary function.
//!
//! FTS5's own `bm25()` scores every phrase of the query and first reads the whole list of chunks
//! holding each phrase, to count them. At 100 000 chunks that reading costs milliseconds per common
//! word, paid again by every query, and a query that selects chunks with some words but is scored
//! by others has to name those words twice and be run twice. This function takes the number of
//! chunks holding each phrase from the caller, who has counted them already (exactly, or estimated
//! past a cap), and scores only the phrases given a count: `(rare) AND (rare OR common)` then
//! selects by the rare words and scores by all of them, once each.
//!
//!     hearth_bm25(chunks_fts, '-1 4432 24653')
//!
//! The second argument holds one number per phrase of the query, in the order they appear: the
//! number of chunks holding it, or a negative number for a phrase that only selects. The formula is
//! FTS5's (k1 = 1.2, b = 0.75, the same floor on idf), so with exact counts the scores equal
//! `-bm25()`'s; higher is better.
//!
//! SQLite's FTS5 extension interface has no safe binding, hence the `unsafe` here: every pointer
//! used is one SQLite hands to the function for the length of the call.

#![allow(unsafe_code)]

use std::ffi::{CStr, c_int, c_void};
use std::ptr;

use rusqlite::Connection;
use rusqlite::ffi;

use crate::error::{Result, StoreError};

/// The function's name in SQL.
pub(crate) const NAME: &str = "hearth_bm25";

/// BM25's term-frequency saturation and length normalization, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The per-query state: each phrase's idf (`None` when it only selects) and the average chunk
/// length in tokens.
struct Query {
    idf: Vec<Option<f64>>,
    average_length: f64,
}

/// Makes `hearth_bm25` available on `conn`.
pub(crate) fn register(conn: &Connection) -> Result<()> {
    // SAFETY: the handle is `conn`'s own and stays open for the whole block; the statement is
    // finalized before the block ends; the API pointer SQLite writes is valid while the
    // connection is open, and the function registered holds no data of ours.
    unsafe {
        let db = conn.handle();
        let mut statement: *mut ffi::sqlite3_stmt = ptr::null_mut();
        let code = ffi::sqlite3_prepare_v2(
            db,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut statement,
            ptr::null_mut(),
        );
        if code != ffi::SQLITE_OK {
            return Err(failed("FTS5 is not compiled in"));
        }
        let mut api: *mut ffi::fts5_api = ptr::null_mut();
        ffi::sqlite3_bind_pointer(
            statement,
            1,
            (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
            c"fts5_api_ptr".as_ptr(),
            None,
        );
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
        if api.is_null() || (*api).iVersion < 2 {
            return Err(failed("FTS5's extension interface is missing or too old"));
        }
        let Some(create_function) = (*api).xCreateFunction else {
            return Err(failed("FTS5 cannot register functions"));
        };
        let name = std::ffi::CString::new(NAME).expect("the name has no NUL");
        let code = create_function(api, name.as_ptr(), ptr::null_mut(), Some(hearth_bm25), None);
        if code != ffi::SQLITE_OK {
            return Err(failed("registering it failed"));
        }
    }
    Ok(())
}

fn failed(why: &str) -> StoreError {
    StoreError::InvalidInput(format!("the {NAME} ranking function: {why}"))
}

/// The weights argument of `hearth_bm25` for phrases with these chunk counts (`None`: only selects).
pub(crate) fn weights(counts: &[Option<f64>]) -> String {
    let numbers: Vec<String> = counts
        .iter()
        .map(|count| match count {
            Some(count) => format!("{}", count.max(0.0)),
            None => "-1".to_owned(),
        })
        .collect();
    numbers.join(" ")
}

/// FTS5's idf: rarer phrases weigh more; a phrase in half of the chunks or more would weigh
/// nothing or less, so it weighs a token amount instead.
fn idf(chunks: f64, holding: f64) -> f64 {
    let idf = ((chunks - holding + 0.5) / (holding + 0.5)).ln();
    if idf > 0.0 { idf } else { 1e-6 }
}

/// The SQL function. Errors are reported to SQLite, which ends the statement with them.
unsafe extern "C" fn hearth_bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    argument_count: c_int,
    arguments: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite passes a valid API, context and `argument_count` arguments for this call.
    unsafe {
        match score(&*api, fts, argument_count, arguments) {
            Ok(score) => ffi::sqlite3_result_double(context, score),
            Err(message) => {
                ffi::sqlite3_result_error(context, message.as_ptr(), -1);
            }
        }
    }
}

/// This row's score, or what was wrong.
///
/// # Safety
/// The pointers must be the ones SQLite passed to [`hearth_bm25`] for this call.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    argument_count: c_int,
    arguments: *mut *mut ffi::sqlite3_value,
) -> std::result::Result<f64, &'static CStr> {
    let (Some(get_aux), Some(set_aux), Some(column_size), Some(first), Some(next)) = (
        api.xGetAuxdata,
        api.xSetAuxdata,
        api.xColumnSize,
        api.xPhraseFirst,
        api.xPhraseNext,
    ) else {
        return Err(c"hearth_bm25: FTS5's extension interface is incomplete");
    };
    // SAFETY: see the function's contract; the query state is ours, boxed and handed to SQLite,
    // which frees it with `drop_query` when the statement's cursor ends.
    unsafe {
        let mut query = get_aux(fts, 0).cast::<Query>();
        if query.is_null() {
            let made = Box::new(new_query(api, fts, argument_count, arguments)?);
            query = Box::into_raw(made);
            if set_aux(fts, query.cast::<c_void>(), Some(drop_query)) != ffi::SQLITE_OK {
                // SQLite has already freed it with `drop_query`.
                return Err(c"hearth_bm25: out of memory");
            }
        }
        let query = &*query;
        let mut length: c_int = 0;
        if column_size(fts, -1, &mut length) != ffi::SQLITE_OK {
            return Err(c"hearth_bm25: the chunk's length could not be read");
        }
        let normalization = K1 * (1.0 - B + B * f64::from(length) / query.average_length);
        let mut total = 0.0;
        for (phrase, idf) in query.idf.iter().enumerate() {
            let Some(idf) = idf else { continue };
            let mut iterator = ffi::Fts5PhraseIter {
                a: ptr::null(),
                b: ptr::null(),
            };
            let (mut column, mut offset) = (0, 0);
            if first(
                fts,
                phrase as c_int,
                &mut iterator,
                &mut column,
                &mut offset,
            ) != ffi::SQLITE_OK
            {
                return Err(c"hearth_bm25: a phrase's places could not be read");
            }
            let mut frequency = 0.0;
            while column >= 0 {
                frequency += 1.0;
                next(fts, &mut iterator, &mut column, &mut offset);
            }
            total += idf * frequency * (K1 + 1.0) / (frequency + normalization);
        }
        Ok(total)
    }
}

/// Reads the weights argument and the index's statistics, once per query.
///
/// # Safety
/// As [`score`].
unsafe fn new_query(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    argument_count: c_int,
    arguments: *mut *mut ffi::sqlite3_value,
) -> std::result::Result<Query, &'static CStr> {
    let (Some(phrase_count), Some(row_count), Some(total_size)) =
        (api.xPhraseCount, api.xRowCount, api.xColumnTotalSize)
    else {
        return Err(c"hearth_bm25: FTS5's extension interface is incomplete");
    };
    if argument_count != 1 {
        return Err(c"hearth_bm25 takes the table and one text of weights");
    }
    // SAFETY: see the function's contract; the text SQLite returns lives until the next call on
    // the same value, and is copied out at once.
    unsafe {
        let text = ffi::sqlite3_value_text(*arguments);
        if text.is_null() {
            return Err(c"hearth_bm25: the weights are missing");
        }
        let text = CStr::from_ptr(text.cast()).to_string_lossy();
        let mut counts = Vec::new();
        for number in text.split_ascii_whitespace() {
            let Ok(count) = number.parse::<f64>() else {
                return Err(c"hearth_bm25: a weight is not a number");
            };
            counts.push((count >= 0.0).then_some(count));
        }
        if counts.len() != phrase_count(fts) as usize {
            return Err(c"hearth_bm25: there must be one weight per phrase of the query");
        }
        let (mut chunks, mut tokens) = (0i64, 0i64);
        if row_count(fts, &mut chunks) != ffi::SQLITE_OK
            || total_size(fts, -1, &mut tokens) != ffi::SQLITE_OK
        {
            return Err(c"hearth_bm25: the index's statistics could not be read");
        }
        let chunks = chunks.max(1) as f64;
        Ok(Query {
            idf: counts
                .into_iter()
                .map(|count| count.map(|holding| idf(chunks, holding)))
                .collect(),
            average_length: (tokens as f64 / chunks).max(1.0),
        })
    }
}

/// Frees a query state made by [`score`].
unsafe extern "C" fn drop_query(query: *mut c_void) {
    // SAFETY: SQLite calls this once, with the pointer `score` made by `Box::into_raw`.
    drop(unsafe { Box::from_raw(query.cast::<Query>()) });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A full-text table like the chunks' index, with the ranking function.
    fn index(texts: &[&str]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        register(&conn).unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2')",
        )
        .unwrap();
        for text in texts {
            conn.execute("INSERT INTO t(text) VALUES (?1)", [text])
                .unwrap();
        }
        conn
    }

    /// Each matching row's id and score, by `hearth_bm25` with `weights` and by FTS5's `-bm25()`
    /// of `reference`.
    fn scores(conn: &Connection, query: &str, weights: &str) -> Vec<(i64, f64)> {
        conn.prepare("SELECT rowid, hearth_bm25(t, ?2) FROM t WHERE t MATCH ?1 ORDER BY rowid")
            .unwrap()
            .query_map([query, weights], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn reference(conn: &Connection, query: &str) -> Vec<(i64, f64)> {
        conn.prepare("SELECT rowid, -bm25(t) FROM t WHERE t MATCH ?1 ORDER BY rowid")
            .unwrap()
            .query_map([query], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn assert_close(ours: &[(i64, f64)], theirs: &[(i64, f64)]) {
        assert_eq!(ours.len(), theirs.len(), "{ours:?} against {theirs:?}");
        for (a, b) in ours.iter().zip(theirs) {
            assert_eq!(a.0, b.0);
            assert!((a.1 - b.1).abs() < 1e-9, "{ours:?} against {theirs:?}");
        }
    }

    const TEXTS: &[&str] = &[
        "the cat sat on the mat",
        "a cat and another cat and a third cat chased the dogs",
        "dogs bark at night while the town sleeps under a long and quiet sky",
        "nothing here about animals at all",
        "the mat was red; the cat was grey",
    ];

    #[test]
    fn with_exact_counts_it_scores_as_fts5s_bm25() {
        let conn = index(TEXTS);
        // cat: rows 1, 2, 5; dog: 2, 3; mat: 1, 5.
        assert_close(
            &scores(&conn, "\"cat\" OR \"dogs\" OR \"mat\"", "3 2 2"),
            &reference(&conn, "\"cat\" OR \"dogs\" OR \"mat\""),
        );
        assert_close(
            &scores(&conn, "\"night\"", "1"),
            &reference(&conn, "\"night\""),
        );
    }

    #[test]
    fn phrases_that_only_select_do_not_count() {
        let conn = index(TEXTS);
        // Rows with "dogs", scored by "cat" and "dogs" as `cat OR dogs` scores them.
        let narrowed = scores(&conn, "(\"dogs\") AND (\"cat\" OR \"dogs\")", "-1 3 2");
        let every = reference(&conn, "\"cat\" OR \"dogs\"");
        let with_dogs: Vec<(i64, f64)> = every
            .into_iter()
            .filter(|(id, _)| [2, 3].contains(id))
            .collect();
        assert_close(&narrowed, &with_dogs);
    }

    #[test]
    fn a_rarer_word_weighs_more() {
        let conn = index(TEXTS);
        let as_rare = scores(&conn, "\"cat\"", "1");
        let as_common = scores(&conn, "\"cat\"", "4");
        assert!(as_rare.iter().zip(&as_common).all(|(r, c)| r.1 > c.1));
    }

    #[test]
    fn a_statement_run_again_reads_its_new_weights() {
        // Searches reuse one prepared statement; each run must score by its own weights.
        let conn = index(TEXTS);
        let mut statement = conn
            .prepare_cached("SELECT hearth_bm25(t, ?2) FROM t WHERE t MATCH ?1 ORDER BY rowid")
            .unwrap();
        let mut run = |query: &str, weights: &str| -> Vec<f64> {
            statement
                .query_map([query, weights], |row| row.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let rare = run("\"cat\"", "1");
        let common = run("\"cat\"", "4");
        let two_phrases = run("\"cat\" OR \"mat\"", "3 2");
        assert!(rare.iter().zip(&common).all(|(r, c)| r > c));
        assert_eq!(two_phrases.len(), 3, "rows 1, 2 and 5 have cat or mat");
    }

    #[test]
    fn weights_that_do_not_fit_the_query_are_an_error_naming_the_function() {
        let conn = index(TEXTS);
        for weights in ["1", "1 2 3", "1 lots"] {
            let error = conn
                .query_row(
                    "SELECT hearth_bm25(t, ?2) FROM t WHERE t MATCH ?1",
                    ["\"cat\" OR \"mat\"", weights],
                    |row| row.get::<_, f64>(0),
                )
                .unwrap_err();
            assert!(error.to_string().contains("hearth_bm25"), "{error}");
        }
    }
}
