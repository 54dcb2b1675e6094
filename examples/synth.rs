//! Writes a deterministic synthetic dossier for benchmarks:
//! `cargo run --release --example synth -- --articles 10000 --out DIR [--seed N]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut articles = 1000;
    let mut out: Option<PathBuf> = None;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--articles", Some(v)) => articles = v.parse().expect("--articles takes a number"),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--seed", Some(v)) => seed = v.parse().expect("--seed takes a number"),
            _ => {
                eprintln!("usage: synth --articles N --out DIR [--seed N]");
                return ExitCode::FAILURE;
            }
        }
    }
    let Some(out) = out else {
        eprintln!("usage: synth --articles N --out DIR [--seed N]");
        return ExitCode::FAILURE;
    };
    if let Err(e) = dossier::synth::write_corpus(&out, articles, seed) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {articles} articles to {}", out.display());
    ExitCode::SUCCESS
}
