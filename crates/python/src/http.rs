//! The HTTP client installs use.

use std::time::Duration;

/// The system's certificate bundles (Debian and Ubuntu, Fedora), read in addition to the roots
/// built into the TLS library.
const SYSTEM_BUNDLES: [&str; 2] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
];

/// A client with timeouts that trusts the built-in roots plus the system's certificate bundle
/// (or `SSL_CERT_FILE`), so an index reached through an organisation's TLS proxy, whose
/// certificate authority is installed on the system, works too.
pub(crate) fn client() -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(60))
        .user_agent(concat!("hearth/", env!("CARGO_PKG_VERSION")));
    let bundle = std::env::var_os("SSL_CERT_FILE")
        .map(std::path::PathBuf::from)
        .into_iter()
        .chain(SYSTEM_BUNDLES.iter().map(std::path::PathBuf::from))
        .find(|path| path.is_file());
    if let Some(path) = bundle {
        match std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|pem| reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| e.to_string()))
        {
            Ok(certificates) => {
                for certificate in certificates {
                    builder = builder.add_root_certificate(certificate);
                }
            }
            Err(e) => log::warn!("the certificates in {} were not read: {e}", path.display()),
        }
    }
    builder.build()
}
