//! `lyceum export` and `lyceum import-log`: the log taken away as an NDJSON file in the
//! `lyceum-export-v1` format (`docs/audit-format.md`), and a store restored from one.

use crate::config::Config;
use anyhow::Context;
use lyceum_audit::checkpoint::{public_key, public_key_from_hex};
use lyceum_projections::Projection;
use lyceum_projections::checksum::checksum;
use lyceum_projections::rebuild::rebuild_all;
use lyceum_store::chain::export::{Exporter, Range};
use lyceum_store::chain::import::import;
use lyceum_store::clock::SystemClock;
use lyceum_verify::format::Line;
use lyceum_workers::{Cadence, Sealer};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// Writes the export of `range` to stdout, and the members' keys to `member_keys`, if given.
pub async fn export(
    config: &Config,
    range: Range,
    member_keys: Option<&Path>,
) -> anyhow::Result<()> {
    let db = config.connect().await?;
    if let Some(path) = member_keys {
        write_member_keys(&db, path).await?;
    }
    let key = crate::audit_key::load_or_create(&config.audit_key_path())?;
    let now = lyceum_store::time::now();
    let mut exporter = Exporter::new(&db, range, &public_key(&key), now).await?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut events = 0usize;
    while let Some(lines) = exporter.next_lines().await? {
        events += lines.len();
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    db.close().await;
    tracing::info!(lines = events, "exported");
    Ok(())
}

/// Writes every member key to `path` (readable by its owner only), one JSON object per line.
async fn write_member_keys(db: &lyceum_store::Db, path: &Path) -> anyhow::Result<()> {
    let mut conn = lyceum_store::chain::reader(db).await?;
    let keys = lyceum_store::vault::all_keys(&mut conn).await?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = BufWriter::new(
        options
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?,
    );
    for key in keys {
        serde_json::to_writer(&mut file, &key)?;
        file.write_all(b"\n")?;
    }
    file.flush()?;
    Ok(())
}

/// The member keys `lyceum export --member-keys` wrote to `path`.
fn read_member_keys(path: &Path) -> anyhow::Result<Vec<lyceum_store::vault::MemberKey>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    BufReader::new(file)
        .lines()
        .filter(|line| line.as_ref().map_or(true, |line| !line.trim().is_empty()))
        .map(|line| Ok(serde_json::from_str(&line?)?))
        .collect()
}

/// Restores the log in `file` (and the member keys in `member_keys`) into this empty store,
/// then rebuilds every read model and seals the log with this installation's key. The
/// checkpoints must be signed by `public_key_hex`, or, without it, by the key the file's header
/// names.
pub async fn import_log(
    config: &Config,
    file: &Path,
    public_key_hex: Option<&str>,
    member_keys: Option<&Path>,
) -> anyhow::Result<()> {
    let keys = member_keys
        .map(read_member_keys)
        .transpose()?
        .unwrap_or_default();
    let open = || std::fs::File::open(file).map(BufReader::new);
    let trusted = match public_key_hex {
        Some(hex) => public_key_from_hex(hex).map_err(|e| anyhow::anyhow!("--public-key: {e}"))?,
        None => {
            let header =
                header_key(open().with_context(|| format!("opening {}", file.display()))?)?;
            tracing::warn!(
                public_key = %header,
                "trusting the key the file names; pass --public-key to check it against your own copy"
            );
            public_key_from_hex(&header).map_err(|e| anyhow::anyhow!("the header's key: {e}"))?
        }
    };
    let db = config.connect_read_side().await?;
    let summary = import(&db, open, trusted, &keys).await?;
    let mut out = std::io::stdout();
    writeln!(out, "imported and verified: {summary}")?;
    let position = rebuild_all(&db, &Projection::ALL, &mut |_, _| {}).await?;
    for projection in Projection::ALL {
        let sum = checksum(&db, projection).await?;
        writeln!(
            out,
            "{}: rebuilt to position {position}; checksum {sum}",
            projection.name()
        )?;
    }
    let key = crate::audit_key::load_or_create(&config.audit_key_path())?;
    let sealer = Sealer::new(db.clone(), key, Cadence::default(), Arc::new(SystemClock));
    let size = sealer.seal_now().await?;
    writeln!(out, "sealed {size} events under this installation's key")?;
    db.close().await;
    Ok(())
}

/// The public key the first line (the header) of an export names.
fn header_key(reader: impl BufRead) -> anyhow::Result<String> {
    let first = reader.lines().next().context("the file is empty")??;
    match serde_json::from_str::<Line>(&first) {
        Ok(Line::Header(header)) => Ok(header.public_key),
        _ => anyhow::bail!("the file does not start with a lyceum-export-v1 header"),
    }
}
