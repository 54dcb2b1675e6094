//! `content/timeline.yaml` (dated events) and `content/variants.yaml`
//! (spellings to compare across sources).

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use super::files::{SourceFile, decode};
use super::yaml::{self, Located};
use super::{Participant, Prose, Topic};
use crate::diagnostic::Diagnostics;

pub use super::files::{TIMELINE_FILE, VARIANTS_FILE};

#[derive(Debug, Clone)]
pub struct Event {
    pub date: Date,
    /// The last day, for an event of several days.
    pub until: Option<Date>,
    pub title: String,
    pub description: Option<Prose>,
    /// Indexes into `Project::participants`.
    pub participants: Vec<usize>,
    /// Indexes into `Project::topics`.
    pub topics: Vec<usize>,
}

/// An event of the timeline (`content/timeline.yaml` is a list of them).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Event")]
pub struct EventEntry {
    /// The day it happened (YYYY-MM-DD).
    #[schemars(with = "String", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    date: Date,
    /// The last day, for an event of several days (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    until: Option<Located<Date>>,
    title: String,
    /// What happened, in Markdown, with citations such as [@000:p4].
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    description: Option<Located<String>>,
    /// Ids of the participants involved.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    participants: Vec<Located<String>>,
    /// Slugs of the topics it concerns.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    topics: Vec<Located<String>>,
}

pub(super) const EVENT_FIELDS: &[&str] = &[
    "date",
    "until",
    "title",
    "description",
    "participants",
    "topics",
];

pub fn load_timeline(
    file: &SourceFile,
    topics: &[Topic],
    participants: &[Participant],
    problems: &mut Diagnostics,
) -> Vec<Event> {
    let Some((source, entries)) = parse_list::<EventEntry>(file, EVENT_FIELDS, problems) else {
        return Vec::new();
    };
    let shared: Arc<str> = Arc::from(source.as_str());
    let path = file.path.as_path();
    let mut events = Vec::new();
    for entry in entries {
        if let Some(until) = &entry.until
            && until.value < entry.date
        {
            problems.push(
                yaml::locate(until, path, &source, 1, "`until` is before `date`")
                    .with_hint("give the event's last day, on or after its first"),
            );
        }
        let lookup = |ids: &[Located<String>],
                      known: &dyn Fn(&str) -> Option<usize>,
                      what: &str,
                      problems: &mut Diagnostics| {
            let mut found = Vec::new();
            for id in ids {
                match known(&id.value) {
                    Some(i) => found.push(i),
                    None => problems.push(
                        yaml::locate(
                            id,
                            path,
                            &source,
                            1,
                            format!("there is no {what} `{}`", id.value),
                        )
                        .with_hint(format!("use the id of a {what} defined in the dossier")),
                    ),
                }
            }
            found
        };
        let participants = lookup(
            &entry.participants,
            &|id| participants.iter().position(|p| p.id == id),
            "participant",
            problems,
        );
        let topics = lookup(
            &entry.topics,
            &|slug| topics.iter().position(|t| t.slug == slug),
            "topic",
            problems,
        );
        events.push(Event {
            date: entry.date,
            until: entry.until.map(|u| u.value),
            title: entry.title,
            description: entry.description.map(|d| Prose::new(d, path, &shared, 1)),
            participants,
            topics,
        });
    }
    // Stable: events of one day keep the order they were written in.
    events.sort_by_key(|e| e.date);
    events
}

#[derive(Debug, Clone)]
pub struct Variant {
    /// The spellings, as written (matched case-sensitively: NATO and Nato differ).
    pub forms: Vec<String>,
    pub note: Option<String>,
}

/// Spellings of one name that differ between outlets (`content/variants.yaml` is a list of them).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Variant")]
pub struct VariantEntry {
    /// The spellings, matched exactly (case included) as whole words.
    #[schemars(with = "Vec<String>", length(min = 2))]
    forms: Located<Vec<String>>,
    #[serde(default)]
    note: Option<String>,
}

pub(super) const VARIANT_FIELDS: &[&str] = &["forms", "note"];

pub fn load_variants(file: &SourceFile, problems: &mut Diagnostics) -> Vec<Variant> {
    let Some((source, entries)) = parse_list::<VariantEntry>(file, VARIANT_FIELDS, problems) else {
        return Vec::new();
    };
    let mut variants = Vec::new();
    for entry in entries {
        let forms: Vec<String> = entry
            .forms
            .value
            .iter()
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty())
            .collect();
        if forms.len() < 2 {
            problems.push(
                yaml::locate(
                    &entry.forms,
                    &file.path,
                    &source,
                    1,
                    "a variant needs at least two forms",
                )
                .with_hint("list the spellings to compare, e.g. `forms: [Luhansk, Lugansk]`"),
            );
            continue;
        }
        variants.push(Variant {
            forms,
            note: entry.note,
        });
    }
    variants
}

/// A YAML file holding a list; an empty file (or only comments) is an empty list.
fn parse_list<T: serde::de::DeserializeOwned>(
    file: &SourceFile,
    fields: &[&str],
    problems: &mut Diagnostics,
) -> Option<(String, Vec<T>)> {
    let source = match decode(file) {
        Ok(s) => s,
        Err(d) => {
            problems.push(d);
            return None;
        }
    };
    if source
        .lines()
        .all(|l| l.trim().is_empty() || l.trim().starts_with('#'))
    {
        return Some((source, Vec::new()));
    }
    match yaml::parse::<Vec<T>>(Path::new(&file.path), &source, &source, 1, fields) {
        Ok(list) => Some((source, list)),
        Err(d) => {
            problems.push(d);
            None
        }
    }
}
