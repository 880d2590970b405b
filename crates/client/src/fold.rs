//! Folding stream deltas into full message and run-step snapshots, as the official SDKs' stream
//! helpers do: strings concatenate, numbers add, objects merge, `index` and `type` are replaced, and
//! array elements are located by their `index` (a position; a new one is appended).

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::{Error, Message, Run, RunStep, StreamEvent};

/// Merges `delta` into `acc` with the SDKs' `accumulate_delta` rules.
pub fn accumulate(acc: &mut Map<String, Value>, delta: &Map<String, Value>) -> Result<(), Error> {
    for (key, delta_value) in delta {
        let Some(acc_value) = acc.get_mut(key).filter(|v| !v.is_null()) else {
            acc.insert(key.clone(), delta_value.clone());
            continue;
        };
        // `index` locates array entries and `type` discriminates unions: both are labels, not amounts.
        if key == "index" || key == "type" {
            *acc_value = delta_value.clone();
            continue;
        }
        match (acc_value, delta_value) {
            (Value::String(a), Value::String(d)) => a.push_str(d),
            (Value::Number(a), Value::Number(d)) => *a = add(a, d),
            (Value::Object(a), Value::Object(d)) => accumulate(a, d)?,
            (Value::Array(a), Value::Array(d)) => accumulate_array(a, d)?,
            // Like py, a value of another kind (typically an unset field sent as null) changes nothing.
            _ => {}
        }
    }
    Ok(())
}

fn add(a: &serde_json::Number, d: &serde_json::Number) -> serde_json::Number {
    match (a.as_i64(), d.as_i64()) {
        (Some(x), Some(y)) => x.saturating_add(y).into(),
        _ => serde_json::Number::from_f64(a.as_f64().unwrap_or(0.0) + d.as_f64().unwrap_or(0.0))
            .unwrap_or_else(|| a.clone()),
    }
}

fn accumulate_array(acc: &mut Vec<Value>, delta: &[Value]) -> Result<(), Error> {
    // Arrays of plain values only ever grow.
    if acc.iter().all(|v| !v.is_object()) && delta.iter().all(|v| !v.is_object()) {
        acc.extend(delta.iter().cloned());
        return Ok(());
    }
    for entry in delta {
        let Some(entry_map) = entry.as_object() else {
            return Err(Error::Stream(format!(
                "array delta entry is not an object: {entry}"
            )));
        };
        let Some(index) = entry_map.get("index").and_then(Value::as_u64) else {
            return Err(Error::Stream(format!(
                "array delta entry has no integer index: {entry}"
            )));
        };
        // Like both SDKs, `index` is a position: merge into the entry there, or insert (clamped
        // to the end, as py's list.insert does) when the position is new.
        let at = usize::try_from(index).unwrap_or(usize::MAX);
        match acc.get_mut(at) {
            Some(Value::Object(existing)) => accumulate(existing, entry_map)?,
            Some(other) => return Err(Error::Stream(format!("cannot merge a delta into {other}"))),
            None => acc.push(entry.clone()),
        }
    }
    Ok(())
}

/// Applies a `thread.message.delta` payload to the message snapshot it belongs to.
pub fn apply_message_delta(message: &mut Value, delta_event: &Value) -> Result<(), Error> {
    let Some(delta) = delta_event.get("delta").and_then(Value::as_object) else {
        return Ok(());
    };
    let Some(snapshot) = message.as_object_mut() else {
        return Err(Error::Stream("message snapshot is not an object".into()));
    };
    accumulate(snapshot, delta)
}

/// Applies a `thread.run.step.delta` payload to the step snapshot it belongs to.
pub fn apply_step_delta(step: &mut Value, delta_event: &Value) -> Result<(), Error> {
    let Some(delta) = delta_event.get("delta").and_then(Value::as_object) else {
        return Ok(());
    };
    let Some(snapshot) = step.as_object_mut() else {
        return Err(Error::Stream("run step snapshot is not an object".into()));
    };
    accumulate(snapshot, delta)
}

/// The latest run, and a snapshot of every message and step, built from a run's events.
///
/// Message and step snapshots are kept as JSON: mid-stream they can be partial (an annotation whose
/// fields arrive over several deltas), which the strict wire types would reject.
#[derive(Debug, Default, Clone)]
pub struct Snapshots {
    run: Option<Run>,
    messages: HashMap<String, Value>,
    steps: HashMap<String, Value>,
}

fn to_value(v: &impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(Error::Encode)
}

fn typed<T: DeserializeOwned>(v: &Value) -> Result<T, Error> {
    serde_json::from_value(v.clone()).map_err(|source| Error::Decode {
        source,
        body: v.to_string(),
    })
}

impl Snapshots {
    /// An empty set of snapshots.
    pub fn new() -> Self {
        Self::default()
    }

    /// Folds one event in. A delta for a message or step never created in this stream is an error,
    /// as in both SDKs.
    pub fn apply(&mut self, event: &StreamEvent) -> Result<(), Error> {
        use StreamEvent as E;
        match event {
            E::RunCreated(run)
            | E::RunQueued(run)
            | E::RunInProgress(run)
            | E::RunRequiresAction(run)
            | E::RunCompleted(run)
            | E::RunIncomplete(run)
            | E::RunFailed(run)
            | E::RunCancelling(run)
            | E::RunCancelled(run)
            | E::RunExpired(run) => self.run = Some(run.clone()),
            E::MessageCreated(m)
            | E::MessageInProgress(m)
            | E::MessageCompleted(m)
            | E::MessageIncomplete(m) => {
                self.messages.insert(m.id.clone(), to_value(m)?);
            }
            E::RunStepCreated(s)
            | E::RunStepInProgress(s)
            | E::RunStepCompleted(s)
            | E::RunStepFailed(s)
            | E::RunStepCancelled(s)
            | E::RunStepExpired(s) => {
                self.steps.insert(s.id.clone(), to_value(s)?);
            }
            E::MessageDelta(d) => {
                let snapshot = self.messages.get_mut(&d.id).ok_or_else(|| {
                    Error::Stream(format!(
                        "message delta for {} with no previous thread.message.created",
                        d.id
                    ))
                })?;
                apply_message_delta(snapshot, &to_value(d)?)?;
            }
            E::RunStepDelta(d) => {
                let snapshot = self.steps.get_mut(&d.id).ok_or_else(|| {
                    Error::Stream(format!(
                        "run step delta for {} with no previous thread.run.step.created",
                        d.id
                    ))
                })?;
                apply_step_delta(snapshot, &to_value(d)?)?;
            }
            E::ThreadCreated(_) | E::Error(_) | E::Done | E::Unknown { .. } => {}
        }
        Ok(())
    }

    /// The last run snapshot seen.
    pub fn run(&self) -> Option<&Run> {
        self.run.as_ref()
    }

    /// The current snapshot of a message as JSON.
    pub fn message_json(&self, id: &str) -> Option<&Value> {
        self.messages.get(id)
    }

    /// The current snapshot of a message, decoded; fails while a part is still incomplete.
    pub fn message(&self, id: &str) -> Option<Result<Message, Error>> {
        self.messages.get(id).map(typed)
    }

    /// The current snapshot of a run step as JSON.
    pub fn step_json(&self, id: &str) -> Option<&Value> {
        self.steps.get(id)
    }

    /// The current snapshot of a run step, decoded; fails while a tool call is still incomplete.
    pub fn step(&self, id: &str) -> Option<Result<RunStep, Error>> {
        self.steps.get(id).map(typed)
    }
}

#[cfg(test)]
#[path = "fold_tests.rs"]
mod tests;
