//! Building fixture dossiers and reading the pages, as a user would.

mod common;

use std::path::Path;

use common::{Fixture, broken_links, site_files};

#[test]
fn paragraphs_land_under_their_topics_with_phrases_highlighted() {
    let f = Fixture::new();
    f.build();
    let topic = f.page("topics/security/index.html");
    // "Select Language:" was dropped, so the quote is paragraph 2.
    assert!(
        topic.contains(r#"href="../../sources/a1/index.html#p2""#),
        "{topic}"
    );
    assert!(topic.contains(r#"<mark class="kw">security guarantees</mark>"#));
    assert!(topic.contains(r#"<mark class="kw">Article 5</mark>"#));
    // Paragraphs without a keyword stay off the topic page.
    assert!(!topic.contains("arrived in Washington"));
    let json: serde_json::Value =
        serde_json::from_str(&f.page("dossier.json")).expect("dossier.json parses");
    let paras = json["sources"][0]["paragraphs"].as_array().unwrap();
    assert_eq!(paras[0]["text"], "Zelensky arrived in Washington.");
    assert_eq!(paras[1]["topics"], serde_json::json!(["security"]));
    assert_eq!(paras[0]["topics"], serde_json::json!([]));
    assert_eq!(json["coverage"]["security"]["a1"], 2);
}

#[test]
fn participants_are_found_by_any_alias() {
    let f = Fixture::new();
    f.build();
    let stubb = f.page("participants/stubb/index.html");
    assert!(
        stubb.contains(r#"Alexander <mark class="who">Stubbs</mark>"#),
        "{stubb}"
    );
    assert!(stubb.contains("1 mention"), "{stubb}");
    let json: serde_json::Value = serde_json::from_str(&f.page("dossier.json")).unwrap();
    let paras = json["sources"][0]["paragraphs"].as_array().unwrap();
    assert_eq!(paras[2]["participants"], serde_json::json!(["stubb"]));
    assert_eq!(paras[1]["participants"], serde_json::json!(["zelensky"]));
}

#[test]
fn quotes_are_attributed_only_when_the_sentence_names_the_speaker() {
    let f = Fixture::new();
    f.write(
        "content/articles/a2.md",
        "---\ntitle: Second\n---\n“We are ready,” she said.\n\nWitkoff said: “A real consensus.”\n",
    );
    f.build();
    let json: serde_json::Value = serde_json::from_str(&f.page("dossier.json")).unwrap();
    let quotes: Vec<(String, String, serde_json::Value)> = json["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["source"].as_str().unwrap().to_string(),
                q["text"].as_str().unwrap().to_string(),
                q["speaker"].clone(),
            )
        })
        .collect();
    assert!(quotes.contains(&(
        "a1".into(),
        "Putin will not give any security guarantees".into(),
        "zelensky".into()
    )));
    assert!(quotes.contains(&(
        "a1".into(),
        "Article 5-like language".into(),
        "witkoff".into()
    )));
    assert!(quotes.contains(&("a2".into(), "We are ready".into(), serde_json::Value::Null)));
    assert!(quotes.contains(&("a2".into(), "A real consensus.".into(), "witkoff".into())));
    let page = f.page("participants/witkoff/index.html");
    assert!(page.contains("A real consensus."));
    assert!(!page.contains("We are ready"));
}

#[test]
fn every_internal_link_resolves() {
    let f = Fixture::new();
    f.build();
    let broken = broken_links(&f.public());
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn script_in_articles_and_yaml_is_escaped() {
    let f = Fixture::empty();
    write_hostile(&f);
    f.build();
    check_inert(&f);
}

/// A dossier whose every field and text tries to inject markup or script.
fn write_hostile(f: &Fixture) {
    let evil = "<script>alert(1)</script>";
    f.write(
        "dossier.yaml",
        &format!("title: \"T {evil}\"\nsubtitle: \"<img src=x onerror=alert(2)>\"\nsummary: \"Hi {evil} [x](javascript:alert(3))\"\n"),
    );
    f.write(
        "content/participants.yaml",
        &format!(
            "- id: p\n  name: \"Bad {evil}\"\n  aliases: [Bad]\n  role: \"<b onclick=x>r</b>\"\n"
        ),
    );
    f.write(
        "content/topics/t.yaml",
        &format!("title: \"Topic {evil}\"\nsummary: \"<iframe src=x></iframe> {evil}\"\nkeywords: [script, Bad]\n"),
    );
    f.write(
        "content/articles/x.txt",
        &format!("Bad wrote {evil} here.\n“{evil},” Bad said.\n"),
    );
    f.write("content/articles/x.yaml", &format!("title: \"A {evil}\"\n"));
    f.write(
        "content/articles/y.md",
        &format!("---\ntitle: Y\n---\nRaw {evil} in markdown.\n\n## Heading {evil}\n\n<div onclick=\"x\">block</div>\n"),
    );
}

fn check_inert(f: &Fixture) {
    for (path, bytes) in site_files(&f.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        // Escaped content never contains a raw `<`, so every `<` opens a
        // tag the templates wrote: none may run code.
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap())
        {
            // Attribute values are text: only what lies outside quotes is markup.
            let markup: String = tag.split('"').step_by(2).collect::<Vec<_>>().join(" ");
            let lower = markup.to_lowercase();
            // The search page's own two scripts are the only ones allowed.
            let ours = [
                "script src=\"../search-index.js\"",
                "script src=\"../search.js\"",
            ];
            if ours.contains(&tag) {
                continue;
            }
            for bad in ["script", "iframe", "img", "object", "embed"] {
                assert!(!lower.starts_with(bad), "{path}: <{tag}>");
            }
            assert!(
                !tag.to_lowercase().contains("javascript:"),
                "{path}: <{tag}>"
            );
            assert!(
                !lower.split_whitespace().any(|a| a.starts_with("on")),
                "{path}: event handler in <{tag}>"
            );
        }
    }
    let source = f.page("sources/x/index.html");
    assert!(
        source.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || source.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{source}"
    );
}

/// Builds the dossier at `root` as it is, then with the partials of the
/// built-in renderers copied unchanged into its own templates, which Tera
/// then renders: both sites must be the same, byte for byte.
fn assert_built_in_renderers_match_their_partials(root: &Path) {
    let out = tempfile::tempdir().unwrap();
    let (fast, tera) = (out.path().join("fast"), out.path().join("tera"));
    common::build_site(root, &fast, &[]);
    let partials = root.join("templates/partials");
    std::fs::create_dir_all(&partials).unwrap();
    for name in dossier::render::BUILT_IN_PARTIALS {
        let default = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("templates")
            .join(name);
        std::fs::copy(default, root.join("templates").join(name)).unwrap();
    }
    common::build_site(root, &tera, &[]);
    let (fast, tera) = (site_files(&fast), site_files(&tera));
    assert_eq!(
        fast.keys().collect::<Vec<_>>(),
        tera.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &fast {
        assert!(
            bytes == &tera[path],
            "{}: {path} differs from the partials' rendering",
            root.display()
        );
    }
}

#[test]
fn built_in_renderers_write_what_their_partials_would() {
    // The default dossier: real articles, estimated dates, unattributed quotes.
    let dir = tempfile::tempdir().unwrap();
    let default = dir.path().join("default");
    common::copy_default_dossier(&default);
    assert_built_in_renderers_match_their_partials(&default);
    // Many sources: shared statements, single-source passages, paginated lists.
    let synth = dir.path().join("synth");
    dossier::synth::write_corpus(&synth, 150, 3).unwrap();
    assert_built_in_renderers_match_their_partials(&synth);
    // Markup everywhere, and a heading.
    let f = Fixture::empty();
    write_hostile(&f);
    assert_built_in_renderers_match_their_partials(f.root());
}

#[test]
fn a_dossier_s_own_copy_of_a_hooked_partial_is_what_renders() {
    let f = Fixture::new();
    f.write(
        "templates/partials/passage_item.html",
        "<li class=\"mine\">{{ passage.n }} of {{ group.source.label }}: {% include \"partials/passage.html\" %}</li>\n",
    );
    f.write(
        "templates/partials/source_paragraph.html",
        "<div class=\"my-para\" id=\"{{ passage.anchor }}\">{{ passage.html | safe }} {{ site.title }}</div>\n",
    );
    f.build();
    let topic = f.page("topics/security/index.html");
    assert!(
        topic.contains(r#"<li class="mine">2 of Test News: <p class="passage-text">"#),
        "{topic}"
    );
    let source = f.page("sources/a1/index.html");
    assert!(
        source.contains(r#"<div class="my-para" id="p1">Zelensky arrived in Washington."#),
        "{source}"
    );
    assert!(!source.contains(r#"<div class="para""#));
}

#[test]
fn a_dossier_s_own_page_templates_still_get_the_lists_the_default_ones_print_rendered() {
    // The default pages print the source groups and a source's aside
    // rendered (`groups_html`, `aside_html`); a page template of the
    // dossier's own may lay them out itself.
    let f = Fixture::new();
    f.write(
        "templates/topic.html",
        "{% for group in groups %}[{{ group.source.id }} {{ group.count }}: {{ group.passages_html | safe }}]{% endfor %}",
    );
    f.write(
        "templates/participant.html",
        "{% for group in groups %}[{{ group.source.id }} {{ group.count }}]{% endfor %}|{{ groups_html | safe }}",
    );
    f.write(
        "templates/source.html",
        "{% for t in topics %}[{{ t.item.title }} {{ t.count }}]{% endfor %}{% for p in participants %}[{{ p.item.name }}]{% endfor %}|{{ aside_html | safe }}",
    );
    f.build();
    let source = f.page("sources/a1/index.html");
    let (lists, aside) = source.split_once('|').unwrap();
    assert!(lists.starts_with("[Security guarantees "), "{source}");
    assert!(lists.contains("[Volodymyr Zelensky]"), "{source}");
    assert!(
        aside.starts_with(r#"<aside class="source-aside""#),
        "{source}"
    );
    let topic = f.page("topics/security/index.html");
    assert!(topic.starts_with("[a1 "), "{topic}");
    assert!(topic.contains(r#"<li class="passage">"#), "{topic}");
    let person = f.page("participants/zelensky/index.html");
    let (groups, html) = person.split_once('|').unwrap();
    assert!(groups.starts_with("[a1 "), "{person}");
    assert!(
        html.starts_with(r#"<article class="source-group" aria-labelledby="m-a1-h">"#),
        "{person}"
    );
}

#[test]
fn a_dossiers_own_template_overrides_the_built_in_one() {
    let f = Fixture::new();
    f.write(
        "templates/partials/source_badge.html",
        "<span class=\"my-badge\">{{ source.label }}</span>",
    );
    f.write("themes/default/static/extra.css", "body { color: red; }");
    f.build();
    let topic = f.page("topics/security/index.html");
    assert!(
        topic.contains(r#"<span class="my-badge">Test News</span>"#),
        "{topic}"
    );
    assert!(f.public().join("extra.css").is_file());
    assert!(
        f.public().join("style.css").is_file(),
        "built-in theme files remain"
    );
}

#[test]
fn the_build_is_byte_identical_across_runs() {
    let f = Fixture::new();
    f.build();
    let first = site_files(&f.public());
    f.build();
    assert_eq!(first, site_files(&f.public()));
}

#[test]
fn base_url_gives_canonical_links_and_relative_navigation() {
    let f = Fixture::new();
    let out = f.run(&[
        "build",
        "--base-url",
        "https://example.org/briefings/ukraine/",
    ]);
    assert!(out.status.success());
    let page = f.page("topics/security/index.html");
    assert!(page.contains(r#"<link rel="canonical" href="https://example.org/briefings/ukraine/topics/security/">"#), "{page}");
    assert!(page.contains(r#"href="../../style.css""#));
}

#[test]
fn a_base_url_without_a_host_gives_no_canonical_link_and_passes_check() {
    // A canonical link must be absolute; `/` or `/briefings/` cannot make one.
    let f = Fixture::new();
    f.write(
        "dossier.yaml",
        &format!("{}\nbase_url: \"/\"\n", common::CONFIG),
    );
    let out = f.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    f.build();
    let page = f.page("topics/security/index.html");
    assert!(!page.contains("rel=\"canonical\""), "{page}");
}

#[test]
fn the_summary_line_reports_pages_sources_topics_and_time() {
    let f = Fixture::new();
    let stdout = f.build();
    assert!(stdout.starts_with("Wrote 15 pages (21 files)"), "{stdout}");
    assert!(
        stdout.contains("1 sources, 1 topics, 3 participants"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with(" ms"), "{stdout}");
}

#[test]
fn check_writes_nothing() {
    let f = Fixture::new();
    let out = f.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("No problems"));
    assert!(!f.public().exists());
}

#[test]
fn init_makes_a_dossier_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("new");
    let out = common::dossier(&["init", target.to_str().unwrap()]);
    assert!(out.status.success());
    let out = common::dossier(&["build", "--root", target.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = std::fs::read_to_string(target.join("public/index.html")).unwrap();
    assert!(index.contains("Example briefing"));
    assert!(broken_links(&target.join("public")).is_empty());
    // A second init into the same, now non-empty folder refuses.
    let again = common::dossier(&["init", target.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
}

#[test]
fn byte_order_marks_and_crlf_line_endings_just_work() {
    let f = Fixture::new();
    f.write_bytes(
        "content/articles/a1.yaml",
        format!("\u{feff}{}", ARTICLE_META_CRLF).as_bytes(),
    );
    f.write_bytes(
        "content/articles/a1.txt",
        format!("\u{feff}{}", common::ARTICLE_TEXT.replace('\n', "\r\n")).as_bytes(),
    );
    f.build();
    let json: serde_json::Value = serde_json::from_str(&f.page("dossier.json")).unwrap();
    assert_eq!(json["sources"][0]["title"], "Talks in Washington");
    assert_eq!(
        json["sources"][0]["paragraphs"][0]["text"],
        "Zelensky arrived in Washington."
    );
}

const ARTICLE_META_CRLF: &str =
    "title: Talks in Washington\r\noutlet: Test News\r\ndrop_lines: [\"Select Language:\"]\r\n";

#[test]
fn a_topic_of_many_sources_continues_on_numbered_pages_with_a_pager() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    dossier::synth::write_corpus(&root, 700, 4).unwrap();
    let public = dir.path().join("public");
    common::build_site(&root, &public, &[]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(public.join("dossier.json")).unwrap())
            .unwrap();
    // The topic covered by the most sources, and how many cover it.
    let (slug, covering) = json["coverage"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(slug, by)| {
            let n = by
                .as_object()
                .unwrap()
                .values()
                .filter(|c| c.as_u64() > Some(0))
                .count();
            (slug.clone(), n)
        })
        .max_by_key(|(_, n)| *n)
        .unwrap();
    assert!(covering > 100, "{slug} is covered by {covering} sources");
    let pages = covering.div_ceil(100);
    let mut groups = 0;
    for k in 1..=pages {
        let rel = if k == 1 {
            format!("topics/{slug}/index.html")
        } else {
            format!("topics/{slug}/{k}/index.html")
        };
        let page = std::fs::read_to_string(public.join(&rel)).unwrap();
        groups += page.matches(r#"<article class="source-group""#).count();
        assert!(
            page.contains(&format!("page {k} of {pages}")),
            "{rel} does not say which page it is"
        );
        assert!(page.contains(r#"<nav class="pager""#), "{rel} has no pager");
        // Every page's links to the other pages of the topic lead to a page.
        let dir = public.join(&rel).parent().unwrap().to_path_buf();
        let to_pages: Vec<String> = common::links(&page)
            .into_iter()
            .filter(|l| l.contains(&format!("topics/{slug}/")) && !l.contains('#'))
            .collect();
        assert!(!to_pages.is_empty(), "{rel} links to no other page");
        for link in to_pages {
            assert!(dir.join(&link).canonicalize().is_ok(), "{rel}: {link}");
        }
        // The summary and the sources that do not cover the topic are on the first page only.
        assert_eq!(page.contains("Not covered by"), k == 1, "{rel}");
        if k == 1 {
            // Too many to name: counted.
            let missing = format!("Not covered by {} of the 700 sources.", 700 - covering);
            assert!(page.contains(&missing), "{rel}");
        }
    }
    assert_eq!(
        groups, covering,
        "every covering source is on exactly one page"
    );
    assert!(
        !public
            .join(format!("topics/{slug}/{}/index.html", pages + 1))
            .exists()
    );
}

#[test]
fn someone_named_by_many_sources_continues_on_numbered_pages() {
    let f = Fixture::empty();
    f.write("dossier.yaml", common::CONFIG);
    f.write("content/participants.yaml", common::PARTICIPANTS);
    f.write("content/topics/security.yaml", common::TOPIC);
    for k in 0..205 {
        f.write(
            &format!("content/articles/a{k:03}.txt"),
            &format!("Zelensky met envoys on day {k}.\n"),
        );
        f.write(
            &format!("content/articles/a{k:03}.yaml"),
            &format!("title: Day {k}\npublished: 2025-08-18\n"),
        );
    }
    f.build();
    let pages = [
        f.page("participants/zelensky/index.html"),
        f.page("participants/zelensky/2/index.html"),
        f.page("participants/zelensky/3/index.html"),
    ];
    assert!(!f.public().join("participants/zelensky/4").exists());
    let groups: Vec<usize> = pages
        .iter()
        .map(|p| p.matches(r#"<article class="source-group""#).count())
        .collect();
    assert_eq!(groups, [100, 100, 5]);
    for (k, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of 3", k + 1)),
            "page {}",
            k + 1
        );
        assert!(page.contains(r#"<nav class="pager" aria-label="Pages of Volodymyr Zelensky">"#));
    }
    // Someone nobody names keeps a single page saying so.
    let stubb = f.page("participants/stubb/index.html");
    assert!(stubb.contains("No source mentions Alexander Stubb"));
    assert!(!f.public().join("participants/stubb/2").exists());
}
