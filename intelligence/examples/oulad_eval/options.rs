//! The example's command line, parsed by hand (the crate takes no CLI dependency).

use std::path::PathBuf;

use lyceum_intelligence::{AlsParams, Weighting};

pub struct Options {
    pub data: PathBuf,
    pub als: AlsParams,
    pub weighting: Weighting,
    pub factors: Option<usize>,
    pub candidates: Vec<usize>,
    pub neighbours: usize,
    pub seeds: Vec<u64>,
    pub export: Option<PathBuf>,
    pub validation_only: bool,
}

type Error = Box<dyn std::error::Error>;

fn list<T: std::str::FromStr>(s: &str) -> Result<Vec<T>, Error>
where
    T::Err: std::error::Error + 'static,
{
    s.split(',').map(|p| Ok(p.trim().parse()?)).collect()
}

pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, Error> {
    let mut o = Options {
        data: PathBuf::from("/work/shared/data/oulad/studentVle_AAA2013J_AAA2014J_BBB2013B.csv.gz"),
        als: AlsParams::default(),
        weighting: Weighting::default(),
        factors: None,
        candidates: vec![16, 32, 64, 128],
        neighbours: 50,
        seeds: vec![0, 1, 2],
        export: None,
        validation_only: false,
    };
    while let Some(flag) = args.next() {
        if flag == "--validation-only" {
            o.validation_only = true;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--data" => o.data = value.into(),
            "--alpha" => o.als.alpha = value.parse()?,
            "--reg" => o.als.regularization = value.parse()?,
            "--iterations" => o.als.iterations = value.parse()?,
            "--cg-steps" => o.als.cg_steps = value.parse()?,
            "--factors" => o.factors = Some(value.parse()?),
            "--candidates" => o.candidates = list(&value)?,
            "--neighbours" => o.neighbours = value.parse()?,
            "--seeds" => o.seeds = list(&value)?,
            "--export" => o.export = Some(value.into()),
            "--weighting" => {
                o.weighting = match value.as_str() {
                    "raw" => Weighting::Raw,
                    "log1p" => Weighting::Log1p,
                    "binary" => Weighting::Binary,
                    other => return Err(format!("unknown weighting {other}").into()),
                }
            }
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    Ok(o)
}
