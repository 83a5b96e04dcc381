//! The Open University Learning Analytics Dataset (OULAD): its files read into typed rows
//! (`files.rs`, over the small CSV reader of `csv.rs`), each course run with its calendar
//! (`runs.rs`).

pub mod csv;
pub mod files;
pub mod runs;
