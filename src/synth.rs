//! A deterministic synthetic corpus: N articles of about 700 words with
//! quotes, 20 topics and 200 participants with aliases. Used by the
//! benchmark (`cargo run --release --example synth`) and by tests that need a
//! corpus larger than the five seed articles. The same seed and size always
//! give the same bytes.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// splitmix64: tiny, fast, and stable across versions, which is all a corpus
/// generator needs (no cryptographic or statistical claims).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOPICS: &[(&str, [&str; 4])] = &[
    (
        "Energy transition",
        [
            "wind farms",
            "solar subsidies",
            "grid capacity",
            "coal phase-out",
        ],
    ),
    (
        "Housing",
        [
            "rent controls",
            "housing shortage",
            "mortgage rates",
            "social housing",
        ],
    ),
    (
        "Public health",
        [
            "hospital waiting lists",
            "vaccination campaign",
            "nurse shortages",
            "health budget",
        ],
    ),
    (
        "Migration",
        [
            "asylum applications",
            "border checks",
            "work visas",
            "migrant workers",
        ],
    ),
    (
        "Climate adaptation",
        [
            "flood defences",
            "heatwave plans",
            "drought measures",
            "coastal erosion",
        ],
    ),
    (
        "Trade",
        [
            "import tariffs",
            "trade agreement",
            "export controls",
            "customs union",
        ],
    ),
    (
        "Elections",
        [
            "early elections",
            "voter turnout",
            "electoral reform",
            "campaign finance",
        ],
    ),
    (
        "Public finance",
        [
            "budget deficit",
            "tax reform",
            "public debt",
            "spending cuts",
        ],
    ),
    (
        "Education",
        [
            "teacher shortages",
            "school funding",
            "university fees",
            "exam results",
        ],
    ),
    (
        "Transport",
        ["rail strike", "fuel prices", "road tolls", "bus services"],
    ),
    (
        "Digital policy",
        [
            "data protection",
            "online platforms",
            "broadband rollout",
            "cyber attacks",
        ],
    ),
    (
        "Agriculture",
        [
            "farm subsidies",
            "crop yields",
            "fertiliser prices",
            "livestock farmers",
        ],
    ),
    (
        "Defence",
        [
            "defence spending",
            "arms exports",
            "military aid",
            "troop deployment",
        ],
    ),
    (
        "Justice",
        [
            "court ruling",
            "prison overcrowding",
            "judicial reform",
            "legal aid",
        ],
    ),
    (
        "Labour",
        [
            "minimum wage",
            "collective bargaining",
            "unemployment benefits",
            "pension age",
        ],
    ),
    (
        "Water",
        [
            "water shortages",
            "water prices",
            "sewage spills",
            "reservoir levels",
        ],
    ),
    (
        "Corruption",
        [
            "bribery scandal",
            "procurement fraud",
            "anti-corruption agency",
            "asset declarations",
        ],
    ),
    (
        "Media freedom",
        [
            "press freedom",
            "public broadcaster",
            "media ownership",
            "journalist safety",
        ],
    ),
    (
        "Pensions",
        [
            "pension reform",
            "state pension",
            "retirement savings",
            "pension funds",
        ],
    ),
    (
        "Urban development",
        [
            "city centre",
            "zoning rules",
            "public transport",
            "urban renewal",
        ],
    ),
];

const FIRST: &[&str] = &[
    "Elena", "Rafael", "Rahul", "Javier", "Thomas", "Tomas", "Amara", "Ingrid", "Kofi", "Mei",
    "Lucas", "Sofia", "Yusuf", "Hanna", "Dmitri", "Aisha", "Pedro", "Nadia", "Oskar", "Leila",
];
const LAST: &[&str] = &[
    "Mendes",
    "Bassey",
    "Keller",
    "Achebe",
    "Oyelaran",
    "Abara",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Kowalski",
];
const ROLES: &[&str] = &[
    "finance minister",
    "opposition leader",
    "union leader",
    "regulator",
    "mayor",
    "professor",
    "chief executive",
    "trade commissioner",
    "health minister",
    "spokesperson",
];
const PLACES: &[&str] = &[
    "Eastmark",
    "Costa Serena",
    "Osterland",
    "Republic of Amara",
    "Northvale",
    "San Aurelio",
];
const OUTLETS: &[&str] = &[
    "Riverside Times",
    "The Northern Ledger",
    "Capital Wire",
    "Morning Courier",
    "Harbour Post",
    "Valley Herald",
    "Daily Meridian",
    "The Observer Star",
];
const FILLER: &[&str] = &[
    "The debate continued late into the evening as officials weighed their options.",
    "Critics described the move as too little, too late.",
    "Talks are expected to resume next week, although no date has been set.",
    "The committee heard evidence from experts and members of the public.",
    "Polls suggest voters remain divided on the question.",
    "The government has so far declined to give further details.",
    "Analysts said the decision could shape the rest of the year.",
    "The proposal was delayed after objections from several regions.",
    "Officials insisted that the timetable remained realistic.",
    "The opposition called for an independent review of the figures.",
];
const VERBS: &[&str] = &["said", "told reporters", "warned", "added", "insisted"];

/// Writes the corpus as a dossier into `dir` (which must not exist or be empty).
pub fn write_corpus(dir: &Path, articles: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed);
    fs::create_dir_all(dir.join("content/articles"))?;
    fs::create_dir_all(dir.join("content/topics"))?;
    fs::write(
        dir.join("dossier.yaml"),
        format!(
            "title: \"Synthetic dossier\"\nsubtitle: \"{articles} generated articles\"\nas_of: 2024-12-31\nsummary: |\n  **A generated corpus** for benchmarks and tests.\n"
        ),
    )?;
    for (i, (title, keywords)) in TOPICS.iter().enumerate() {
        let slug = title.to_lowercase().replace(' ', "-");
        let mut yaml = format!(
            "title: \"{title}\"\norder: {}\nsummary: |\n  **Coverage of {}.**\nkeywords:\n",
            i + 1,
            title.to_lowercase()
        );
        for k in keywords {
            let _ = writeln!(yaml, "  - \"{k}\"");
        }
        fs::write(dir.join(format!("content/topics/{slug}.yaml")), yaml)?;
    }
    let people = participants();
    let mut yaml = String::new();
    for p in &people {
        let _ = write!(
            yaml,
            "- id: \"{}\"\n  name: \"{}\"\n  aliases: [\"{}\"]\n  role: \"{}\"\n  affiliation: \"{}\"\n",
            p.id, p.name, p.alias, p.role, p.place
        );
    }
    fs::write(dir.join("content/participants.yaml"), yaml)?;
    for n in 1..=articles {
        let (meta, body) = article(&mut rng, n, &people);
        // Half plain text with a sidecar, half Markdown, like a real archive.
        if n % 2 == 0 {
            fs::write(dir.join(format!("content/articles/{n:05}.txt")), body)?;
            fs::write(dir.join(format!("content/articles/{n:05}.yaml")), meta)?;
        } else {
            fs::write(
                dir.join(format!("content/articles/{n:05}.md")),
                format!("---\n{meta}---\n{body}"),
            )?;
        }
    }
    Ok(())
}

struct Person {
    id: String,
    name: String,
    alias: String,
    role: &'static str,
    place: &'static str,
}

fn participants() -> Vec<Person> {
    let mut people = Vec::new();
    for (i, first) in FIRST.iter().enumerate() {
        for (j, last) in LAST.iter().enumerate() {
            let name = format!("{first} {last}");
            people.push(Person {
                id: name.to_lowercase().replace(' ', "-"),
                alias: format!("{}. {last}", &first[..1]),
                name,
                role: ROLES[(i + j) % ROLES.len()],
                place: PLACES[(i * 3 + j) % PLACES.len()],
            });
        }
    }
    people
}

fn article(rng: &mut Rng, n: usize, people: &[Person]) -> (String, String) {
    let topics: Vec<usize> = (0..3).map(|_| rng.below(TOPICS.len())).collect();
    let (main_title, main_kw) = &TOPICS[topics[0]];
    let outlet = rng.pick(OUTLETS);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let headline = format!(
        "{} under pressure as {} dominate debate",
        main_title,
        rng.pick(main_kw)
    );
    let meta = format!(
        "title: \"{headline}\"\noutlet: \"{outlet}\"\npublished: 2024-{month:02}-{day:02}\nurl: \"https://news.example/{n:05}\"\nlanguage: en\n"
    );
    let mut body = String::new();
    let mut words = 0;
    while words < 700 {
        let mut para = String::new();
        for s in 0..4 {
            let sentence = match (s, rng.below(4)) {
                (0, _) | (_, 0) => {
                    let t = topics[rng.below(topics.len())];
                    let kw = rng.pick(&TOPICS[t].1);
                    format!(
                        "Questions about {kw} were raised again in {}.",
                        rng.pick(PLACES)
                    )
                }
                (_, 1) => {
                    let p = rng.pick(people);
                    let who = if rng.below(2) == 0 { &p.name } else { &p.alias };
                    let kw = rng.pick(&TOPICS[topics[0]].1);
                    format!(
                        "“We will not accept any delay on {kw},” {who} {}.",
                        rng.pick(VERBS)
                    )
                }
                (_, 2) => format!(
                    "The cost is estimated at {} million, {} per cent more than planned.",
                    10 + rng.below(990),
                    1 + rng.below(60)
                ),
                _ => rng.pick(FILLER).to_string(),
            };
            words += sentence.split_whitespace().count();
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(&sentence);
        }
        body.push_str(&para);
        body.push_str("\n\n");
    }
    (meta, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write_corpus(a.path(), 4, 7).unwrap();
        write_corpus(b.path(), 4, 7).unwrap();
        for f in [
            "content/articles/00001.md",
            "content/articles/00002.txt",
            "content/participants.yaml",
        ] {
            assert_eq!(
                fs::read(a.path().join(f)).unwrap(),
                fs::read(b.path().join(f)).unwrap()
            );
        }
        let text = fs::read_to_string(a.path().join("content/articles/00002.txt")).unwrap();
        let words = text.split_whitespace().count();
        assert!((700..800).contains(&words), "{words} words");
    }
}
