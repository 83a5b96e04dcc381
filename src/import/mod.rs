//! Bringing other platforms' data into Lyceum: each source is read into plain rows here and
//! then sent through the same services as the API, in its own business time.

pub mod driver;
pub mod oulad;
