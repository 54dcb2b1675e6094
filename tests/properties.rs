//! Properties that must hold for any input, not just the examples: no panic,
//! and the invariants later stages rely on (paragraphs are slices of the
//! source, anchors are unique, matches and quotes lie inside their text).

use std::path::Path;

use dossier::analyze::{self, matcher::Matcher, paragraphs, quotes};
use dossier::load::{self, SourceFile};
use proptest::prelude::*;

/// Text shaped like news: words, names, typographic and straight quotes,
/// apostrophes, dashes, multibyte letters, line breaks and blank runs.
fn newsy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Zelensky",
        "Zelenskyy",
        "Trump",
        "said",
        "told",
        ":",
        ",",
        ".",
        "!",
        "?",
        " ",
        " ",
        " ",
        "“",
        "”",
        "\"",
        "’",
        "'",
        "—",
        "-",
        "\n",
        "\n\n",
        "\r\n",
        "security guarantees",
        "Article 5",
        "İ",
        "ß",
        "Зеленський",
        "ﬁ",
        "\u{feff}",
        "\t",
        "U.S.",
        "Mr.",
        "(",
        ")",
        "#",
        "*",
        "<b>",
        "---",
        "a",
        "e",
        "x",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![newsy(), any::<String>()]
}

fn matcher() -> Matcher {
    let topics = vec![
        vec![
            "security guarantees".to_string(),
            "Article 5".into(),
            "ß".into(),
        ],
        vec!["i".to_string(), "“".into()],
    ];
    let people = vec![
        vec![
            "Zelensky".to_string(),
            "Zelenskyy".into(),
            "Зеленський".into(),
        ],
        vec!["Trump".to_string(), "Donald Trump".into(), "İ".into()],
    ];
    Matcher::new(&topics, &people)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn plain_paragraphs_are_non_empty_slices_of_the_source(body in any_text()) {
        for block in paragraphs::split_plain(&body) {
            prop_assert!(!block.text.is_empty());
            prop_assert!(!block.text.contains('\n'));
            prop_assert!(body.contains(&block.text), "{:?} is not in the source", block.text);
        }
    }

    #[test]
    fn markdown_paragraphs_never_panic_and_are_never_empty(body in any_text()) {
        for block in paragraphs::split_markdown(&body) {
            prop_assert!(!block.text.trim().is_empty());
        }
    }

    #[test]
    fn matches_lie_on_char_boundaries_inside_the_text(text in any_text()) {
        let (topics, people) = matcher().find(&text);
        for hit in topics.iter().chain(&people) {
            prop_assert!(hit.start < hit.end && hit.end <= text.len());
            prop_assert!(text.is_char_boundary(hit.start) && text.is_char_boundary(hit.end));
        }
        prop_assert!(topics.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(people.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn quotes_lie_inside_their_paragraph_without_overlapping(text in any_text()) {
        let (_, people) = matcher().find(&text);
        let spans = quotes::extract(&text, &people);
        for q in &spans {
            prop_assert!(q.start < q.end && q.end <= text.len());
            prop_assert!(text.is_char_boundary(q.start) && text.is_char_boundary(q.end));
            prop_assert!(q.speaker.is_none_or(|s| s < 2));
        }
        prop_assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn loading_and_analysing_any_article_never_panics_and_anchors_are_unique(
        body in any_text(),
        meta in any_text(),
        markdown in any_text(),
    ) {
        let files = vec![
            SourceFile::new("dossier.yaml", "title: T\n"),
            SourceFile::new("content/topics/t.yaml", "title: T\nkeywords: [security guarantees, said]\n"),
            SourceFile::new("content/participants.yaml", "- id: z\n  name: Zelensky\n  aliases: [Zelenskyy]\n"),
            SourceFile::new("content/articles/a.txt", body.clone()),
            SourceFile::new("content/articles/a.yaml", format!("title: A\n{meta}")),
            SourceFile::new("content/articles/b.md", markdown),
            SourceFile::new("content/articles/c.txt", body),
            SourceFile::new("content/articles/c.yaml", "title: C\n"),
        ];
        // Bad metadata is an error, never a panic; good metadata analyses.
        if let Ok(project) = load::parse(Path::new("."), &files) {
            let analysis = analyze::analyze(&project);
            for source in &analysis.sources {
                let anchors: std::collections::HashSet<String> =
                    source.paragraphs.iter().map(|p| p.anchor()).collect();
                prop_assert_eq!(anchors.len(), source.paragraphs.len());
                for (i, p) in source.paragraphs.iter().enumerate() {
                    prop_assert_eq!(p.n, i + 1);
                }
            }
            for q in &analysis.quotes {
                let para = &analysis.sources[q.source].paragraphs[q.paragraph];
                prop_assert!(q.end <= para.text.len());
            }
        }
    }
}
