//! Models: the object, the (unpaginated) list and the deleted answer.

use serde::{Deserialize, Serialize};

use crate::common::{ListTag, UnixTime};

literal!(
    /// `"object": "model"`.
    ModelTag = "model"
);

/// A model (`object: "model"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Model {
    /// The model id, used as `model` in requests.
    pub id: String,
    /// Always `"model"`.
    #[serde(default)]
    pub object: ModelTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created: UnixTime,
    /// Owner.
    pub owned_by: String,
    /// Date (`YYYY-MM-DD`) the model goes away, if announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shutdown_date: Option<String>,
}

/// Answer to `GET /models`: `{object:"list", data}` without cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelList {
    /// Always `"list"`.
    #[serde(default)]
    pub object: ListTag,
    /// The models.
    pub data: Vec<Model>,
}

/// Answer to `DELETE /models/{model}`; its `object` is not fixed by the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelDeleted {
    /// The model id.
    pub id: String,
    /// The kind, usually `"model"`.
    pub object: String,
    /// Whether it was deleted.
    pub deleted: bool,
}
