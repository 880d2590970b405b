//! Wheels: which ones fit an interpreter (by the tags in their file names) and unpacking one into
//! site-packages.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::python::Python;

/// Whether the wheel named `file_name` can be installed for `python`: CPython of its version
/// (`cp311-cp311`), the stable ABI of it or an older one (`cp38-abi3`), or pure Python
/// (`py3-none-any`); platform-specific wheels only for manylinux on this machine's architecture at
/// a glibc level no newer than the system's.
pub fn fits(file_name: &str, python: &Python) -> bool {
    let Some(stem) = file_name.strip_suffix(".whl") else {
        return false;
    };
    let parts: Vec<&str> = stem.split('-').collect();
    // name-version[-build]-python-abi-platform
    if parts.len() != 5 && parts.len() != 6 {
        return false;
    }
    let [py_tags, abi_tags, platform_tags] = [
        parts[parts.len() - 3],
        parts[parts.len() - 2],
        parts[parts.len() - 1],
    ];
    let Some(minor) = python
        .version
        .strip_prefix("3.")
        .and_then(|m| m.parse::<u32>().ok())
    else {
        return false;
    };
    let own = format!("cp3{minor}");
    platform_tags.split('.').any(|platform| {
        let pure = platform == "any";
        if !pure && !fits_platform(platform, python) {
            return false;
        }
        py_tags.split('.').any(|py| {
            abi_tags.split('.').any(|abi| match abi {
                "none" => is_python3_tag(py, minor),
                "abi3" => cpython_minor(py).is_some_and(|m| m <= minor),
                _ => !pure && py == own && abi == own,
            })
        })
    })
}

/// `py3`, `py3N` (N up to ours) or `cp3N` (N up to ours).
fn is_python3_tag(tag: &str, minor: u32) -> bool {
    if tag == "py3" {
        return true;
    }
    let versioned = tag.strip_prefix("py3").or_else(|| tag.strip_prefix("cp3"));
    versioned
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m <= minor)
}

fn cpython_minor(tag: &str) -> Option<u32> {
    tag.strip_prefix("cp3")?.parse().ok()
}

/// manylinux tags for this machine at a glibc level the system has.
fn fits_platform(platform: &str, python: &Python) -> bool {
    let Some(glibc) = python.glibc else {
        return false;
    };
    let Some(rest) = platform.strip_prefix("manylinux") else {
        return false;
    };
    let Some(level) = rest.strip_suffix(python.machine.as_str()) else {
        return false;
    };
    let needed = match level {
        "1_" => (2, 5),
        "2010_" => (2, 12),
        "2014_" => (2, 17),
        _ => {
            let Some(numbers) = level.strip_prefix('_').and_then(|l| l.strip_suffix('_')) else {
                return false;
            };
            let Some((major, minor)) = numbers.split_once('_') else {
                return false;
            };
            match (major.parse::<u32>(), minor.parse::<u32>()) {
                (Ok(major), Ok(minor)) => (major, minor),
                _ => return false,
            }
        }
    };
    needed <= glibc
}

/// A wheel that could not be unpacked.
#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    /// A member's path would land outside site-packages (`../`, absolute) or is a link.
    #[error("it holds `{0}`, a path that leaves the folder it is unpacked into")]
    UnsafePath(String),
    /// Not a readable zip file.
    #[error("it is not a readable wheel: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Writing failed.
    #[error("writing {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// The folder it was being unpacked into went away (the install was cancelled).
    #[error("the install folder is gone")]
    Cancelled,
}

/// Unpacks the wheel at `wheel` into `site_packages`, which must exist. Members under
/// `<name>.data/purelib` and `.data/platlib` go to site-packages' root like the rest; the other
/// `.data` folders (scripts, headers, data files) are not needed to import anything and are left
/// out. Every path is checked before anything is written.
pub fn unpack(wheel: &Path, site_packages: &Path) -> Result<(), UnpackError> {
    let file = File::open(wheel).map_err(|source| UnpackError::Io {
        path: wheel.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(file)?;
    let mut plan = Vec::with_capacity(archive.len());
    for index in 0..archive.len() {
        let entry = archive.by_index(index)?;
        let name = entry.name()?.into_owned();
        if entry.is_symlink() {
            return Err(UnpackError::UnsafePath(name));
        }
        let Some(relative) = entry.enclosed_name() else {
            return Err(UnpackError::UnsafePath(name));
        };
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(UnpackError::UnsafePath(name));
        }
        if let Some(target) = destination(&relative) {
            plan.push((index, target, entry.is_dir(), entry.unix_mode()));
        }
    }
    for (index, relative, is_dir, mode) in plan {
        if !site_packages.is_dir() {
            return Err(UnpackError::Cancelled);
        }
        let target = site_packages.join(&relative);
        let io_error = |source| UnpackError::Io {
            path: target.clone(),
            source,
        };
        if is_dir {
            make_dirs_below(site_packages, &relative).map_err(io_error)?;
            continue;
        }
        if let Some(parent) = relative.parent() {
            make_dirs_below(site_packages, parent).map_err(io_error)?;
        }
        let mut entry = archive.by_index(index)?;
        let mut out = File::create(&target).map_err(io_error)?;
        io::copy(&mut entry, &mut out).map_err(io_error)?;
        set_mode(&target, mode).map_err(io_error)?;
    }
    Ok(())
}

/// Where a member goes, relative to site-packages; `None` for `.data` folders left out.
fn destination(relative: &Path) -> Option<PathBuf> {
    let mut components = relative.components();
    let first = components.next()?.as_os_str().to_str()?;
    if !first.ends_with(".data") {
        return Some(relative.to_path_buf());
    }
    let scheme = components.next()?.as_os_str().to_str()?;
    let rest: PathBuf = components.collect();
    match scheme {
        "purelib" | "platlib" if rest.components().next().is_some() => Some(rest),
        _ => None,
    }
}

/// Creates `relative`'s folders one by one below `root` without ever creating `root` itself, so a
/// cancelled install whose folder was removed is not brought back to life.
fn make_dirs_below(root: &Path, relative: &Path) -> io::Result<()> {
    let mut current = root.to_path_buf();
    for component in relative.components() {
        current.push(component);
        match std::fs::create_dir(&current) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && current.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: Option<u32>) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // Executable bits are kept; nothing becomes writable by others.
    let executable = mode.is_some_and(|m| m & 0o111 != 0);
    let mode = if executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: Option<u32>) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn python(version: &str, machine: &str, glibc: (u32, u32)) -> Python {
        Python {
            path: "/usr/bin/python3".into(),
            version: version.into(),
            machine: machine.into(),
            glibc: Some(glibc),
        }
    }

    #[test]
    fn picks_wheels_by_their_tags() {
        let py311 = python("3.11", "x86_64", (2, 36));
        assert!(fits("six-1.17.0-py2.py3-none-any.whl", &py311));
        assert!(fits(
            "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
            &py311
        ));
        assert!(fits(
            "matplotlib-3.11.2-cp311-cp311-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
            &py311
        ));
        assert!(fits("x-1.0-cp39-abi3-manylinux_2_17_x86_64.whl", &py311));
        assert!(fits("x-1.0-1-py3-none-any.whl", &py311));
        // Other Python, ABI, architecture, C library or system.
        assert!(!fits(
            "numpy-2.4.6-cp312-cp312-manylinux_2_28_x86_64.whl",
            &py311
        ));
        assert!(!fits(
            "numpy-2.4.6-cp311-cp311t-manylinux_2_28_x86_64.whl",
            &py311
        ));
        assert!(!fits(
            "numpy-2.4.6-cp311-cp311-manylinux_2_28_aarch64.whl",
            &py311
        ));
        assert!(!fits(
            "numpy-2.4.6-cp311-cp311-musllinux_1_2_x86_64.whl",
            &py311
        ));
        assert!(!fits("numpy-2.4.6-cp311-cp311-win_amd64.whl", &py311));
        assert!(!fits("x-1.0-cp312-abi3-manylinux_2_17_x86_64.whl", &py311));
        assert!(!fits("x-1.0-py2-none-any.whl", &py311));
        assert!(!fits("numpy-2.4.6.tar.gz", &py311));
        // A glibc older than the wheel needs.
        let old = python("3.11", "x86_64", (2, 17));
        assert!(!fits(
            "numpy-2.4.6-cp311-cp311-manylinux_2_28_x86_64.whl",
            &old
        ));
        assert!(fits("x-1.0-cp311-cp311-manylinux2014_x86_64.whl", &old));
        let arm = python("3.13", "aarch64", (2, 36));
        assert!(fits(
            "numpy-2.4.6-cp313-cp313-manylinux_2_28_aarch64.whl",
            &arm
        ));
    }

    #[test]
    fn data_folders_map_to_site_packages_or_are_left_out() {
        assert_eq!(
            destination(Path::new("pkg-1.0.data/purelib/mod.py")),
            Some(PathBuf::from("mod.py"))
        );
        assert_eq!(
            destination(Path::new("pkg-1.0.data/platlib/pkg/_x.so")),
            Some(PathBuf::from("pkg/_x.so"))
        );
        assert_eq!(destination(Path::new("pkg-1.0.data/scripts/tool")), None);
        assert_eq!(
            destination(Path::new("pkg/__init__.py")),
            Some(PathBuf::from("pkg/__init__.py"))
        );
    }
}
