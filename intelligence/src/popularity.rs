//! The baseline every model must beat: items ranked by how many distinct users interacted
//! with them, within one matrix (one course run, one space).

use crate::matrix::CsrMatrix;
use crate::recommend::Scored;

/// Items in popularity order, computed once from a training matrix.
#[derive(Debug, Clone)]
pub struct Popularity {
    /// Each item's distinct-user count, the score reported with a recommendation.
    users: Vec<u32>,
    /// Every item, most popular first: more users, then more total weight, then lower index.
    order: Vec<u32>,
}

impl Popularity {
    pub fn fit(user_items: &CsrMatrix) -> Self {
        let items = user_items.transpose();
        let users: Vec<u32> = (0..items.rows())
            .map(|i| items.row(i).len() as u32)
            .collect();
        let weight: Vec<f64> = (0..items.rows())
            .map(|i| items.row(i).values.iter().map(|&w| f64::from(w)).sum())
            .collect();
        let mut order: Vec<u32> = (0..items.rows() as u32).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            users[b]
                .cmp(&users[a])
                .then(weight[b].total_cmp(&weight[a]))
                .then(a.cmp(&b))
        });
        Self { users, order }
    }

    /// The `k` most popular items not in `exclude`, scored by their user count.
    pub fn recommend(&self, k: usize, exclude: &[u32]) -> Vec<Scored> {
        let mut excluded = vec![false; self.users.len()];
        for &i in exclude {
            if let Some(e) = excluded.get_mut(i as usize) {
                *e = true;
            }
        }
        self.order
            .iter()
            .filter(|&&i| !excluded[i as usize])
            .take(k)
            .map(|&item| Scored {
                item,
                score: self.users[item as usize] as f32,
            })
            .collect()
    }

    /// Every item, most popular first.
    pub fn order(&self) -> &[u32] {
        &self.order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_then_weight_then_index() {
        // Item 0: 2 users, weight 2. Item 1: 2 users, weight 10. Item 2: 3 users.
        // Item 3: 1 user, weight 1; item 4: 1 user, weight 1 (tie: index).
        let m = CsrMatrix::from_triples(
            3,
            5,
            &[
                (0, 0, 1.0),
                (1, 0, 1.0),
                (0, 1, 5.0),
                (1, 1, 5.0),
                (0, 2, 1.0),
                (1, 2, 1.0),
                (2, 2, 1.0),
                (2, 4, 1.0),
                (2, 3, 1.0),
                // A repeat of (2, 3) adds weight, not a user.
                (2, 3, 0.0),
            ],
        )
        .unwrap();
        let p = Popularity::fit(&m);
        assert_eq!(p.order(), &[2, 1, 0, 3, 4]);
        let rec = p.recommend(2, &[1, 2]);
        assert_eq!(rec.iter().map(|s| s.item).collect::<Vec<_>>(), vec![0, 3]);
        assert_eq!(rec[0].score, 2.0);
    }
}
