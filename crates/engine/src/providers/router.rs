//! Several providers behind one: each run goes to the provider that offers its model.
//!
//! The app lets a person set up OpenAI, Anthropic, Ollama, any OpenAI-compatible server and local
//! models at once, while the engine holds one provider. The router answers for all of them: a
//! model's provider is the one whose list contains it (lists are cached briefly), else the one
//! whose naming the model follows (`claude-…` is Anthropic's, `gpt-…`/`o1…` OpenAI's).

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{ChatRequest, ChatStream, ModelInfo, Provider, ProviderError};

/// How long a provider's model list is trusted when routing.
const LIST_TTL: Duration = Duration::from_secs(60);

/// One provider the router may send to, with the name the app knows it by.
#[derive(Debug, Clone)]
pub struct Route {
    /// The app's name for the provider: `openai`, `anthropic`, `ollama`, `compatible`, `local`.
    pub name: String,
    /// The provider.
    pub provider: Arc<dyn Provider>,
}

#[derive(Debug, Default)]
struct Routes {
    routes: Vec<Route>,
    /// Each route's model list as last read, by position in `routes`.
    lists: Vec<Option<(Instant, Vec<ModelInfo>)>>,
}

/// A provider that forwards each request to the configured provider offering its model.
#[derive(Debug, Default)]
pub struct Router {
    routes: RwLock<Routes>,
}

impl Router {
    /// A router with no providers; every run fails with [`ProviderError::UnknownModel`] until
    /// [`Router::set_routes`] adds some.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the providers, e.g. after a key was set in Settings. Runs already streaming keep
    /// the provider they started with.
    pub fn set_routes(&self, routes: Vec<Route>) {
        let lists = vec![None; routes.len()];
        *self.routes.write().unwrap_or_else(|e| e.into_inner()) = Routes { routes, lists };
    }

    /// The names of the configured providers, in order.
    pub fn names(&self) -> Vec<String> {
        self.snapshot()
            .into_iter()
            .map(|route| route.name)
            .collect()
    }

    /// Each configured provider's models, or why it could not list them.
    pub async fn models_by_provider(&self) -> Vec<(String, Result<Vec<ModelInfo>, ProviderError>)> {
        let mut out = Vec::new();
        for (index, route) in self.snapshot().into_iter().enumerate() {
            let listed = self.list_of(index, &route, false).await;
            out.push((route.name, listed));
        }
        out
    }

    fn snapshot(&self) -> Vec<Route> {
        self.routes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .routes
            .clone()
    }

    /// The models of route `index`, from the cache unless it is stale or `fresh` is asked.
    async fn list_of(
        &self,
        index: usize,
        route: &Route,
        fresh: bool,
    ) -> Result<Vec<ModelInfo>, ProviderError> {
        if !fresh {
            let routes = self.routes.read().unwrap_or_else(|e| e.into_inner());
            if let Some(Some((at, models))) = routes.lists.get(index)
                && at.elapsed() < LIST_TTL
            {
                return Ok(models.clone());
            }
        }
        let models = route.provider.list_models().await?;
        let mut routes = self.routes.write().unwrap_or_else(|e| e.into_inner());
        // Only cache into the same configuration the list was read from.
        if routes
            .routes
            .get(index)
            .is_some_and(|current| Arc::ptr_eq(&current.provider, &route.provider))
        {
            routes.lists[index] = Some((Instant::now(), models.clone()));
        }
        Ok(models)
    }

    /// The provider for `model`.
    async fn route_for(&self, model: &str) -> Result<Arc<dyn Provider>, ProviderError> {
        let routes = self.snapshot();
        for (index, route) in routes.iter().enumerate() {
            if let Ok(models) = self.list_of(index, route, false).await
                && models.iter().any(|info| info.id == model)
            {
                return Ok(route.provider.clone());
            }
        }
        let by_name =
            naming_owner(model).and_then(|owner| routes.iter().find(|route| route.name == owner));
        match by_name {
            Some(route) => Ok(route.provider.clone()),
            None => Err(ProviderError::UnknownModel {
                model: model.to_owned(),
            }),
        }
    }
}

/// The provider whose naming `model` follows, for models a provider does not list (OpenAI lists
/// only what the key may use; Anthropic's list can lag behind new models).
fn naming_owner(model: &str) -> Option<&'static str> {
    if model.starts_with("claude") {
        Some("anthropic")
    } else if model.starts_with("gpt-")
        || model.starts_with("chatgpt-")
        || (model.starts_with('o') && model[1..].starts_with(|c: char| c.is_ascii_digit()))
    {
        Some("openai")
    } else {
        None
    }
}

#[async_trait]
impl Provider for Router {
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError> {
        self.route_for(&request.model)
            .await?
            .stream_chat(request)
            .await
    }

    /// Every configured provider's models; a provider that cannot list them now is left out.
    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError> {
        let mut all = Vec::new();
        for (_, listed) in self.models_by_provider().await {
            all.extend(listed.unwrap_or_default());
        }
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_recognises_the_big_providers_only() {
        assert_eq!(naming_owner("claude-sonnet-4-5"), Some("anthropic"));
        assert_eq!(naming_owner("gpt-4o-mini"), Some("openai"));
        assert_eq!(naming_owner("o3-mini"), Some("openai"));
        assert_eq!(naming_owner("olmo-7b"), None);
        assert_eq!(naming_owner("llama3.2"), None);
    }
}
