//! `lyceum audit …`: the installation's public key, and sealing the log now.

use crate::config::Config;
use clap::Subcommand;
use lyceum_store::clock::SystemClock;
use lyceum_workers::{Cadence, Sealer};
use std::io::Write;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print the public key (64 hex digits) that verifies the log's signed checkpoints, making
    /// the signing key if this installation has none yet.
    PublicKey,
    /// Seal every event up to the high-water mark and sign a checkpoint of it now, rather than
    /// waiting for the running sealer's next one.
    Seal,
}

pub async fn run(config: &Config, command: AuditCommand) -> anyhow::Result<()> {
    let key = crate::audit_key::load_or_create(&config.audit_key_path())?;
    match command {
        AuditCommand::PublicKey => {
            writeln!(std::io::stdout(), "{}", crate::audit_key::public_hex(&key))?;
        }
        AuditCommand::Seal => {
            let db = config.connect().await?;
            let sealer = Sealer::new(db.clone(), key, Cadence::default(), Arc::new(SystemClock));
            let size = sealer.seal_now().await?;
            db.close().await;
            writeln!(std::io::stdout(), "sealed: the tree holds {size} events")?;
        }
    }
    Ok(())
}
