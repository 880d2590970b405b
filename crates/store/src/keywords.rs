//! Turning a question into a full-text query over chunks.

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

/// An FTS5 query matching chunks with any of the words of `question`, or `None` when it has no
/// words. Each word is quoted, so nothing a person types (`"`, `*`, `NEAR`, `-`, `:`, `OR`) is
/// read as query syntax; words are split where the index's tokenizer splits them, at anything
/// that is not a letter or digit.
pub(crate) fn fts_any_word(question: &str) -> Option<String> {
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
    let content: Vec<&String> = words
        .iter()
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .collect();
    let chosen = if content.is_empty() {
        words.iter().collect()
    } else {
        content
    };
    if chosen.is_empty() {
        return None;
    }
    let quoted: Vec<String> = chosen
        .into_iter()
        .take(MAX_WORDS)
        .map(|word| format!("\"{word}\""))
        .collect();
    Some(quoted.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_joined_with_or() {
        assert_eq!(
            fts_any_word("Where is the Eiffel tower?").as_deref(),
            Some("\"eiffel\" OR \"tower\"")
        );
    }

    #[test]
    fn syntax_characters_are_separators() {
        assert_eq!(
            fts_any_word("\"quoted\" NEAR(a*, -b) col:x").as_deref(),
            Some("\"quoted\" OR \"near\" OR \"b\" OR \"col\" OR \"x\"")
        );
    }

    #[test]
    fn a_question_of_stop_words_keeps_them() {
        assert_eq!(
            fts_any_word("to be or not to be").as_deref(),
            Some("\"to\" OR \"be\" OR \"or\" OR \"not\"")
        );
        assert_eq!(fts_any_word(" -- ** "), None);
    }
}
