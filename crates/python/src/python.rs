//! The system's Python interpreter the runtime is installed for.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The Python versions the lock has wheels for (kept in step with `update-lock.py`).
pub const SUPPORTED_VERSIONS: [&str; 3] = ["3.11", "3.12", "3.13"];

/// Where the system's interpreter is: Debian's and Ubuntu's `python3` package puts it there.
pub const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// A CPython interpreter, as probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Python {
    /// Its path with symlinks resolved (`/usr/bin/python3.11`).
    pub path: PathBuf,
    /// `major.minor`, e.g. `3.11`.
    pub version: String,
    /// The machine it runs on as Python names it (`x86_64`, `aarch64`).
    pub machine: String,
    /// The C library's glibc version (major, minor); `None` on systems without glibc.
    pub glibc: Option<(u32, u32)>,
}

/// Why no usable interpreter was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PythonError {
    /// The interpreter is not there.
    #[error(
        "{} is missing: install the Debian/Ubuntu package python3 (apt-get install python3)",
        path.display()
    )]
    Missing { path: PathBuf },
    /// It runs, but is a version the lock has no wheels for.
    #[error(
        "{} is Python {version}; the code interpreter's packages are available for Python {} only",
        path.display(),
        SUPPORTED_VERSIONS.join(", ")
    )]
    Unsupported { path: PathBuf, version: String },
    /// It could not be run or answered nonsense.
    #[error("{} could not be asked for its version: {message}", path.display())]
    Probe { path: PathBuf, message: String },
    /// Not available on this system yet.
    #[error("the code interpreter's Python runtime is not available on this system yet")]
    UnsupportedSystem,
}

/// The system's interpreter (`/usr/bin/python3`), when it is a supported version.
pub fn find_python() -> Result<Python, PythonError> {
    if cfg!(windows) {
        return Err(PythonError::UnsupportedSystem);
    }
    python_at(Path::new(SYSTEM_PYTHON))
}

/// The interpreter at `path`, when it is a supported version.
pub fn python_at(path: &Path) -> Result<Python, PythonError> {
    let python = probe(path)?;
    if !SUPPORTED_VERSIONS.contains(&python.version.as_str()) {
        return Err(PythonError::Unsupported {
            path: python.path,
            version: python.version,
        });
    }
    Ok(python)
}

/// Runs the interpreter at `path` to learn its version, machine and C library.
pub fn probe(path: &Path) -> Result<Python, PythonError> {
    if !path.exists() {
        return Err(PythonError::Missing {
            path: path.to_path_buf(),
        });
    }
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let failed = |message: String| PythonError::Probe {
        path: path.to_path_buf(),
        message,
    };
    // -I -S: nothing from the environment or site-packages may change the answer.
    let output = Command::new(&resolved)
        .args(["-I", "-S", "-c", PROBE])
        .output()
        .map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(format!(
            "it exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut lines = text.lines().map(str::trim);
    let (Some(implementation), Some(version), Some(machine)) =
        (lines.next(), lines.next(), lines.next())
    else {
        return Err(failed(format!("unexpected answer {text:?}")));
    };
    if implementation != "cpython" {
        return Err(failed(format!(
            "it is {implementation}, not CPython, which the packages are built for"
        )));
    }
    let glibc = lines.next().and_then(parse_glibc);
    Ok(Python {
        path: resolved,
        version: version.to_string(),
        machine: machine.to_string(),
        glibc,
    })
}

const PROBE: &str = "import os, platform, sys
print(sys.implementation.name)
print('%d.%d' % sys.version_info[:2])
print(platform.machine())
try:
    print(os.confstr('CS_GNU_LIBC_VERSION') or '')
except (ValueError, OSError, AttributeError):
    print('')";

/// `glibc 2.36` → (2, 36).
fn parse_glibc(text: &str) -> Option<(u32, u32)> {
    let version = text.strip_prefix("glibc ")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_glibc_version() {
        assert_eq!(parse_glibc("glibc 2.36"), Some((2, 36)));
        assert_eq!(parse_glibc(""), None);
        assert_eq!(parse_glibc("musl"), None);
    }

    #[test]
    fn a_missing_interpreter_names_the_package_to_install() {
        let err = python_at(Path::new("/nonexistent/python3")).unwrap_err();
        assert!(matches!(err, PythonError::Missing { .. }));
        assert!(err.to_string().contains("package python3"), "{err}");
    }
}
