//! lyceum-projections
