//! Checks shared by the cursor lists.

use hearth_wire::ListQuery;

use crate::error::{EngineError, EngineResult};

/// `limit` must lie in 1–100, as the hosted API enforced.
pub(crate) fn check_query(query: &ListQuery) -> EngineResult<()> {
    match query.limit {
        Some(limit) if !(1..=ListQuery::MAX_LIMIT).contains(&limit) => Err(EngineError::invalid(
            format!(
                "Invalid 'limit': integer out of range. Expected a value between 1 and {}, but got {limit} instead.",
                ListQuery::MAX_LIMIT
            ),
            Some("limit"),
        )),
        _ => Ok(()),
    }
}
