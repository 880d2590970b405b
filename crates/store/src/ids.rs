//! Generation of object ids.

use rand::distr::{Alphanumeric, SampleString};

/// Random characters after the prefix: 24 base62 characters carry ~143 bits, so collisions never
/// happen in practice and ids need no coordination.
const RANDOM_LEN: usize = 24;

/// A new id: `prefix` (such as `asst_` or `file-`) followed by 24 random base62 characters.
pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + RANDOM_LEN);
    id.push_str(prefix);
    Alphanumeric.append_string(&mut rand::rng(), &mut id, RANDOM_LEN);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_wire::IdPrefix;

    #[test]
    fn ids_carry_their_prefix_and_24_base62_characters() {
        for prefix in IdPrefix::ALL {
            let id = new_id(prefix.as_str());
            assert_eq!(
                IdPrefix::of(&id),
                Some(prefix),
                "{id} should keep its prefix"
            );
            let tail = &id[prefix.as_str().len()..];
            assert_eq!(tail.len(), 24, "{id} should have 24 random characters");
            assert!(
                tail.chars().all(|c| c.is_ascii_alphanumeric()),
                "{id} should be base62 after the prefix"
            );
        }
    }

    #[test]
    fn ids_do_not_repeat() {
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| new_id("msg_")).collect();
        assert_eq!(ids.len(), 1000, "1000 fresh ids should all differ");
    }
}
