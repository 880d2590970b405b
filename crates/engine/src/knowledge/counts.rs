//! Keeping a vector store's and a batch's `file_counts`, `usage_bytes` and `status` true after each
//! change to their files, and a vector store's expiry.

use hearth_store::Tx;
use hearth_wire::{VectorStore, VectorStoreFileBatch, VectorStoreFileStatus, VectorStoreStatus};

use super::pipeline;
use crate::engine::now;
use crate::error::EngineResult;

const DAY: i64 = 24 * 60 * 60;

/// Recomputes vector store `id`'s counts, size and status and stores them; `None` if it is gone.
pub(crate) fn refresh_vector_store(tx: &Tx<'_>, id: &str) -> EngineResult<Option<VectorStore>> {
    let Some(mut store) = tx.get_vector_store(id)? else {
        return Ok(None);
    };
    store.file_counts = tx.vector_store_file_counts(id, None)?;
    store.usage_bytes = pipeline::stored_bytes(tx, id)?;
    if store.status != VectorStoreStatus::Expired {
        store.status = if store.file_counts.in_progress > 0 {
            VectorStoreStatus::InProgress
        } else {
            VectorStoreStatus::Completed
        };
    }
    tx.update_vector_store(&store)?;
    Ok(Some(store))
}

/// Recomputes a batch's counts and status: `in_progress` while any of its files is, then
/// `completed`; a cancelled batch stays cancelled.
pub(crate) fn refresh_batch(
    tx: &Tx<'_>,
    vector_store_id: &str,
    batch_id: &str,
) -> EngineResult<Option<VectorStoreFileBatch>> {
    let Some(mut batch) = tx.get_file_batch(vector_store_id, batch_id)? else {
        return Ok(None);
    };
    batch.file_counts = tx.vector_store_file_counts(vector_store_id, Some(batch_id))?;
    if batch.status != VectorStoreFileStatus::Cancelled {
        batch.status = if batch.file_counts.in_progress > 0 {
            VectorStoreFileStatus::InProgress
        } else {
            VectorStoreFileStatus::Completed
        };
    }
    tx.update_file_batch(&batch)?;
    Ok(Some(batch))
}

/// Refreshes the store and, when the file came in a batch, the batch.
pub(crate) fn refresh_after_file_change(
    tx: &Tx<'_>,
    vector_store_id: &str,
    batch_id: Option<&str>,
) -> EngineResult<()> {
    refresh_vector_store(tx, vector_store_id)?;
    if let Some(batch_id) = batch_id {
        refresh_batch(tx, vector_store_id, batch_id)?;
    }
    Ok(())
}

/// `expires_at` for a store last used at `last_active_at`.
pub(crate) fn expires_at(store: &VectorStore) -> Option<i64> {
    let days = store.expires_after?.days;
    Some(store.last_active_at.unwrap_or(store.created_at) + i64::from(days) * DAY)
}

/// Marks `store` expired (and stores that) once its `expires_at` has passed; whether it is expired.
pub(crate) fn expire_if_due(tx: &Tx<'_>, store: &mut VectorStore) -> EngineResult<bool> {
    if store.status == VectorStoreStatus::Expired {
        return Ok(true);
    }
    if store.expires_at.is_some_and(|at| at <= now()) {
        store.status = VectorStoreStatus::Expired;
        tx.update_vector_store(store)?;
        log::info!("vector store {} expired", store.id);
        return Ok(true);
    }
    Ok(false)
}
