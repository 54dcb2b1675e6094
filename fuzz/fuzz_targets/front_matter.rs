//! A Markdown article with front matter, and a sidecar, from arbitrary bytes:
//! loading must return an article or diagnostics, never panic.
#![no_main]

use std::path::Path;

use dossier::load::{self, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = vec![
        SourceFile::new("dossier.yaml", data.to_vec()),
        SourceFile::new("content/articles/a.md", data.to_vec()),
        SourceFile::new("content/articles/b.txt", "Text.\n"),
        SourceFile::new("content/articles/b.yaml", data.to_vec()),
        SourceFile::new("content/topics/t.yaml", data.to_vec()),
        SourceFile::new("content/participants.yaml", data.to_vec()),
    ];
    let _ = load::parse(Path::new("."), &files);
});
