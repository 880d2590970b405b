//! Turning a question into a full-text query over chunks.

use rusqlite::{Connection, params};

use crate::error::Result;

/// English words that appear in nearly every chunk. BM25 gives them almost no weight, yet a
/// query with them must rank every chunk that has them, nearly the whole store, which at 100 000
/// chunks takes longer than the rest of the search together. They are left out of the query
/// unless nothing else is left.
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "being",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
    "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of",
    "on", "or", "our", "she", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "us", "was", "we", "were", "what", "when", "where",
    "which", "who", "whom", "why", "will", "with", "would", "you", "your",
];

/// Most words one query keeps; a pasted page becomes a query of its first words.
const MAX_WORDS: usize = 64;

/// How many chunks the rarer words of a question may match before its common words stop choosing
/// which chunks are ranked. Ranking costs FTS5 microseconds per matching chunk (each hit's length and
/// every query word's occurrences are read), where only counting the matches costs a fraction of
/// one; ranking every chunk with any of a question's words took 80 ms at 100 000 chunks, most of
/// them matched only by common words that BM25 weighs little. Below this, a store is searched as
/// it always was.
pub(crate) const RANKED_MATCHES: i64 = 10_000;

/// A full-text query and how its matches are scored: the `hearth_bm25` weights of its phrases.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScoredQuery {
    /// The FTS5 query.
    pub query: String,
    /// Its phrases' weights for [`crate::bm25`], in the order the phrases appear.
    pub weights: String,
}

/// The full-text query of a keyword search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeywordQuery {
    /// Any of the question's words, each scored: what is ranked when nothing narrows it.
    pub any: ScoredQuery,
    /// When the question has common words: the chunks to rank narrowed to those with one of its
    /// rarer words, as `(rarer) AND (any)`, where only the words of `any` are scored, so each chunk
    /// scores as it would by `any`.
    pub narrowed: Option<ScoredQuery>,
}

/// The words of `question` a keyword search looks for, lowercased, each once, in order: all but the
/// stop words, or all of them when nothing else is left; at most [`MAX_WORDS`]. Words are split
/// where the index's tokenizer splits them, at anything that is not a letter or digit.
pub(crate) fn query_words(question: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        let word = word.to_lowercase();
        if !words.contains(&word) {
            words.push(word);
        }
    }
    let content: Vec<String> = words
        .iter()
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .cloned()
        .collect();
    let mut chosen = if content.is_empty() { words } else { content };
    chosen.truncate(MAX_WORDS);
    chosen
}

/// An FTS5 query matching chunks with any of `words`. Each word is quoted, so nothing a person types
/// (`"`, `*`, `NEAR`, `-`, `:`, `OR`) is read as query syntax.
pub(crate) fn any_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("\"{word}\"")).collect();
    quoted.join(" OR ")
}

/// How many chunks hold a word.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Holding {
    /// Counted, up to the cap.
    counted: i64,
    /// The number itself: the count, or past the cap an estimate.
    chunks: f64,
}

/// The full-text query of a keyword search for `question`, or `None` when it has no words.
///
/// Each word is scored by BM25 with the number of chunks that hold it, counted up to
/// [`RANKED_MATCHES`] and estimated past that (see [`chunks_holding`]).
///
/// The chunks ranked are narrowed when the index holds more than [`RANKED_MATCHES`] chunks and the
/// question has words each matching few chunks (together at most [`RANKED_MATCHES`]) and others
/// matching many: then only chunks with one of the rarer words are ranked, still scored by all the
/// words. A chunk with only common words then goes unranked; BM25 gives a common word little weight
/// next to a rarer one, so such chunks rank low anyway. Questions of only rare or only common words
/// rank every match.
pub(crate) fn fts_query(conn: &Connection, question: &str) -> Result<Option<KeywordQuery>> {
    let words = query_words(question);
    if words.is_empty() {
        return Ok(None);
    }
    let largest_id = largest_chunk_id(conn)?;
    let mut counted: Vec<(&str, Holding)> = Vec::with_capacity(words.len());
    for word in &words {
        counted.push((word, chunks_holding(conn, word, largest_id)?));
    }
    let all: Vec<&str> = words.iter().map(String::as_str).collect();
    let scored: Vec<Option<f64>> = counted
        .iter()
        .map(|(_, holding)| Some(holding.chunks))
        .collect();
    let any = ScoredQuery {
        query: any_of(&all),
        weights: crate::bm25::weights(&scored),
    };
    if largest_id <= RANKED_MATCHES {
        // Every match is ranked anyway.
        return Ok(Some(KeywordQuery {
            any,
            narrowed: None,
        }));
    }
    // Rarest first; the question's order among equals.
    let mut by_rarity = counted.clone();
    by_rarity.sort_by_key(|&(_, holding)| holding.counted);
    let mut rarer: Vec<&str> = Vec::new();
    let mut total = 0;
    for &(word, holding) in &by_rarity {
        if total + holding.counted > RANKED_MATCHES {
            break;
        }
        rarer.push(word);
        total += holding.counted;
    }
    if rarer.is_empty() || rarer.len() == all.len() {
        return Ok(Some(KeywordQuery {
            any,
            narrowed: None,
        }));
    }
    // In the question's order, so the query reads as the question did.
    rarer.sort_by_key(|rare| all.iter().position(|word| word == rare));
    let mut weights = vec![None; rarer.len()];
    weights.extend(&scored);
    let narrowed = ScoredQuery {
        query: format!("({}) AND ({})", any_of(&rarer), any.query),
        weights: crate::bm25::weights(&weights),
    };
    Ok(Some(KeywordQuery {
        any,
        narrowed: Some(narrowed),
    }))
}

/// The largest chunk id. Chunk ids are distinct and positive, so there are no more chunks than
/// this; reading it costs one step down the table's b-tree, where counting the chunks would read
/// them all.
fn largest_chunk_id(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM chunks")?
        .query_row([], |row| row.get(0))?)
}

/// How many chunks hold `word`: counted up to [`RANKED_MATCHES`] + 1, past which reading the
/// rest of a common word's list would cost more than the whole search. Then the number is
/// estimated from how far through the chunk ids the count had gone (the index lists a word's
/// chunks in id order), assuming the rest hold it as often; BM25 weighs a word by the logarithm of
/// this number, so an estimate off by a fraction moves its weight little.
fn chunks_holding(conn: &Connection, word: &str, largest_id: i64) -> Result<Holding> {
    let cap = RANKED_MATCHES + 1;
    let (counted, reached): (i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT count(*), max(rowid)
             FROM (SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?1 LIMIT ?2)",
        )?
        .query_row(params![any_of(&[word]), cap], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
    Ok(Holding {
        counted,
        chunks: estimated_chunks(counted, cap, reached, largest_id),
    })
}

/// The number of chunks holding a word of which `counted` were counted, the count stopping at
/// `cap` on the chunk id `reached`, in an index whose largest chunk id is `largest_id`.
fn estimated_chunks(counted: i64, cap: i64, reached: Option<i64>, largest_id: i64) -> f64 {
    match reached {
        Some(reached) if counted >= cap && reached > 0 => {
            (counted as f64 * largest_id as f64 / reached as f64).max(counted as f64)
        }
        _ => counted as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any_word(question: &str) -> Option<String> {
        let words = query_words(question);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        (!words.is_empty()).then(|| any_of(&words))
    }

    #[test]
    fn a_count_that_stopped_early_is_carried_over_the_rest_of_the_ids() {
        // Under the cap the count is exact.
        assert_eq!(estimated_chunks(420, 10_001, Some(9_000), 100_000), 420.0);
        // 10,001 matches among the first quarter of the ids: about four times as many in all.
        assert_eq!(
            estimated_chunks(10_001, 10_001, Some(25_000), 100_000),
            40_004.0
        );
        // Never fewer than were counted.
        assert_eq!(
            estimated_chunks(10_001, 10_001, Some(100_000), 90_000),
            10_001.0
        );
    }

    #[test]
    fn words_are_quoted_and_joined_with_or() {
        assert_eq!(
            any_word("Where is the Eiffel tower?").as_deref(),
            Some("\"eiffel\" OR \"tower\"")
        );
    }

    #[test]
    fn syntax_characters_are_separators() {
        assert_eq!(
            any_word("\"quoted\" NEAR(a*, -b) col:x").as_deref(),
            Some("\"quoted\" OR \"near\" OR \"b\" OR \"col\" OR \"x\"")
        );
    }

    #[test]
    fn a_question_of_stop_words_keeps_them() {
        assert_eq!(
            any_word("to be or not to be").as_deref(),
            Some("\"to\" OR \"be\" OR \"or\" OR \"not\"")
        );
        assert_eq!(any_word(" -- ** "), None);
    }
}
