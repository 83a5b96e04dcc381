//! User-based collaborative filtering: a user's nearest neighbours by cosine similarity of
//! their interaction rows, and items scored by what those neighbours interacted with,
//! `score(i) = Σ_v sim(u, v)·w_vi` over the top `neighbours` users `v`.
//!
//! Nothing is precomputed beyond the transpose and row norms: similarities are found per
//! query through the item columns the user touches, which for a space's member count is
//! cheaper than an all-pairs table and needs no memory per pair.

use crate::matrix::CsrMatrix;
use crate::recommend::{Scored, top_k};

/// A fitted user-kNN model over one interaction matrix.
#[derive(Debug, Clone)]
pub struct UserKnn {
    user_items: CsrMatrix,
    item_users: CsrMatrix,
    norms: Vec<f32>,
    neighbours: usize,
}

/// Another user and their cosine similarity to the one asked about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub user: u32,
    pub similarity: f32,
}

impl UserKnn {
    /// Keeps the matrix (users × items, weights ≥ 0) and uses the `neighbours` most similar
    /// users for each recommendation.
    pub fn fit(user_items: &CsrMatrix, neighbours: usize) -> Self {
        let norms = (0..user_items.rows())
            .map(|u| {
                let v = user_items.row(u).values;
                v.iter().map(|w| w * w).sum::<f32>().sqrt()
            })
            .collect();
        Self {
            user_items: user_items.clone(),
            item_users: user_items.transpose(),
            norms,
            neighbours,
        }
    }

    /// User `u`'s most similar other users, most similar first (ties: lower index), only
    /// those sharing at least one item.
    pub fn neighbours(&self, u: u32) -> Vec<Neighbour> {
        let row = self.user_items.row(u as usize);
        let mut dots = vec![0f32; self.user_items.rows()];
        for (i, w) in row.iter() {
            for (v, wv) in self.item_users.row(i as usize).iter() {
                dots[v as usize] += w * wv;
            }
        }
        let nu = self.norms[u as usize];
        let sims: Vec<f32> = dots
            .iter()
            .zip(&self.norms)
            .map(|(&d, &nv)| if d > 0.0 { d / (nu * nv) } else { 0.0 })
            .collect();
        top_k(&sims, self.neighbours, &[u])
            .into_iter()
            .filter(|s| s.score > 0.0)
            .map(|s| Neighbour {
                user: s.item,
                similarity: s.score,
            })
            .collect()
    }

    /// The `k` best items for user `u` not in `exclude`. A user with no neighbours gets
    /// nothing: the caller decides the fallback (popularity, usually).
    pub fn recommend(&self, u: u32, k: usize, exclude: &[u32]) -> Vec<Scored> {
        let mut scores = vec![0f32; self.user_items.cols()];
        for n in self.neighbours(u) {
            for (i, w) in self.user_items.row(n.user as usize).iter() {
                scores[i as usize] += n.similarity * w;
            }
        }
        let mut out = top_k(&scores, k, exclude);
        // Unscored items would be ranked by index alone, which is no recommendation at all.
        out.retain(|s| s.score > 0.0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Users 0 and 1 share items 0 and 1; user 2 shares only item 1 with them.
    fn tiny() -> CsrMatrix {
        CsrMatrix::from_triples(
            4,
            5,
            &[
                (0, 0, 1.0),
                (0, 1, 1.0),
                (1, 0, 1.0),
                (1, 1, 1.0),
                (1, 2, 3.0),
                (2, 1, 1.0),
                (2, 3, 1.0),
                (2, 4, 1.0),
                (3, 4, 1.0),
            ],
        )
        .unwrap()
    }

    #[test]
    fn neighbours_by_cosine() {
        let knn = UserKnn::fit(&tiny(), 10);
        let n = knn.neighbours(0);
        assert_eq!(n.iter().map(|n| n.user).collect::<Vec<_>>(), vec![1, 2]);
        // cos(u0, u1) = 2 / (√2·√11); cos(u0, u2) = 1 / (√2·√3).
        assert!((n[0].similarity - 2.0 / (2f32.sqrt() * 11f32.sqrt())).abs() < 1e-6);
        assert!((n[1].similarity - 1.0 / 6f32.sqrt()).abs() < 1e-6);
        // User 3 shares nothing with user 0.
        assert!(n.iter().all(|n| n.user != 3));
    }

    #[test]
    fn items_scored_by_similarity_times_weight() {
        let knn = UserKnn::fit(&tiny(), 10);
        // Item 2: 0.426·3 = 1.28; items 3 and 4: 0.408 each (tie: lower index first).
        let rec = knn.recommend(0, 3, &[0, 1]);
        assert_eq!(
            rec.iter().map(|s| s.item).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
        // With one neighbour only user 1 counts, and it has nothing else to offer.
        let knn1 = UserKnn::fit(&tiny(), 1);
        let rec1 = knn1.recommend(0, 3, &[0, 1]);
        assert_eq!(rec1.iter().map(|s| s.item).collect::<Vec<_>>(), vec![2]);
    }
}
