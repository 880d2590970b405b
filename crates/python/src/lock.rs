//! The lock file: each package at one version with the SHA-256s of the wheels it may come from,
//! in pip's `--require-hashes` format (`name==version --hash=sha256:<hex> ...`, lines continued
//! with a backslash, `#` comments).

use sha2::{Digest, Sha256};

/// The runtime's lock, compiled in (written by `update-lock.py` from `requirements.in`).
pub const BUILTIN_LOCK: &str = include_str!("../requirements.lock");

/// One locked package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    /// The name as the lock spells it (`python-dateutil`).
    pub name: String,
    /// The exact version.
    pub version: String,
    /// Lowercase hex SHA-256s of the wheels that may be installed.
    pub sha256: Vec<String>,
}

/// A lock file that does not read as pinned requirements with hashes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the lock file's line {line} {problem}")]
pub struct LockError {
    /// 1-based number of the (first physical) line of the requirement.
    pub line: usize,
    /// What is wrong, in words.
    pub problem: String,
}

/// Reads a lock's text into its packages, in the lock's order.
pub fn parse_lock(text: &str) -> Result<Vec<LockedPackage>, LockError> {
    let mut packages = Vec::new();
    for (line, requirement) in logical_lines(text) {
        packages
            .push(parse_requirement(&requirement).map_err(|problem| LockError { line, problem })?);
    }
    if packages.is_empty() {
        return Err(LockError {
            line: 1,
            problem: "is not followed by any requirement: the lock is empty".into(),
        });
    }
    Ok(packages)
}

/// The SHA-256 of a lock's bytes, as lowercase hex: what `runtime.json` records.
pub fn lock_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Lowercase hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Requirements with their backslash continuations joined and comments dropped, each with the
/// number of its first line.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let without_comment = raw.split_once(" #").map_or(raw, |(code, _)| code);
        let without_comment = if without_comment.trim_start().starts_with('#') {
            ""
        } else {
            without_comment
        };
        let (body, continues) = match without_comment.trim_end().strip_suffix('\\') {
            Some(body) => (body, true),
            None => (without_comment, false),
        };
        let entry = current.get_or_insert_with(|| (index + 1, String::new()));
        entry.1.push(' ');
        entry.1.push_str(body.trim());
        if !continues {
            let (line, text) = current.take().unwrap_or_default();
            if !text.trim().is_empty() {
                out.push((line, text.trim().to_string()));
            }
        }
    }
    if let Some((line, text)) = current
        && !text.trim().is_empty()
    {
        out.push((line, text.trim().to_string()));
    }
    out
}

fn parse_requirement(requirement: &str) -> Result<LockedPackage, String> {
    let mut words = requirement.split_whitespace();
    let pin = words.next().unwrap_or_default();
    let Some((name, version)) = pin.split_once("==") else {
        return Err(format!(
            "pins no exact version (`{pin}`; expected name==version)"
        ));
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid_name || version.is_empty() {
        return Err(format!("does not pin a package as name==version (`{pin}`)"));
    }
    let mut sha256 = Vec::new();
    for word in words {
        let digest = word
            .strip_prefix("--hash=sha256:")
            .ok_or_else(|| format!("has `{word}` where only --hash=sha256:<hex> may follow"))?;
        if digest.len() != 64 || !digest.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!(
                "has a SHA-256 for {name} that is not 64 hex digits"
            ));
        }
        sha256.push(digest.to_ascii_lowercase());
    }
    if sha256.is_empty() {
        return Err(format!("gives no --hash=sha256 for {name}"));
    }
    Ok(LockedPackage {
        name: name.to_string(),
        version: version.to_string(),
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn reads_continued_lines_comments_and_several_hashes() {
        let text = format!(
            "# header\nnumpy==2.4.6 \\\n    --hash=sha256:{A} \\\n    --hash=sha256:{B}\n\nsix==1.17.0 --hash=sha256:{B}  # pure\n"
        );
        let packages = parse_lock(&text).unwrap();
        assert_eq!(
            packages,
            vec![
                LockedPackage {
                    name: "numpy".into(),
                    version: "2.4.6".into(),
                    sha256: vec![A.into(), B.into()]
                },
                LockedPackage {
                    name: "six".into(),
                    version: "1.17.0".into(),
                    sha256: vec![B.into()]
                },
            ]
        );
    }

    #[test]
    fn refuses_unpinned_or_unhashed_requirements_naming_the_line() {
        let err = parse_lock(&format!("# x\nnumpy>=2 --hash=sha256:{A}\n")).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("numpy>=2"), "{err}");
        let err = parse_lock("numpy==2.4.6\n").unwrap_err();
        assert!(err.to_string().contains("no --hash"), "{err}");
        let err = parse_lock("numpy==2.4.6 --hash=sha256:abc\n").unwrap_err();
        assert!(err.to_string().contains("64 hex"), "{err}");
        assert!(parse_lock("# only a comment\n").is_err());
    }

    #[test]
    fn the_builtin_lock_pins_the_promised_packages() {
        let packages = parse_lock(BUILTIN_LOCK).unwrap();
        for wanted in [
            "numpy",
            "pandas",
            "matplotlib",
            "openpyxl",
            "pillow",
            "scipy",
        ] {
            assert!(
                packages.iter().any(|p| p.name == wanted),
                "the lock should pin {wanted}"
            );
        }
    }
}
