//! Finding a quote in a document's text the way a reader would: runs of whitespace (line breaks,
//! indentation, the double spaces of reStructuredText) count as one space.

/// Byte range `[start, end)` of `quote` in `text`, whitespace-insensitively, and how many times it
/// occurs; the range is that of the first occurrence.
pub fn find_quote(text: &str, quote: &str) -> (Option<(usize, usize)>, usize) {
    let (folded, offsets) = fold_whitespace(text);
    let (needle, _) = fold_whitespace(quote);
    if needle.is_empty() {
        return (None, 0);
    }
    let mut found = folded.match_indices(needle.as_str());
    let Some((first, _)) = found.next() else {
        return (None, 0);
    };
    let count = 1 + found.count();
    let last = first + needle.len() - 1;
    (Some((offsets[first], offsets[last] + 1)), count)
}

/// `text` with each whitespace run turned into one space and the ends trimmed, and for each byte
/// of the result the offset of the byte in `text` it came from.
fn fold_whitespace(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    let mut pending_space: Option<usize> = None;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            pending_space.get_or_insert(at);
            continue;
        }
        if let Some(space_at) = pending_space.take()
            && !folded.is_empty()
        {
            folded.push(' ');
            offsets.push(space_at);
        }
        folded.push(c);
        offsets.extend((0..c.len_utf8()).map(|i| at + i));
    }
    (folded, offsets)
}

#[cfg(test)]
mod tests {
    use super::find_quote;

    #[test]
    fn a_quote_is_found_across_line_breaks_and_double_spaces() {
        let text = "Intro.\n\nThe  quick brown\n   fox jumps.  The quick end.";
        let (span, count) = find_quote(text, "quick brown fox jumps.");
        let (start, end) = span.expect("the quote should be found");
        assert_eq!(count, 1);
        assert_eq!(&text[start..end], "quick brown\n   fox jumps.");
    }

    #[test]
    fn repeated_and_missing_quotes_are_counted() {
        assert_eq!(find_quote("a b a b", "a b").1, 2);
        assert_eq!(find_quote("a b", "c").1, 0);
        assert_eq!(find_quote("héllo wörld", "wörld").0, Some((7, 13)));
    }
}
