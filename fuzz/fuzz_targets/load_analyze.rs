//! The whole load-and-analyze path on arbitrary input: the bytes are split
//! into an article text, its sidecar, a topic and the participants, so valid
//! metadata is reached often and the analysis runs on hostile text.
#![no_main]

use std::path::Path;

use dossier::analyze;
use dossier::load::{self, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0);
    let text = parts.next().unwrap_or_default();
    let meta = parts.next().unwrap_or_default();
    let keywords = parts.next().unwrap_or_default();
    let alias = parts.next().unwrap_or_default();
    let mut topic = b"title: T\nkeywords:\n  - ".to_vec();
    topic.extend_from_slice(keywords);
    let mut people = b"- id: p\n  name: P\n  aliases:\n    - ".to_vec();
    people.extend_from_slice(alias);
    let mut sidecar = b"title: A\n".to_vec();
    sidecar.extend_from_slice(meta);
    let files = vec![
        SourceFile::new("dossier.yaml", "title: T\n"),
        SourceFile::new("content/articles/a.txt", text.to_vec()),
        SourceFile::new("content/articles/a.yaml", sidecar),
        SourceFile::new("content/articles/m.md", text.to_vec()),
        SourceFile::new("content/topics/t.yaml", topic),
        SourceFile::new("content/participants.yaml", people),
    ];
    if let Ok(project) = load::parse(Path::new("."), &files) {
        let analysis = analyze::analyze(&project);
        for q in &analysis.quotes {
            let para = &analysis.sources[q.source].paragraphs[q.paragraph];
            assert!(q.end <= para.text.len());
        }
    }
});
