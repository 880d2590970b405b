//! `hearth-server`: serves the local engine over HTTP and server-sent events, byte-compatible with what the
//! official Assistants v2 SDKs expect, so code written for the hosted API keeps working by changing its
//! base URL.
