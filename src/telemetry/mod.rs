//! Structured logs to stderr (stdout is for command output such as a new key), filtered by
//! `RUST_LOG`, as text or JSON. JSON is the default when stderr is not a terminal, and colours
//! are used only on a terminal. Every line goes through [`one_line`], so text a client sent
//! (a header, a JSON key, an email) can never start a line of its own.

pub mod one_line;

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// JSON when stderr is not a terminal, text with colours when it is.
    #[default]
    Auto,
    /// Human-readable text (colours only on a terminal).
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// Whether this format writes JSON, given whether stderr is a terminal.
    pub fn is_json(self, terminal: bool) -> bool {
        match self {
            LogFormat::Auto => !terminal,
            LogFormat::Text => false,
            LogFormat::Json => true,
        }
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls do nothing).
pub fn init(format: LogFormat) {
    let terminal = std::io::stderr().is_terminal();
    let json = format.is_json(terminal);
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,lapin=warn,actix_server=warn"));
    let writer = one_line::Writer::new(std::io::stderr, json, terminal && !json);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(terminal && !json)
        .with_writer(writer);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
