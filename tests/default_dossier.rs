//! The dossier shipped in this repository: five real articles on the August
//! 2025 Washington talks. Built into a temporary folder, never into public/.

mod common;

use std::path::Path;

use serde_json::Value;

fn build_default() -> (tempfile::TempDir, Value) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let root = env!("CARGO_MANIFEST_DIR");
    let run = common::dossier(&[
        "build",
        "--root",
        root,
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
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
