//! Picking the `k` best items from a score per item, leaving out what the user has seen.
//! Every model ends here, so they all break ties the same way: by the lower item index, which
//! makes a recommendation list reproducible even when scores are equal.

use std::cmp::Ordering;

/// An item and the score it was ranked by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub item: u32,
    pub score: f32,
}

/// Best first: higher score, then lower item index. `total_cmp` gives NaN a fixed place
/// instead of making the order inconsistent.
fn rank(a: &Scored, b: &Scored) -> Ordering {
    b.score.total_cmp(&a.score).then(a.item.cmp(&b.item))
}

/// The `k` highest of `scores` (indexed by item), best first, skipping every item in
/// `exclude` (any order; indices past `scores` are ignored). Fewer than `k` if fewer remain.
pub fn top_k(scores: &[f32], k: usize, exclude: &[u32]) -> Vec<Scored> {
    let mut excluded = vec![false; scores.len()];
    for &i in exclude {
        if let Some(e) = excluded.get_mut(i as usize) {
            *e = true;
        }
    }
    let mut candidates: Vec<Scored> = scores
        .iter()
        .zip(excluded)
        .enumerate()
        .filter(|&(_, (_, ex))| !ex)
        .map(|(i, (&score, _))| Scored {
            item: i as u32,
            score,
        })
        .collect();
    // Partition around the k-th best, then sort only those k: O(n + k log k).
    if candidates.len() > k && k > 0 {
        candidates.select_nth_unstable_by(k - 1, rank);
    }
    candidates.truncate(k);
    candidates.sort_unstable_by(rank);
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[Scored]) -> Vec<u32> {
        v.iter().map(|s| s.item).collect()
    }

    #[test]
    fn best_first_without_the_excluded() {
        let got = top_k(&[0.1, 0.9, 0.5, 0.7, 0.3], 3, &[3]);
        assert_eq!(items(&got), vec![1, 2, 4]);
        assert_eq!(got[0].score, 0.9);
    }

    #[test]
    fn ties_go_to_the_lower_index() {
        assert_eq!(
            items(&top_k(&[0.5, 1.0, 0.5, 1.0, 0.5], 4, &[])),
            vec![1, 3, 0, 2]
        );
    }

    #[test]
    fn fewer_candidates_than_k() {
        assert_eq!(items(&top_k(&[1.0, 2.0], 5, &[0, 7])), vec![1]);
        assert!(top_k(&[1.0], 0, &[]).is_empty());
    }
}
