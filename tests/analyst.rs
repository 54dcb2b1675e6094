//! The analyst's features: verified citations, who said what, the timeline,
//! and where the sources differ.

mod common;

use common::Fixture;
use serde_json::Value;

fn json(f: &Fixture) -> Value {
    serde_json::from_str(&f.page("dossier.json")).unwrap()
}

const ORIGINAL: &str = "\
European leaders will join Ukrainian President Volodymyr Zelensky in Washington on Monday for high-stakes talks with President Donald Trump, as allies weigh how to end the war.
The meeting follows the summit with Russian President Vladimir Putin in Alaska on Friday, which failed to produce the ceasefire that Washington had been pushing.
“Putin will not give any security guarantees,” Zelensky said in Brussels.
";
const REWRITE: &str = "\
Ukrainian President Volodymyr Zelensky and European leaders will join talks in Washington on Monday with President Donald Trump, as allies weigh how to end the war.
This follows the failed summit with Russian President Vladimir Putin in Alaska, which failed to produce the ceasefire that Washington had been pushing for.
“Putin is not going to give any security guarantees,” Zelensky said during his visit.
";
const UNRELATED: &str = "\
Farmers in the valley expect a record harvest of apples this autumn after a wet spring and a warm summer, the growers association reported.
Russian strikes on Kharkiv killed three civilians and injured dozens overnight, regional authorities told reporters on Tuesday morning.
";

fn three_sources() -> Fixture {
    let f = Fixture::new();
    f.remove("content/articles/a1.txt");
    f.remove("content/articles/a1.yaml");
    for (id, text, outlet) in [
        ("orig", ORIGINAL, "Wire"),
        ("copy", REWRITE, "Copycat"),
        ("other", UNRELATED, "Valley News"),
    ] {
        f.write(&format!("content/articles/{id}.txt"), text);
        f.write(
            &format!("content/articles/{id}.yaml"),
            &format!("title: {id}\noutlet: {outlet}\npublished: 2025-08-17\n"),
        );
    }
    f
}

#[test]
fn a_rewritten_pair_scores_above_an_unrelated_pair_and_is_flagged() {
    let f = three_sources();
    f.build();
    let pairs = json(&f)["similarity"].as_array().unwrap().clone();
    assert_eq!(
        (pairs[0]["a"].as_str(), pairs[0]["b"].as_str()),
        (Some("copy"), Some("orig"))
    );
    assert_eq!(pairs[0]["derivative"], true);
    for p in &pairs[1..] {
        assert!(p["similarity"].as_f64() < pairs[0]["similarity"].as_f64());
        assert_eq!(p["derivative"], false);
    }
    let compare = f.page("compare/index.html");
    assert!(compare.contains("looks rewritten from one another"));
    let index = f.page("index.html");
    assert!(
        index.contains("one looks rewritten from the other"),
        "{index}"
    );
}

#[test]
fn one_statement_reported_by_two_outlets_is_grouped() {
    let f = three_sources();
    f.build();
    let data = json(&f);
    let quotes = data["quotes"].as_array().unwrap();
    let shared: Vec<&Value> = data["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["quotes"].as_array().unwrap().len() > 1)
        .collect();
    assert_eq!(shared.len(), 1, "{shared:?}");
    assert_eq!(shared[0]["speaker"], "zelensky");
    let sources: Vec<&str> = shared[0]["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            quotes[i.as_u64().unwrap() as usize]["source"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(sources, ["copy", "orig"]);
    let page = f.page("quotes/index.html");
    assert!(page.contains("reported by 2 outlets"), "{page}");
    let person = f.page("participants/zelensky/index.html");
    assert!(person.contains("Putin is not going to give any security guarantees"));
    assert!(person.contains("Putin will not give any security guarantees"));
}

#[test]
fn only_the_passage_no_other_source_carries_is_flagged() {
    let f = three_sources();
    f.write(
        "content/topics/fighting.yaml",
        "title: Fighting\nkeywords: [strikes, harvest, summit]\n",
    );
    f.build();
    let data = json(&f);
    let flags = |id: &str| -> Vec<bool> {
        data["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["single_source"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(flags("other"), [true, true]);
    assert!(
        !flags("orig")[1],
        "the Alaska paragraph is in the rewrite too"
    );
    let topic = f.page("topics/fighting/index.html");
    let kharkiv = topic.find("Kharkiv").unwrap();
    let alaska = topic.find("Alaska").unwrap();
    let marker = "Only in this source";
    let after = |at: usize| topic[at..].find(marker).map(|i| i + at);
    let next_passage = |at: usize| {
        topic[at..]
            .find("class=\"passage\"")
            .map_or(topic.len(), |i| i + at)
    };
    assert!(
        after(kharkiv).is_some_and(|m| m < next_passage(kharkiv)),
        "Kharkiv is flagged"
    );
    assert!(
        after(alaska).is_none_or(|m| m > next_passage(alaska)),
        "Alaska is not"
    );
}

#[test]
fn citations_link_to_the_paragraph_and_are_listed_at_the_foot() {
    let f = Fixture::new();
    f.write(
        "content/topics/security.yaml",
        "title: Security\nsummary: |\n  **Zelensky doubts Putin.** He said \"Putin will not give any security guarantees\" [@a1:p2].\n\n  An uncited opinion.\nkeywords: [security guarantees]\n",
    );
    f.build();
    let page = f.page("topics/security/index.html");
    assert!(
        page.contains(r#"<sup class="cite"><a href="../../sources/a1/index.html#p2" title="Test News: Talks in Washington, ¶2">[1]</a></sup>"#),
        "{page}"
    );
    assert!(page.contains(r#"<li id="ref-1"><a href="../../sources/a1/index.html#p2">Test News: Talks in Washington, ¶2</a></li>"#));
    assert!(page.contains(r#"<p class="uncited">An uncited opinion."#));
    assert!(page.contains("1 of 2 statements cite a source"));
    assert!(common::broken_links(&f.public()).is_empty());
    let citations = json(&f)["citations"].clone();
    assert_eq!(citations[0]["source"], "a1");
    assert_eq!(citations[0]["from"], 2);
    assert_eq!(citations[0]["file"], "content/topics/security.yaml");
}

#[test]
fn the_timeline_is_a_page_a_strip_and_check_suggests_dates() {
    let f = Fixture::new();
    f.write(
        "content/timeline.yaml",
        "- date: 2025-08-18\n  title: Talks in Washington\n  description: Zelensky \"arrived in Washington\" [@a1:p1].\n  participants: [zelensky]\n  topics: [security]\n- date: 2025-08-15\n  title: Alaska summit\n",
    );
    f.write(
        "content/articles/a2.txt",
        "On Friday, the summit failed. Talks follow tomorrow.\n",
    );
    f.write(
        "content/articles/a2.yaml",
        "title: T\npublished: 2025-08-17\npublished_estimated: true\n",
    );
    f.build();
    let page = f.page("timeline/index.html");
    let alaska = page.find("Alaska summit").unwrap();
    let talks = page.find("Talks in Washington").unwrap();
    assert!(alaska < talks, "events are in date order");
    assert!(page.contains(r#"<time datetime="2025-08-18">18 August 2025</time>"#));
    assert!(page.contains("../sources/a1/index.html#p1"));
    let index = f.page("index.html");
    assert!(
        index.contains(r#"href="timeline/index.html#event-2""#),
        "{index}"
    );
    assert_eq!(
        json(&f)["timeline"][1]["participants"],
        serde_json::json!(["zelensky"])
    );

    let out = f.run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "a2 ¶1: “Friday” → 2025-08-15 (Friday 15 August 2025), from an estimated date"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("a2 ¶1: “tomorrow” → 2025-08-18"),
        "{stdout}"
    );
    // Suggestions are never added to the timeline by themselves.
    assert_eq!(json(&f)["timeline"].as_array().unwrap().len(), 2);
}

#[test]
fn spellings_are_listed_with_the_outlets_that_use_them() {
    let f = Fixture::new();
    f.write(
        "content/articles/a2.txt",
        "Stubbs met Zelenskyy about Lugansk and Nato.\n",
    );
    f.write(
        "content/articles/a2.yaml",
        "title: Other\noutlet: Other Post\n",
    );
    f.write(
        "content/articles/a1.txt",
        &format!("{}Luhansk and NATO.\n", common::ARTICLE_TEXT),
    );
    f.write(
        "content/variants.yaml",
        "- forms: [Luhansk, Lugansk]\n- forms: [NATO, Nato]\n  note: style\n",
    );
    f.build();
    let spellings = json(&f)["spellings"].clone();
    let forms: Vec<Value> = spellings
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["forms"].clone())
        .collect();
    assert!(
        forms.contains(&serde_json::json!({"Luhansk": {"a1": 1}, "Lugansk": {"a2": 1}})),
        "{forms:?}"
    );
    assert!(
        forms.contains(&serde_json::json!({"NATO": {"a1": 1}, "Nato": {"a2": 1}})),
        "{forms:?}"
    );
    assert!(
        forms.contains(&serde_json::json!({"Zelensky": {"a1": 2}, "Zelenskyy": {"a2": 1}})),
        "{forms:?}"
    );
    assert_eq!(forms.len(), 3, "Stubbs is spelled alike in both: {forms:?}");
    let page = f.page("compare/index.html");
    assert!(page.contains("“Lugansk”"));
}
