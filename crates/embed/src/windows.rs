//! Splitting a text's word pieces into windows the model can read, and grouping windows into batches.

use std::ops::Range;

/// The model's window in word pieces, [CLS] and [SEP] included (sentence-transformers' max_seq_length).
pub(crate) const WINDOW_TOKENS: usize = 256;
/// Word pieces of text per window, leaving room for [CLS] and [SEP].
pub(crate) const WINDOW_TEXT_TOKENS: usize = WINDOW_TOKENS - 2;
/// Word pieces two neighbouring windows share, so a sentence cut by a window edge is read whole once.
pub(crate) const WINDOW_OVERLAP: usize = 32;
/// Tokens in one batch at most: large enough for efficient matrix products, small enough that a
/// batch's activations (1536 floats per token in the feed-forward layer) stay within a few MB.
const MAX_BATCH_TOKENS: usize = 2048;

/// The ranges of a text's word pieces that become windows: one for a short text (also for an empty
/// one), else windows of [`WINDOW_TEXT_TOKENS`] overlapping by [`WINDOW_OVERLAP`], the last ending at
/// the text's end.
pub(crate) fn window_ranges(len: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    loop {
        let end = (start + WINDOW_TEXT_TOKENS).min(len);
        ranges.push(start..end);
        if end == len {
            return ranges;
        }
        start = end - WINDOW_OVERLAP;
    }
}

/// Groups window indices into batches of about equal tokens, each within [`MAX_BATCH_TOKENS`] (a
/// single longer window is a batch of its own), as many as a multiple of `threads`: batches run one
/// per thread at a time, and with a batch count that does not divide among the threads, or
/// batches of unequal size, the last one runs alone while the other threads wait (a few percent
/// of each call, for a book embedded 64 chunks at a time).
pub(crate) fn batches(lengths: &[usize], threads: usize) -> Vec<Vec<usize>> {
    let threads = threads.max(1);
    let total: usize = lengths.iter().sum();
    let count = total
        .div_ceil(MAX_BATCH_TOKENS)
        .div_ceil(threads)
        .saturating_mul(threads)
        .min(lengths.len());
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    // Longest first, each to the batch with the fewest tokens so far: the batches even out.
    order.sort_by_key(|&i| std::cmp::Reverse(lengths[i]));
    let mut batches: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); count];
    for i in order {
        let lightest = batches
            .iter_mut()
            .min_by_key(|(tokens, _)| *tokens)
            .filter(|(tokens, batch)| batch.is_empty() || tokens + lengths[i] <= MAX_BATCH_TOKENS);
        match lightest {
            Some((tokens, batch)) => {
                *tokens += lengths[i];
                batch.push(i);
            }
            None => batches.push((lengths[i], vec![i])),
        }
    }
    batches
        .into_iter()
        .map(|(_, batch)| batch)
        .filter(|batch| !batch.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_empty_texts_are_one_window() {
        assert_eq!(window_ranges(0), vec![0..0]);
        assert_eq!(
            window_ranges(WINDOW_TEXT_TOKENS),
            vec![0..WINDOW_TEXT_TOKENS]
        );
    }

    #[test]
    fn long_texts_are_covered_by_overlapping_windows() {
        let len = 1000;
        let ranges = window_ranges(len);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, len);
        for pair in ranges.windows(2) {
            assert_eq!(
                pair[0].end - pair[1].start,
                WINDOW_OVERLAP,
                "neighbours share the overlap"
            );
        }
        assert!(ranges.iter().all(|r| r.len() <= WINDOW_TEXT_TOKENS));
    }

    #[test]
    fn batches_hold_every_window_once_within_the_limit() {
        let lengths = vec![256, 12, 256, 40, 256, 256, 256, 256, 256, 256, 256, 100];
        let batches = batches(&lengths, 2);
        let mut seen: Vec<usize> = batches.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        for batch in &batches {
            assert!(
                batch.len() == 1
                    || batch.iter().map(|&i| lengths[i]).sum::<usize>() <= MAX_BATCH_TOKENS
            );
        }
        assert!(batches.len() >= 2, "two threads should both get a batch");
    }

    #[test]
    fn a_books_windows_make_batches_of_equal_size_that_divide_among_the_threads() {
        // 64 chunks of a book: 115 full windows and a short last one.
        let mut lengths = vec![256; 115];
        lengths.push(40);
        let batches = batches(&lengths, 2);
        assert_eq!(batches.len() % 2, 0, "{} batches", batches.len());
        let sizes: Vec<usize> = batches
            .iter()
            .map(|batch| batch.iter().map(|&i| lengths[i]).sum())
            .collect();
        let (smallest, largest) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(largest <= &MAX_BATCH_TOKENS);
        assert!(
            largest - smallest <= 256,
            "batches differ by at most one window: {sizes:?}"
        );
    }
}
