//! Shared helpers: fixture dossiers in temporary folders, the dossier binary,
//! and a checker for the links of a built site.
#![allow(dead_code)]

pub mod static_server;
pub mod webdriver;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub const CONFIG: &str = "title: Test dossier\nas_of: 2025-08-19\nsummary: The bottom line.\n";

pub const PARTICIPANTS: &str = "\
- id: zelensky
  name: Volodymyr Zelensky
  aliases: [Zelensky, Zelenskyy]
  role: President of Ukraine
- id: stubb
  name: Alexander Stubb
  aliases: [Stubb, Stubbs]
  role: President of Finland
- id: witkoff
  name: Steve Witkoff
  aliases: [Witkoff]
";

pub const TOPIC: &str = "title: Security guarantees\norder: 1\nsummary: What they say.\nkeywords:\n  - security guarantees\n  - Article 5\n";

pub const ARTICLE_TEXT: &str = "\
Select Language:
Zelensky arrived in Washington.
“Putin will not give any security guarantees,” Zelensky said.

Finnish President Alexander Stubbs will also attend.
Witkoff told CNN that talks produced “Article 5-like language” for Ukraine.
";

pub const ARTICLE_META: &str = "title: Talks in Washington\noutlet: Test News\npublished: 2025-08-18\nurl: https://example.org/a\ndrop_lines: [\"Select Language:\"]\n";

impl Fixture {
    /// A small valid dossier: one topic, three participants, one article.
    pub fn new() -> Fixture {
        let f = Fixture::empty();
        f.write("dossier.yaml", CONFIG);
        f.write("content/participants.yaml", PARTICIPANTS);
        f.write("content/topics/security.yaml", TOPIC);
        f.write("content/articles/a1.txt", ARTICLE_TEXT);
        f.write("content/articles/a1.yaml", ARTICLE_META);
        f
    }

    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temporary folder"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).unwrap();
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn page(&self, rel: &str) -> String {
        fs::read_to_string(self.public().join(rel))
            .unwrap_or_else(|e| panic!("{rel} was not written: {e}"))
    }

    /// Runs the real binary, as a user would.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all = vec![args[0], "--root"];
        let root = self.root().to_str().unwrap();
        all.push(root);
        all.extend(&args[1..]);
        dossier(&all)
    }

    /// `dossier build`, asserting it succeeds.
    pub fn build(&self) -> String {
        let out = self.run(&["build"]);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        stdout
    }

    /// `dossier build`, asserting it fails with exit code 1; returns stderr.
    pub fn build_fails(&self) -> String {
        let out = self.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "expected exit code 1, got {:?}\nstderr:\n{stderr}",
            out.status.code()
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr
    }
}

pub fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the dossier binary runs")
}

/// Builds the dossier at `root` into `output`, failing the test with the
/// build's own message if it does not succeed.
pub fn build_site(root: &Path, output: &Path, extra: &[&str]) {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = dossier(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Every file of a built site, by relative path.
pub fn site_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap();
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(entry.path()).unwrap(),
            );
        }
    }
    out
}

/// The values of every `href="…"` and `src="…"` attribute in `html`.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Checks that every internal link of every page resolves to a file, and every
/// fragment to an element id in it. Returns the problems found.
pub fn broken_links(site: &Path) -> Vec<String> {
    let files = site_files(site);
    let mut problems = Vec::new();
    for (rel, bytes) in &files {
        // 404.html is served in place of missing pages at any depth, so its
        // links start from the site's path, not from where it lies.
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        for link in links(&html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            assert!(
                !link.starts_with('/'),
                "{rel}: root-absolute link {link} breaks under a subpath"
            );
            let (path, fragment) = match link.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (link.as_str(), None),
            };
            let target = if path.is_empty() {
                rel.clone()
            } else {
                resolve(rel, path)
            };
            let Some(target_bytes) = files.get(&target) else {
                problems.push(format!("{rel}: {link} -> missing {target}"));
                continue;
            };
            if let Some(frag) = fragment {
                let text = String::from_utf8_lossy(target_bytes);
                if !text.contains(&format!("id=\"{frag}\"")) {
                    problems.push(format!("{rel}: {link} -> no #{frag} in {target}"));
                }
            }
        }
    }
    problems
}

// A copy of `check::resolve` on purpose: the tests' link check is an
// independent oracle, so a bug in the checker cannot hide itself.
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if link.ends_with('/') || joined.is_empty() {
        format!("{joined}/index.html")
            .trim_start_matches('/')
            .to_string()
    } else {
        joined
    }
}

/// A copy of the default dossier (`dossier.yaml` and `content/`) at `to`,
/// to edit or to add templates to.
pub fn copy_default_dossier(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir_all(to).unwrap();
    fs::copy(repo.join("dossier.yaml"), to.join("dossier.yaml")).unwrap();
    for entry in walkdir::WalkDir::new(repo.join("content")) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(repo).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
