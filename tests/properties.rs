//! Properties that must hold for any input, not just the examples: no panic,
//! and the invariants later stages rely on (paragraphs are slices of the
//! source, anchors are unique, matches and quotes lie inside their text).

use std::path::Path;

use dossier::analyze::{
    self,
    matcher::{Matcher, WordIndex},
    paragraphs, quotes,
};
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

/// A keyword as an analyst might write one, or any string.
fn keyword() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "security guarantees",
        "Article 5",
        "article 5-like",
        "Zelensky’s",
        "U.S.",
        "i",
        "İ",
        "ß",
        "\u{212A}",
        "Зеленський",
        "’",
        " said ",
        "a",
        "ﬁ",
    ]);
    prop_oneof![
        prop::collection::vec(words, 1..3).prop_map(|v| v.join(" ")),
        any::<String>()
    ]
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
    fn the_word_index_offers_every_paragraph_a_phrase_matches_in(
        sources in prop::collection::vec(prop::collection::vec(any_text(), 0..4), 1..4),
        phrases in prop::collection::vec(keyword(), 1..4),
    ) {
        let texts: Vec<Vec<&str>> = sources
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let matcher = Matcher::new(std::slice::from_ref(&phrases), &[]);
        let offered = WordIndex::new(&texts).candidates(&phrases);
        for (s, paragraphs) in texts.iter().enumerate() {
            for (i, text) in paragraphs.iter().enumerate() {
                if !matcher.find(text).0.is_empty() {
                    prop_assert!(
                        offered.as_ref().is_none_or(|o| o.contains(&(s, i))),
                        "{:?} matches {:?} but is not offered",
                        text,
                        phrases
                    );
                }
            }
        }
    }

    #[test]
    fn a_topic_matched_again_is_as_a_whole_analysis_finds_it(
        bodies in prop::collection::vec(newsy(), 1..4),
        before in prop::collection::vec(keyword(), 1..3),
        after in prop::collection::vec(keyword(), 1..3),
    ) {
        let quoted = |ks: &[String]| {
            let list: Vec<String> = ks.iter().map(|k| format!("{k:?}")).collect();
            format!("title: T\nkeywords: [{}]\n", list.join(", "))
        };
        let project = |keywords: &[String]| {
            let mut files = vec![
                SourceFile::new("dossier.yaml", "title: T\n"),
                SourceFile::new("content/topics/a.yaml", "title: A\nkeywords: [Trump, said]\n"),
                SourceFile::new("content/topics/t.yaml", quoted(keywords)),
                SourceFile::new(
                    "content/participants.yaml",
                    "- id: z\n  name: Zelensky\n  aliases: [Zelenskyy]\n",
                ),
            ];
            for (k, body) in bodies.iter().enumerate() {
                files.push(SourceFile::new(format!("content/articles/{k}.txt"), body.clone()));
                files.push(SourceFile::new(format!("content/articles/{k}.yaml"), "title: A\n"));
            }
            load::parse(Path::new("."), &files)
        };
        // Keywords YAML cannot hold (or that are empty) are not an edit.
        let (Ok(old), Ok(new)) = (project(&before), project(&after)) else {
            return Ok(());
        };
        let t = new.topics.iter().position(|t| t.slug == "t").unwrap();
        let mut kept = analyze::analyze(&old);
        let words = analyze::word_index(&kept);
        let changed = analyze::rematch_topic(&new, &mut kept, t, &words);
        let whole = analyze::analyze(&new);
        let was = analyze::analyze(&old);
        prop_assert_eq!(&kept.coverage, &whole.coverage);
        let mut expected = Vec::new();
        for (s, (a, b)) in kept.sources.iter().zip(&whole.sources).enumerate() {
            for (i, (p, q)) in a.paragraphs.iter().zip(&b.paragraphs).enumerate() {
                prop_assert_eq!(&p.topic_hits, &q.topic_hits);
                prop_assert_eq!(p.topics(), q.topics());
                let on = |p: &analyze::Paragraph| p.topics().contains(&t);
                if on(&was.sources[s].paragraphs[i]) != on(q) {
                    expected.push((s, i));
                }
            }
        }
        prop_assert_eq!(changed, expected);
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
