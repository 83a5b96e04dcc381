//! The installation's audit signing key: an Ed25519 secret kept in a file outside the database
//! (so that someone who can write the database cannot sign), made on first start.

use anyhow::Context;
use lyceum_audit::checkpoint::{
    SigningKey, public_key, public_key_to_hex, signing_key, signing_key_from_hex,
    signing_key_to_hex,
};
use std::io::Write;
use std::path::Path;

/// The key in `path`, made (with a secret from the operating system's random source) if the
/// file does not exist yet. The file holds the secret as 64 hex digits and a newline, readable
/// by its owner only.
pub fn load_or_create(path: &Path) -> anyhow::Result<SigningKey> {
    if let Some(key) = load(path)? {
        return Ok(key);
    }
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the directory of {}", path.display()))?;
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no entropy: {e}"))?;
    let key = signing_key(&secret);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            writeln!(file, "{}", signing_key_to_hex(&key))
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing the audit signing key {}", path.display()))?;
            tracing::info!(path = %path.display(), public_key = %public_hex(&key),
                "made a new audit signing key");
            Ok(key)
        }
        // Another process made it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            load(path)?.with_context(|| format!("reading the audit signing key {}", path.display()))
        }
        Err(error) => {
            Err(error).with_context(|| format!("creating the audit signing key {}", path.display()))
        }
    }
}

/// The key in `path`, or `None` if there is no such file.
pub fn load(path: &Path) -> anyhow::Result<Option<SigningKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("reading the audit signing key {}", path.display()));
        }
    };
    let key = signing_key_from_hex(text.trim()).map_err(|e| {
        anyhow::anyhow!(
            "the audit signing key {} is not 64 hex digits: {e}",
            path.display()
        )
    })?;
    Ok(Some(key))
}

/// The public key of `key` as 64 hex digits.
pub fn public_hex(key: &SigningKey) -> String {
    public_key_to_hex(&public_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("lyceum-key-{}", uuid::Uuid::new_v4()));
        let path = dir.join("nested").join("audit-signing.key");
        assert!(load(&path).unwrap().is_none());
        let made = load_or_create(&path).unwrap();
        let again = load_or_create(&path).unwrap();
        assert_eq!(made.to_bytes(), again.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key\n").unwrap();
        assert!(load(&path).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
