//! The model picker's lists: each ready provider's models on "this computer", or the server's
//! models on a remote profile.

use super::Hearth;

/// The models one provider (or the remote server) offers, or why they could not be listed.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelGroup {
    /// The provider's name, or `server` on a remote profile.
    pub provider: String,
    /// Model ids.
    pub models: Vec<String>,
    /// Why the list is empty, when asking failed.
    pub error: Option<String>,
}

impl ModelGroup {
    fn listed(provider: String, listed: Result<Vec<String>, String>) -> Self {
        match listed {
            Ok(models) => Self {
                provider,
                models,
                error: None,
            },
            Err(error) => Self {
                provider,
                models: Vec::new(),
                error: Some(error),
            },
        }
    }
}

impl Hearth {
    /// The models the assistant editor offers for the profile in use.
    pub async fn model_groups(&self) -> Vec<ModelGroup> {
        if self.active_is_embedded() {
            return self
                .models_by_provider()
                .await
                .into_iter()
                .map(|(provider, listed)| ModelGroup::listed(provider, listed))
                .collect();
        }
        let listed = match self.backend() {
            Ok(backend) => backend
                .list_models()
                .await
                .map(|models| models.into_iter().map(|model| model.id).collect())
                .map_err(|error| error.to_string()),
            Err(error) => Err(error.to_string()),
        };
        vec![ModelGroup::listed("server".to_owned(), listed)]
    }
}
