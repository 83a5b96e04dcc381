//! `lyceum train --evaluate`: the offline comparison of the recommendation models on the
//! interaction read model, under the protocol of `lyceum_intelligence::evaluate` (each space
//! its own matrix of members' clicks on items, 80/20 pair split per seed, precision at 10
//! micro-averaged over every member with held-out pairs). The models are computed on a
//! blocking thread, on rayon's pool, never on the async executor.

use crate::config::Config;
use anyhow::Context;
use lyceum_intelligence::CsrMatrix;
use lyceum_intelligence::evaluate::{K, Settings, compare, mean_over_seeds};
use lyceum_projections::interactions::queries::{clicks, spaces_with_clicks};
use lyceum_store::Db;
use std::collections::HashMap;
use std::io::Write;
use uuid::Uuid;

pub async fn evaluate(config: &Config, spaces: &[String], seeds: &[u64]) -> anyhow::Result<()> {
    let db = config.connect().await?;
    let ids = match spaces {
        [] => spaces_with_clicks(&db).await?,
        named => {
            let mut ids = Vec::new();
            for space in named {
                let (id, _) = lyceum_store::slugs::resolve(&db, space)
                    .await?
                    .with_context(|| format!("no space {space}"))?;
                ids.push(id);
            }
            ids
        }
    };
    let mut matrices = Vec::new();
    let mut out = std::io::stdout();
    for id in &ids {
        let matrix = matrix(&db, *id).await?;
        writeln!(
            out,
            "space {id}: {} members, {} items, {} pairs",
            matrix.rows(),
            matrix.cols(),
            matrix.nnz()
        )?;
        matrices.push(matrix);
    }
    db.close().await;
    let seeds = seeds.to_vec();
    let results =
        tokio::task::spawn_blocking(move || compare(&matrices, &seeds, &Settings::default()))
            .await?;
    for r in &results {
        writeln!(
            out,
            "seed {}: {} members, ALS with {} factors P@{K} {:.4}, user-kNN {:.4}, popularity {:.4}",
            r.seed, r.users, r.factors, r.als, r.knn, r.popularity
        )?;
    }
    let seeds: Vec<u64> = results.iter().map(|r| r.seed).collect();
    let mean = |figure: fn(&lyceum_intelligence::evaluate::SeedResult) -> f64| {
        mean_over_seeds(&seeds, |s| {
            results
                .iter()
                .find(|r| r.seed == s)
                .map_or(f64::NAN, figure)
        })
        .0
    };
    writeln!(
        out,
        "P@{K}, mean over {} seeds: ALS {:.4}, user-kNN {:.4}, popularity {:.4}",
        seeds.len(),
        mean(|r| r.als),
        mean(|r| r.knn),
        mean(|r| r.popularity)
    )?;
    Ok(())
}

/// A space's members × items matrix of clicks, members and items numbered as first met.
async fn matrix(db: &Db, space: Uuid) -> anyhow::Result<CsrMatrix> {
    let rows = clicks(db, &space.to_string()).await?;
    let mut members: HashMap<Uuid, u32> = HashMap::new();
    let mut items: HashMap<Uuid, u32> = HashMap::new();
    let mut triples = Vec::with_capacity(rows.len());
    for (member, item, clicks) in rows {
        let next = u32::try_from(members.len())?;
        let m = *members.entry(member).or_insert(next);
        let next = u32::try_from(items.len())?;
        let i = *items.entry(item).or_insert(next);
        triples.push((m, i, clicks as f32));
    }
    Ok(CsrMatrix::from_triples(
        members.len(),
        items.len(),
        &triples,
    )?)
}
