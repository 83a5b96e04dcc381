//! lyceum-store
