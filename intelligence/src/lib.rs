//! Recommendation models for a space's members and their offline evaluation: a sparse
//! interaction matrix (`matrix`), implicit-feedback ALS (`als`), user-based kNN (`knn`) and
//! popularity (`popularity`), top-k selection shared by all of them (`recommend`), the weight
//! given to raw counts (`weighting`), and the protocol that compares them (`evaluate`).
//!
//! Pure computation: no IO, no clock, no global state. Parallel parts run on the caller's
//! rayon pool (install one to bound the threads) and give the same result on any number of
//! threads. Users and items are dense `u32` indices; mapping ids onto them is the caller's job.

pub mod als;
pub mod evaluate;
pub mod knn;
mod linalg;
pub mod matrix;
pub mod popularity;
pub mod recommend;
pub mod weighting;

pub use als::{AlsModel, AlsParams};
pub use knn::{Neighbour, UserKnn};
pub use matrix::{CsrMatrix, OutOfBounds, Row};
pub use popularity::Popularity;
pub use recommend::{Scored, top_k};
pub use weighting::Weighting;
