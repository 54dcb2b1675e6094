//! The dossier shipped in this repository: five real articles on the August
//! 2025 Washington talks. Built into a temporary folder, never into public/.

mod common;

use std::path::Path;

use serde_json::Value;

fn build_default() -> (tempfile::TempDir, Value) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    common::build_site(Path::new(env!("CARGO_MANIFEST_DIR")), &public, &[]);
    let json = std::fs::read_to_string(public.join("dossier.json")).unwrap();
    (out, serde_json::from_str(&json).unwrap())
}

fn source<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no source {id}"))
}

#[test]
fn the_default_dossier_has_the_five_seed_articles_verbatim() {
    let (_out, json) = build_default();
    let ids: Vec<&str> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["000", "001", "002", "003", "004"]);
    for id in ids {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("content/articles/{id}.txt")),
        )
        .unwrap();
        for p in source(&json, id)["paragraphs"].as_array().unwrap() {
            let para = p["text"].as_str().unwrap();
            assert!(text.contains(para), "{id} {}: not verbatim", p["n"]);
        }
    }
    // The scraped language picker is dropped; nothing else is.
    let first = &source(&json, "001")["paragraphs"][0]["text"];
    assert!(first.as_str().unwrap().starts_with("Ukrainian President"));
}

#[test]
fn metadata_claims_only_what_the_text_supports() {
    let (_out, json) = build_default();
    assert_eq!(source(&json, "003")["outlet"], "BBC News");
    for id in ["000", "001", "002", "004"] {
        assert!(
            source(&json, id)["outlet"].is_null(),
            "{id} has no stated outlet"
        );
    }
    for s in json["sources"].as_array().unwrap() {
        assert!(s["url"].is_null(), "no URL is invented");
        assert!(s["author"].is_null(), "no author is invented");
        assert_eq!(s["published_estimated"], true, "dates are estimates");
    }
}

#[test]
fn subheadings_of_the_scraped_text_are_recognised() {
    let (_out, json) = build_default();
    let headings: Vec<&str> = source(&json, "002")["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["heading"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        headings,
        [
            "Security Guarantees on the Table",
            "Disputes Over Land",
            "Concerns in Europe"
        ]
    );
}

#[test]
fn spelling_variants_are_one_participant() {
    let (out, json) = build_default();
    let p001 = source(&json, "001")["paragraphs"].as_array().unwrap();
    assert!(
        p001.iter().any(|p| p["participants"]
            .as_array()
            .unwrap()
            .contains(&"alexander-stubb".into())),
        "Stubbs in 001 is Alexander Stubb"
    );
    let zelenskyy = source(&json, "004")["paragraphs"][0]["participants"].clone();
    assert!(
        zelenskyy
            .as_array()
            .unwrap()
            .contains(&"volodymyr-zelensky".into())
    );
    let page = std::fs::read_to_string(
        out.path()
            .join("public/participants/alexander-stubb/index.html"),
    )
    .unwrap();
    assert!(page.contains(r#"<mark class="who">Alexander Stubbs</mark>"#));
}

#[test]
fn zelenskys_remark_is_attributed_in_both_outlets() {
    let (_out, json) = build_default();
    let quotes = json["quotes"].as_array().unwrap();
    let by = |src: &str, start: &str| {
        quotes
            .iter()
            .find(|q| q["source"] == src && q["text"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no quote {start} in {src}"))["speaker"]
            .clone()
    };
    assert_eq!(by("000", "What President Trump said"), "volodymyr-zelensky");
    assert_eq!(
        by("001", "What President Trump mentioned"),
        "volodymyr-zelensky"
    );
    assert_eq!(
        by("003", "robust security guarantees that I"),
        "steve-witkoff"
    );
    assert!(
        by("000", "Putin de facto demands").is_null(),
        "an unnamed official"
    );
    assert!(
        by("001", "We appreciate").is_null(),
        "“she commented” is not guessed"
    );
}

#[test]
fn every_link_of_the_default_dossier_resolves() {
    let (out, _json) = build_default();
    let broken = common::broken_links(&out.path().join("public"));
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn every_summary_cites_and_every_citation_resolves() {
    let (out, json) = build_default();
    let public = out.path().join("public");
    for topic in json["topics"].as_array().unwrap() {
        let summary = topic["summary"].as_str().unwrap();
        assert!(summary.contains("[@"), "{} cites nothing", topic["slug"]);
        let page = std::fs::read_to_string(public.join(format!(
            "topics/{}/index.html",
            topic["slug"].as_str().unwrap()
        )))
        .unwrap();
        assert!(page.contains(r#"<sup class="cite">"#));
        assert!(page.contains(r#"<section class="references""#));
    }
    let index = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(index.contains(r#"<sup class="cite">"#));
    // No citation is left as raw syntax anywhere.
    for (path, bytes) in common::site_files(&public) {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("[@"),
                "raw citation in {path}"
            );
        }
    }
    assert!(json["citations"].as_array().unwrap().len() > 60);
}

#[test]
fn the_timeline_holds_the_events_the_articles_report() {
    let (_out, json) = build_default();
    let events: Vec<(&str, &str)> = json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["date"].as_str().unwrap(), e["title"].as_str().unwrap()))
        .collect();
    let dates: Vec<&str> = events.iter().map(|e| e.0).collect();
    assert_eq!(
        dates,
        [
            "2014-03-18",
            "2022-09-30",
            "2025-02-28",
            "2025-08-15",
            "2025-08-17",
            "2025-08-18"
        ],
        "{events:?}"
    );
    assert!(events[3].1.contains("Alaska"));
    assert!(events[4].1.to_lowercase().contains("video call"));
    for e in json["timeline"].as_array().unwrap() {
        assert!(e["description"].as_str().unwrap().contains("[@"), "{e}");
    }
}

#[test]
fn the_sources_differences_are_found_on_the_seeds() {
    let (_out, json) = build_default();
    let derivative: Vec<(&str, &str)> = json["similarity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["derivative"] == true)
        .map(|p| (p["a"].as_str().unwrap(), p["b"].as_str().unwrap()))
        .collect();
    assert_eq!(
        derivative,
        [("000", "001")],
        "001 reads like a rewrite of 000"
    );
    // Zelensky's remark on guarantees, in 000 and 001, is one statement.
    let quotes = json["quotes"].as_array().unwrap();
    let zelensky = json["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["quotes"].as_array().unwrap().iter().any(|q| {
                quotes[q.as_u64().unwrap() as usize]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("What President Trump said")
            })
        })
        .unwrap();
    let sources: Vec<&str> = zelensky["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            quotes[q.as_u64().unwrap() as usize]["source"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(sources, ["000", "001"]);
    assert_eq!(zelensky["speaker"], "volodymyr-zelensky");
    // Spellings across outlets.
    let spellings = json["spellings"].to_string();
    for form in ["Zelenskyy", "Stubbs", "Lugansk", "Luhansk", "Nato"] {
        assert!(
            spellings.contains(&format!("\"{form}\"")),
            "{form}: {spellings}"
        );
    }
    // The $100bn weapons offer rests on 004 alone.
    let p14 = &source(&json, "004")["paragraphs"][13];
    assert!(p14["text"].as_str().unwrap().contains("$100bn"));
    assert_eq!(p14["single_source"], true);
    assert!(
        json["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["text"] == "70%" && f["source"] == "003")
    );
}
