//! A window of a thread's messages, for a view that shows part of a long thread: its end, the
//! messages around one found by search, and pages further back or forward from there.
//!
//! Messages are in thread order (`created_at`, then insertion order, as every list pages them).
//! Each window is read through the `messages_by_thread` index with `LIMIT`, so opening the end of
//! a 10,000-message thread reads as few rows as opening a short one.

use hearth_wire::Message;
use rusqlite::{OptionalExtension, params};

use crate::error::{Result, StoreError};
use crate::rows;
use crate::store::{Tx, delegate};

/// Where a window of messages sits in its thread.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "messageId")]
pub enum MessageAnchor {
    /// The thread's last messages.
    Latest,
    /// The messages just before this one.
    Before(String),
    /// The messages just after this one.
    After(String),
    /// This message, with about as many before it as after it.
    Around(String),
}

/// Consecutive messages of a thread, oldest first.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageWindow {
    /// The messages.
    pub messages: Vec<Message>,
    /// Whether the thread has messages before the first of these.
    pub has_earlier: bool,
    /// Whether the thread has messages after the last of these.
    pub has_later: bool,
}

/// Which way a read goes from its starting point.
#[derive(Clone, Copy)]
enum Direction {
    Back,
    Forward,
}

impl Tx<'_> {
    /// At most `limit` (at least 1) consecutive messages of `thread_id` placed by `anchor`.
    /// An anchor message that is not in the thread is an error, like an unknown list cursor.
    pub fn message_window(
        &self,
        thread_id: &str,
        anchor: &MessageAnchor,
        limit: u32,
    ) -> Result<MessageWindow> {
        let limit = limit.max(1);
        match anchor {
            MessageAnchor::Latest => {
                let (messages, has_earlier) =
                    self.read_from(thread_id, None, Direction::Back, limit)?;
                Ok(MessageWindow {
                    messages,
                    has_earlier,
                    has_later: false,
                })
            }
            MessageAnchor::Before(id) => {
                let at = self.position(thread_id, id, "before")?;
                let (messages, has_earlier) =
                    self.read_from(thread_id, Some(at), Direction::Back, limit)?;
                Ok(MessageWindow {
                    messages,
                    has_earlier,
                    has_later: true,
                })
            }
            MessageAnchor::After(id) => {
                let at = self.position(thread_id, id, "after")?;
                let (messages, has_later) =
                    self.read_from(thread_id, Some(at), Direction::Forward, limit)?;
                Ok(MessageWindow {
                    messages,
                    has_earlier: true,
                    has_later,
                })
            }
            MessageAnchor::Around(id) => {
                let at = self.position(thread_id, id, "around")?;
                let (mut messages, has_earlier) =
                    self.read_from(thread_id, Some(at), Direction::Back, limit / 2)?;
                // The anchor itself opens the forward half: read from just before it.
                let (later, has_later) = self.read_from(
                    thread_id,
                    Some((at.0, at.1 - 1)),
                    Direction::Forward,
                    limit - limit / 2,
                )?;
                messages.extend(later);
                Ok(MessageWindow {
                    messages,
                    has_earlier,
                    has_later,
                })
            }
        }
    }

    /// The `(created_at, seq)` sort key of message `id` in `thread_id`.
    fn position(&self, thread_id: &str, id: &str, param: &'static str) -> Result<(i64, i64)> {
        self.conn
            .prepare_cached(
                "SELECT created_at, seq FROM messages WHERE thread_id = ?1 AND id = ?2",
            )?
            .query_row([thread_id, id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .ok_or_else(|| StoreError::UnknownCursor {
                param,
                id: id.to_owned(),
            })
    }

    /// Up to `limit` messages strictly beyond `from` (or from the end when `None`, going back),
    /// oldest first, and whether more lie beyond them.
    fn read_from(
        &self,
        thread_id: &str,
        from: Option<(i64, i64)>,
        direction: Direction,
        limit: u32,
    ) -> Result<(Vec<Message>, bool)> {
        let sql = match direction {
            Direction::Back => {
                "SELECT body FROM messages WHERE thread_id = ?1
                     AND (?2 IS NULL OR (created_at, seq) < (?2, ?3))
                 ORDER BY created_at DESC, seq DESC LIMIT ?4"
            }
            Direction::Forward => {
                "SELECT body FROM messages WHERE thread_id = ?1
                     AND (?2 IS NULL OR (created_at, seq) > (?2, ?3))
                 ORDER BY created_at, seq LIMIT ?4"
            }
        };
        // One row more than asked says whether there are more.
        let mut bodies = self
            .conn
            .prepare_cached(sql)?
            .query_map(
                params![
                    thread_id,
                    from.map(|f| f.0),
                    from.map(|f| f.1),
                    i64::from(limit) + 1
                ],
                |row| row.get::<_, String>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let more = bodies.len() > limit as usize;
        bodies.truncate(limit as usize);
        if let Direction::Back = direction {
            bodies.reverse();
        }
        Ok((rows::decode_all(bodies)?, more))
    }
}

delegate! {
    /// At most `limit` consecutive messages of a thread, placed by `anchor`, oldest first.
    read fn message_window(&self, thread_id: &str, anchor: &MessageAnchor, limit: u32) -> MessageWindow;
}
