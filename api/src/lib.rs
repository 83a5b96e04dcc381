//! lyceum-api
