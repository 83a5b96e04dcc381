//! `lyceum keys`: operator keys, made on the command line in either mode.

use crate::config::Config;
use clap::Subcommand;
use lyceum_store::keys::{IssuedKey, Role, insert_admin};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print its secret (shown once).
    Create {
        /// The role: only `admin` here; space keys come from `POST /v1/spaces/{space}/keys`.
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

pub async fn run(config: &Config, command: KeysCommand) -> anyhow::Result<()> {
    match command {
        KeysCommand::Create { role } => {
            if Role::parse(&role) != Some(Role::Admin) {
                anyhow::bail!(
                    "only admin keys are made here; issue creator and auditor keys with POST /v1/spaces/{{space}}/keys"
                );
            }
            let db = config.connect().await?;
            let key = IssuedKey::generate(Role::Admin, None)?;
            insert_admin(&db, &key).await?;
            db.close().await;
            writeln!(std::io::stdout(), "{}", key.secret)?;
            Ok(())
        }
    }
}
