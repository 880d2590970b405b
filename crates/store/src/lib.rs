//! Persistence for Hearth in SQLite: the wire objects (assistants, threads, messages, runs, run steps,
//! files, vector stores), their migrations and the full-text index over message text. It is the local
//! engine's source of truth and, for a remote profile, the offline mirror of what the server returned.
