//! lyceum-workers
