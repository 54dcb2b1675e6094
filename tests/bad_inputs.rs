//! The catalogue of bad inputs in `tests/bad-inputs/`: each case breaks the
//! valid dossier in `_base/` in one way and records the exact message the
//! build must print. For every case the build must exit with 1, never panic,
//! and leave the previous output exactly as it was.
//!
//! A case folder holds `files/` (copied over the base), an optional `setup`
//! (one command a line: `remove PATH`, `symlink LINK TARGET`, `big PATH MB`,
//! `args ARGS…`, with `$ROOT` for the dossier folder) and `expected`, the
//! exact error output. Run with `DOSSIER_BLESS=1` to rewrite `expected` after
//! a deliberate change of wording, and review the diff.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

fn catalogue() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inputs")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::create_dir_all(target.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn setup(root: &Path, script: &str) -> Vec<String> {
    let mut args = Vec::new();
    let root_str = root.to_str().unwrap();
    for line in script.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| w.replace("$ROOT", root_str))
            .collect();
        match words[0].as_str() {
            "remove" => fs::remove_file(root.join(&words[1])).unwrap(),
            "symlink" => {
                let link = root.join(&words[1]);
                let _ = fs::remove_file(&link);
                std::os::unix::fs::symlink(&words[2], link).unwrap();
            }
            "big" => {
                let mb: usize = words[2].parse().unwrap();
                let line = "A line of a very long article that someone pasted by mistake.\n";
                let text = line.repeat(mb * 1024 * 1024 / line.len() + 1);
                fs::write(root.join(&words[1]), text).unwrap();
            }
            "args" => args.extend(words[1..].iter().cloned()),
            other => panic!("unknown setup command {other}"),
        }
    }
    args
}

fn run_case(case: &Path) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("dossier");
    copy_tree(&catalogue().join("_base"), &root);
    let root_str = root.to_str().unwrap();

    let first = common::dossier(&["build", "--root", root_str]);
    if !first.status.success() {
        return Err(format!("{name}: the base does not build"));
    }
    let before = common::site_files(&root.join("public"));

    if case.join("files").is_dir() {
        copy_tree(&case.join("files"), &root);
    }
    let extra = match fs::read_to_string(case.join("setup")) {
        Ok(script) => setup(&root, &script),
        Err(_) => Vec::new(),
    };
    let mut args = vec!["build".to_string(), "--root".into(), root_str.into()];
    args.extend(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::dossier(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).replace(root_str, "$ROOT");

    if out.status.code() != Some(1) {
        return Err(format!(
            "{name}: exit code {:?}, not 1\n{stderr}",
            out.status.code()
        ));
    }
    if stderr.contains("panicked") {
        return Err(format!("{name}: panicked\n{stderr}"));
    }
    if common::site_files(&root.join("public")) != before {
        return Err(format!("{name}: the previous output changed"));
    }
    let expected_path = case.join("expected");
    if std::env::var_os("DOSSIER_BLESS").is_some() {
        fs::write(&expected_path, &stderr).unwrap();
        return Ok(());
    }
    let expected = fs::read_to_string(&expected_path)
        .map_err(|_| format!("{name}: no `expected` file (run with DOSSIER_BLESS=1)"))?;
    if stderr != expected {
        return Err(format!(
            "{name}: the message changed\n--- expected\n{expected}\n--- got\n{stderr}"
        ));
    }
    Ok(())
}

#[test]
fn every_bad_input_gets_its_exact_message_exit_1_and_loses_nothing() {
    let mut cases: Vec<PathBuf> = fs::read_dir(catalogue())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "the catalogue has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| run_case(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_expected_message_names_a_file_and_gives_a_hint() {
    for entry in fs::read_dir(catalogue()).unwrap() {
        let case = entry.unwrap().path();
        let Ok(expected) = fs::read_to_string(case.join("expected")) else {
            continue;
        };
        assert!(expected.contains("error: "), "{}", case.display());
        assert!(
            expected.contains("-->") || expected.contains("in "),
            "{}: no file",
            case.display()
        );
        assert!(expected.contains("help: "), "{}: no hint", case.display());
    }
}
