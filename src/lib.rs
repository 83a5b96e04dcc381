//! The `lyceum` process: configuration, telemetry, and the application that wires the log, the
//! bus, the workers and the HTTP server together. `main.rs` only parses the command line.

pub mod application;
pub mod audit_key;
pub mod cli;
pub mod config;
pub mod import;
pub mod telemetry;

pub use application::Application;
pub use config::Config;
