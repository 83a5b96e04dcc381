//! The Open University Learning Analytics Dataset (OULAD): its files read into typed rows
//! (`files.rs`, over the small CSV reader of `csv.rs`), each course run with its calendar
//! (`runs.rs`), and sent through the services (`run.rs`).

pub mod csv;
pub mod files;
pub mod run;
pub mod runs;

use std::path::{Path, PathBuf};

/// The OULAD subset that comes beside the repository, for tests and benches:
/// `LYCEUM_OULAD_DIR` if set, else `../shared/data/oulad` from the repository if it is there,
/// else `/work/shared/data/oulad`.
pub fn shared_subset() -> PathBuf {
    if let Some(dir) = std::env::var_os("LYCEUM_OULAD_DIR") {
        return PathBuf::from(dir);
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/oulad");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared/data/oulad")
}
