//! Keeping the mirror in step with the server around each call: the thread or run a result needs
//! stored first, and what a 404 says is gone.

use std::future::Future;

use super::RemoteBackend;
use crate::error::BackendError;

impl RemoteBackend {
    /// Runs one call against the server; `what` names it in error messages.
    pub(super) async fn call<T>(
        &self,
        what: &str,
        call: impl Future<Output = Result<T, hearth_client::Error>>,
    ) -> Result<T, BackendError> {
        match call.await {
            Ok(value) => {
                self.link.reached();
                Ok(value)
            }
            Err(error) => Err(self.link.fail(what, error)),
        }
    }

    /// Makes sure the mirror has the thread, so its messages and runs can be stored.
    pub(super) async fn ensure_thread(&self, thread_id: &str) -> Result<(), BackendError> {
        if self.mirror.get_thread(thread_id)?.is_some() {
            return Ok(());
        }
        let thread = self
            .call("reading the thread", self.client.retrieve_thread(thread_id))
            .await?;
        remember("a thread", self.mirror.put_thread(&thread));
        Ok(())
    }

    /// Makes sure the mirror has the run (and its thread), so its steps can be stored.
    pub(super) async fn ensure_run(
        &self,
        thread_id: &str,
        run_id: &str,
    ) -> Result<(), BackendError> {
        self.ensure_thread(thread_id).await?;
        if self.mirror.get_run(thread_id, run_id)?.is_some() {
            return Ok(());
        }
        let run = self
            .call(
                "reading the run",
                self.client.retrieve_run(thread_id, run_id),
            )
            .await?;
        remember("a run", self.mirror.put_run(&run));
        Ok(())
    }

    /// Drops a thread the server says does not exist from the mirror, and passes the error on.
    pub(super) fn forget_thread_if_gone(
        &self,
        thread_id: &str,
        error: BackendError,
    ) -> BackendError {
        if matches!(error, BackendError::NotFound(_)) {
            remember(
                "a deleted thread",
                self.mirror.delete_thread(thread_id).map(drop),
            );
        }
        error
    }

    /// Drops a run the server says does not exist from the mirror, and passes the error on.
    pub(super) fn forget_run_if_gone(
        &self,
        thread_id: &str,
        run_id: &str,
        error: BackendError,
    ) -> BackendError {
        if matches!(error, BackendError::NotFound(_)) {
            remember(
                "a deleted run",
                self.mirror.delete_run(thread_id, run_id).map(drop),
            );
        }
        error
    }
}

/// Logs a mirror write that failed. It never fails the call: the server has what the call did,
/// and the next read mirrors it again.
pub(super) fn remember(what: &str, result: hearth_store::Result<()>) {
    if let Err(error) = result {
        log::warn!("the offline mirror could not store {what}: {error}");
    }
}
