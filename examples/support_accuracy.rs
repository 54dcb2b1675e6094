//! How close the single-source judgement comes to comparing every pair of
//! paragraphs, which it avoids for speed: for a sample of the judged
//! paragraphs of a dossier, the best share of their content words found in
//! one paragraph of another source, exactly, against what the build found.
//!
//!     cargo run --release --example support_accuracy -- DIR [SAMPLE]
//!
//! DIR holds `dossier.yaml`; SAMPLE (default 2000) is how many judged
//! paragraphs to check, spread evenly over the dossier. Each is compared with
//! every paragraph of every other source, so the run grows with SAMPLE times
//! the dossier's size.

use dossier::analyze::compare::{self, Prints, UNIQUE_BELOW};
use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: support_accuracy DIR [SAMPLE]");
        std::process::exit(2);
    };
    let sample: usize = args.next().map_or(2000, |s| s.parse().unwrap_or(2000));
    let project = match dossier::load::load(std::path::Path::new(&root)) {
        Ok(project) => project,
        Err(errors) => {
            eprint!("{errors}");
            std::process::exit(1);
        }
    };
    let analysis = dossier::analyze::analyze(&project);
    let prints: Vec<Prints> = analysis
        .sources
        .iter()
        .map(|s| Prints::of(&s.paragraphs))
        .collect();
    let judged: Vec<(usize, usize, f64)> = analysis
        .support
        .iter()
        .enumerate()
        .flat_map(|(s, of)| {
            of.iter()
                .enumerate()
                .filter_map(move |(i, v)| v.map(|v| (s, i, v)))
        })
        .collect();
    let step = (judged.len() / sample.max(1)).max(1);
    let checked: Vec<(f64, f64)> = judged
        .par_iter()
        .step_by(step)
        .map(|&(s, i, found)| {
            (
                found,
                compare::best_support_exactly(&prints, s, &prints[s].content[i]),
            )
        })
        .collect();
    let n = checked.len();
    let unique = |v: f64| v < UNIQUE_BELOW;
    let flagged = checked.iter().filter(|c| unique(c.0)).count();
    let flagged_exactly = checked.iter().filter(|c| unique(c.1)).count();
    let wrong = checked
        .iter()
        .filter(|c| unique(c.0) != unique(c.1))
        .count();
    let equal = checked.iter().filter(|c| c.0 == c.1).count();
    let gap = checked.iter().map(|c| c.1 - c.0).sum::<f64>() / n.max(1) as f64;
    println!(
        "{n} of {} judged paragraphs checked against every pair",
        judged.len()
    );
    println!("  only in one source: {flagged} as built, {flagged_exactly} by every pair");
    println!(
        "  judged otherwise than by every pair: {wrong} ({:.1} %)",
        100.0 * wrong as f64 / n.max(1) as f64
    );
    println!("  support exactly the best match: {equal}; on average {gap:.3} under it");
}
