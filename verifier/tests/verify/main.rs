//! The verifier against exports built here with `lyceum-audit`: good exports pass, and each way
//! of tampering with one is caught at the right event, for the right reason, by the Rust
//! verifier and by `docs/verify.py`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod good;
mod malformed;
mod properties;
mod support;
mod tamper;
