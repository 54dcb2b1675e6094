//! Builds that are killed, repeated, or run with other thread counts and
//! file orders: the output is always a whole site, always the same bytes.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn build_with(root: &Path, output: &Path, threads: Option<&str>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dossier"));
    cmd.args([
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn set_title(root: &Path, title: &str) {
    let path = root.join("dossier.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let rest: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    fs::write(path, format!("title: \"{title}\"\n{rest}")).unwrap();
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site_or_the_new_one_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    dossier::synth::write_corpus(&root, 150, 3).unwrap();
    let public = root.join("public");

    // The two complete sites a killed build may leave: before and after.
    set_title(&root, "Version A");
    let started = Instant::now();
    build_with(&root, &dir.path().join("a"), None);
    let full = started.elapsed();
    let site_a = common::site_files(&dir.path().join("a"));
    set_title(&root, "Version B");
    build_with(&root, &dir.path().join("b"), None);
    let site_b = common::site_files(&dir.path().join("b"));
    assert_ne!(site_a, site_b);

    set_title(&root, "Version A");
    build_with(&root, &public, None);
    let mut current: &BTreeMap<String, Vec<u8>> = &site_a;
    let steps = 16;
    let mut finished = 0;
    for k in 0..steps {
        // Build the other version and kill it part way, at points spread
        // from start-up to just past the end of a full build.
        let (title, other) = if std::ptr::eq(current, &site_a) {
            ("Version B", &site_b)
        } else {
            ("Version A", &site_a)
        };
        set_title(&root, title);
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["build", "--root", root.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(1.2 * k as f64 / steps as f64));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        let now = common::site_files(&public);
        if now == *other {
            current = other;
        } else {
            assert!(
                now == *current,
                "after a kill at step {k}, public/ is neither the previous site nor the new one ({} files)",
                now.len()
            );
        }
    }
    assert!(finished < steps, "no build was actually interrupted");
    // The next build cleans up whatever the killed ones left beside public/.
    build_with(&root, &public, None);
    let leftovers: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_default_dossier_is_byte_identical_with_one_thread_or_many() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    build_with(root, &dir.path().join("one"), Some("1"));
    build_with(root, &dir.path().join("many"), Some("4"));
    let one = common::site_files(&dir.path().join("one"));
    assert!(one.len() > 30);
    assert_eq!(one, common::site_files(&dir.path().join("many")));
}

#[test]
fn a_generated_corpus_is_byte_identical_whatever_the_threads_and_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    dossier::synth::write_corpus(&root, 150, 11).unwrap();
    // The same files created in the opposite order, so that the directory
    // order the file system returns differs.
    let reversed = dir.path().join("reversed");
    let mut files: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    files.reverse();
    for f in files {
        let target = reversed.join(f.strip_prefix(&root).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&f, target).unwrap();
    }
    build_with(&root, &dir.path().join("one"), Some("1"));
    build_with(&root, &dir.path().join("many"), Some("4"));
    build_with(&reversed, &dir.path().join("reversed-out"), None);
    let one = common::site_files(&dir.path().join("one"));
    assert!(one.len() > 300);
    assert_eq!(one, common::site_files(&dir.path().join("many")));
    assert_eq!(one, common::site_files(&dir.path().join("reversed-out")));
}

#[test]
fn very_long_lines_render_as_text() {
    let f = common::Fixture::new();
    let line = "Zelensky said security guarantees matter. ".repeat(25_000);
    f.write("content/articles/long.txt", &format!("{line}\n"));
    f.write("content/articles/long.yaml", "title: A very long line\n");
    f.build();
    let page = f.page("sources/long/index.html");
    assert!(page.len() > line.len());
}
