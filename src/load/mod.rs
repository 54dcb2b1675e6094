//! Stage 1: files on disk into typed content.
//!
//! Everything the analyst wrote is read here and only here. Each loader keeps
//! the source text it parsed so that later stages can point errors at a line.

pub(crate) mod articles;
pub mod files;
mod prose;
mod timeline;
mod yaml;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

pub use articles::{Article, ArticleFormat, ArticleMeta, MetaFile};
pub use files::{CONFIG_FILE, PARTICIPANTS_FILE, SourceFile};
pub use prose::Prose;
pub use timeline::{Event, EventEntry, TIMELINE_FILE, VARIANTS_FILE, Variant, VariantEntry};
pub use yaml::Located;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Everything read from a dossier folder, validated, in a deterministic order.
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// The text of `dossier.yaml`, so later stages can point into it.
    pub config_source: String,
    /// The executive summary (`summary` of `dossier.yaml`).
    pub summary: Option<Prose>,
    /// Sorted by id.
    pub articles: Vec<Article>,
    /// Sorted by `order`, then slug.
    pub topics: Vec<Topic>,
    /// In the order of `participants.yaml`.
    pub participants: Vec<Participant>,
    /// `content/timeline.yaml`, sorted by date.
    pub timeline: Vec<Event>,
    /// `content/variants.yaml`: spellings to compare across sources.
    pub variants: Vec<Variant>,
}

/// `dossier.yaml`: the settings of a dossier and its executive summary.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "dossier.yaml")]
pub struct Config {
    /// The name of the dossier, shown on every page.
    pub title: String,
    /// A line under the title on the front page.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// One or two sentences for search engines and link previews.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the site will be published: an absolute URL such as
    /// https://example.org/briefings/, or a path such as /briefings/.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub base_url: Option<Located<String>>,
    /// The language of the pages, as an HTML language tag (default: en).
    #[serde(default = "default_language")]
    pub language: String,
    /// The date the dossier is current as of (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub as_of: Option<Date>,
    /// The theme: `default`, or the name of a folder under themes/.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub theme: Option<Located<String>>,
    /// The executive summary, in Markdown, with citations such as [@000:p4].
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub summary: Option<Located<String>>,
    /// Let raw HTML in the analyst's Markdown (summaries, notes) through
    /// instead of showing it as text. Article text is never HTML.
    #[serde(default)]
    pub allow_raw_html: bool,
}

impl Config {
    pub fn theme_name(&self) -> &str {
        self.theme.as_ref().map_or("default", |t| t.value.as_str())
    }
}

const CONFIG_FIELDS: &[&str] = &[
    "title",
    "subtitle",
    "description",
    "base_url",
    "language",
    "as_of",
    "theme",
    "summary",
    "allow_raw_html",
];

fn default_language() -> String {
    "en".into()
}

#[derive(Debug)]
pub struct Topic {
    /// From the file name: `content/topics/<slug>.yaml`.
    pub slug: String,
    pub path: PathBuf,
    pub title: String,
    pub order: i64,
    /// The analyst's bottom line, in Markdown.
    pub summary: Option<Prose>,
    pub keywords: Vec<String>,
}

/// A topic (`content/topics/SLUG.yaml`): every paragraph containing one of
/// its keywords is gathered on its page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Topic")]
pub struct TopicFile {
    /// The topic's name.
    #[schemars(with = "String")]
    title: Located<String>,
    /// Topics are listed by order, then by file name.
    #[serde(default)]
    order: i64,
    /// The analyst's bottom line on the topic, in Markdown, with citations such as [@000:p4].
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    summary: Option<Located<String>>,
    /// Phrases that put a paragraph on this topic (case-insensitive, whole words).
    #[schemars(with = "Vec<String>", length(min = 1))]
    keywords: Located<Vec<Located<String>>>,
}

const TOPIC_FIELDS: &[&str] = &["title", "order", "summary", "keywords"];

#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub name: String,
    /// Other spellings and short forms; the name itself is always matched too.
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    /// The analyst's note on this participant, in Markdown.
    pub notes: Option<Prose>,
}

/// A person or body named in the articles (`content/participants.yaml` is a list of them).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Participant")]
pub struct ParticipantEntry {
    /// A short, unique name used in URLs: letters, digits, - and _.
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"))]
    id: Located<String>,
    /// The full name, as shown; always matched in the articles.
    name: String,
    /// Other spellings and short forms that count as a mention.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    aliases: Vec<Located<String>>,
    /// What they are, at the time of the articles.
    #[serde(default)]
    role: Option<String>,
    /// Whom they speak for.
    #[serde(default)]
    affiliation: Option<String>,
    /// The analyst's note, in Markdown, with citations such as [@000:p4].
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    notes: Option<Located<String>>,
}

const PARTICIPANT_FIELDS: &[&str] = &["id", "name", "aliases", "role", "affiliation", "notes"];

/// The fields each kind of file takes, named for its schema, for the
/// "did you mean" hints (a test keeps them equal to the structs').
pub fn field_lists() -> Vec<(&'static str, Vec<String>)> {
    let owned = |fields: &[&str]| fields.iter().map(|f| f.to_string()).collect();
    vec![
        ("dossier.json", owned(CONFIG_FIELDS)),
        ("topic.json", owned(TOPIC_FIELDS)),
        ("participants.json", owned(PARTICIPANT_FIELDS)),
        ("article.json", owned(articles::META_FIELDS)),
        ("timeline.json", owned(timeline::EVENT_FIELDS)),
        ("variants.json", owned(timeline::VARIANT_FIELDS)),
    ]
}

/// Reads one topic file again (`rel` under `root`), checked as `load` checks it.
pub fn reload_topic(root: &Path, rel: &Path) -> Result<Topic, Diagnostics> {
    let file = files::read_file(root, &root.join(rel));
    let mut problems = Diagnostics::default();
    let mut topics = load_topics(&[&file], &mut problems);
    match topics.pop() {
        Some(topic) if problems.is_empty() => Ok(topic),
        _ => Err(problems.sorted()),
    }
}

/// Reads `content/participants.yaml` again, checked as `load` checks it.
pub fn reload_participants(root: &Path) -> Result<Vec<Participant>, Diagnostics> {
    let file = files::read_file(root, &root.join(PARTICIPANTS_FILE));
    let mut problems = Diagnostics::default();
    let participants = load_participants(&file, &mut problems);
    problems
        .into_result(participants)
        .map_err(Diagnostics::sorted)
}

/// Reads `content/timeline.yaml` again, checked as `load` checks it
/// against `project`'s topics and participants.
pub fn reload_timeline(project: &Project) -> Result<Vec<Event>, Diagnostics> {
    let file = files::read_file(&project.root, &project.root.join(TIMELINE_FILE));
    let mut problems = Diagnostics::default();
    let events =
        timeline::load_timeline(&file, &project.topics, &project.participants, &mut problems);
    problems.into_result(events).map_err(Diagnostics::sorted)
}

/// Reads `article`'s files again, after an edit to them.
pub fn reload_article(root: &Path, article: &Article) -> Result<Article, Diagnostics> {
    let text = files::read_file(root, &root.join(&article.path));
    let mut problems = Diagnostics::default();
    // A Markdown article holds its metadata; a text has its sidecar.
    let mut reloaded = if article.meta_path == article.path {
        articles::load_all(&[&text], &mut problems)
    } else {
        let meta = files::read_file(root, &root.join(&article.meta_path));
        articles::load_all(&[&text, &meta], &mut problems)
    };
    match reloaded.pop() {
        Some(article) if problems.is_empty() => Ok(article),
        _ => Err(problems.sorted()),
    }
}

/// Reads a dossier folder, reporting every problem found rather than the first.
pub fn load(root: &Path) -> Result<Project, Diagnostics> {
    let (files, mut problems) = files::read_inputs(root);
    match parse(root, &files) {
        Ok(project) if problems.is_empty() => Ok(project),
        Ok(_) => Err(problems.sorted()),
        Err(more) => {
            problems.extend(more);
            Err(problems.sorted())
        }
    }
}

/// Parses the input files (paths relative to the dossier root) into a
/// project. No I/O: `root` is only recorded.
pub fn parse(root: &Path, files: &[SourceFile]) -> Result<Project, Diagnostics> {
    let mut problems = Diagnostics::default();
    let under = |dir: &str| {
        files
            .iter()
            .filter(move |f| f.path.starts_with(dir))
            .collect::<Vec<_>>()
    };
    let config = files
        .iter()
        .find(|f| f.path == Path::new(CONFIG_FILE))
        .and_then(|f| match parse_config(f) {
            Ok(c) => Some(c),
            Err(ds) => {
                problems.extend(ds);
                None
            }
        });
    let articles = articles::load_all(&under(files::ARTICLES_DIR), &mut problems);
    let topics = load_topics(&under(files::TOPICS_DIR), &mut problems);
    let participants = files
        .iter()
        .find(|f| f.path == Path::new(PARTICIPANTS_FILE))
        .map(|f| load_participants(f, &mut problems))
        .unwrap_or_default();
    let file = |name: &str| files.iter().find(|f| f.path == Path::new(name));
    let timeline = file(TIMELINE_FILE)
        .map(|f| timeline::load_timeline(f, &topics, &participants, &mut problems))
        .unwrap_or_default();
    let variants = file(VARIANTS_FILE)
        .map(|f| timeline::load_variants(f, &mut problems))
        .unwrap_or_default();
    match config {
        Some((mut config, config_source)) if problems.is_empty() => Ok(Project {
            root: root.to_path_buf(),
            summary: take_summary(&mut config, &config_source),
            config,
            config_source,
            articles,
            topics,
            participants,
            timeline,
            variants,
        }),
        _ => {
            if config.is_none() && problems.is_empty() {
                problems.push(files::missing_config());
            }
            Err(problems.sorted())
        }
    }
}

/// The executive summary, taken out of `config` (whose text is `source`).
fn take_summary(config: &mut Config, source: &str) -> Option<Prose> {
    config
        .summary
        .take()
        .map(|s| Prose::new(s, Path::new(CONFIG_FILE), &Arc::from(source), 1))
}

/// Reads `dossier.yaml` again, checked as `load` checks it: the settings,
/// the executive summary taken out of them, and the file's text.
pub fn reload_config(root: &Path) -> Result<(Config, Option<Prose>, String), Diagnostics> {
    let file = files::read_file(root, &root.join(CONFIG_FILE));
    let (mut config, source) = parse_config(&file)?;
    let summary = take_summary(&mut config, &source);
    Ok((config, summary, source))
}

fn parse_config(file: &SourceFile) -> Result<(Config, String), Diagnostics> {
    let source = files::decode(file)?;
    let config: Config = yaml::parse(&file.path, &source, &source, 1, CONFIG_FIELDS)?;
    let mut problems = Diagnostics::default();
    check_config(&config, &file.path, &source, &mut problems);
    problems.into_result((config, source))
}

fn check_config(config: &Config, path: &Path, source: &str, problems: &mut Diagnostics) {
    if let Some(url) = &config.base_url
        && let Err(why) = check_base_url(&url.value)
    {
        problems.push(
            yaml::locate(url, path, source, 1, why)
                .with_hint(
                    "write an absolute URL such as https://example.org/briefings/, or a path such as /briefings/",
                ),
        );
    }
    if let Some(theme) = &config.theme
        && !is_safe_id(&theme.value)
    {
        problems.push(
            yaml::locate(
                theme,
                path,
                source,
                1,
                format!("`{}` is not a theme name", theme.value),
            )
            .with_hint("a theme is a folder name under themes/, such as `default`"),
        );
    }
}

/// An absolute http(s) URL, or an absolute path such as `/` or `/briefings/`
/// when the host is not known yet.
pub fn check_base_url(url: &str) -> Result<(), String> {
    if url.starts_with('/') && !url.starts_with("//") {
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"<>`\\".contains(c))
        {
            return Err(format!("`{url}` contains characters a URL path cannot"));
        }
    } else {
        check_http_url(url)?;
    }
    if url.contains(['?', '#']) {
        return Err("base_url cannot have a query or a fragment".into());
    }
    Ok(())
}

/// The URLs dossier puts in pages must be plain web links: anything else
/// (`javascript:`, `data:`, relative paths) could run code or break the page.
pub fn check_http_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` is not an http:// or https:// URL"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("`{url}` has no host name"));
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '`'))
    {
        return Err(format!(
            "`{url}` contains spaces, quotes or angle brackets, which a URL cannot"
        ));
    }
    Ok(())
}

/// Ids become folder names in the output, so they are kept to a set of
/// characters that is safe on every file system and in every URL.
pub fn is_safe_id(id: &str) -> bool {
    const RESERVED: &[&str] = &[
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !RESERVED.contains(&id.to_ascii_lowercase().as_str())
}

pub const ID_HINT: &str = "use letters, digits, `-` and `_` only, starting with a letter or digit";

fn load_topics(files: &[&SourceFile], problems: &mut Diagnostics) -> Vec<Topic> {
    let mut topics: Vec<Topic> = Vec::new();
    for file in files {
        let path = &file.path;
        let is_yaml = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if !is_yaml {
            continue;
        }
        let shown = path.clone();
        let source = match files::decode(file) {
            Ok(s) => s,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let slug = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !is_safe_id(&slug) || slug != slug.to_lowercase() {
            problems.push(
                Diagnostic::new(&shown, format!("`{slug}` cannot be a topic slug")).with_hint(
                    format!(
                        "rename the file: the name becomes the page's URL; {ID_HINT}, in lower case"
                    ),
                ),
            );
            continue;
        }
        if let Some(other) = topics.iter().find(|t| t.slug == slug) {
            problems.push(
                Diagnostic::new(&shown, format!("topic `{slug}` is defined twice")).with_hint(
                    format!("{} defines it too: rename one", other.path.display()),
                ),
            );
            continue;
        }
        let shared: Arc<str> = Arc::from(source.as_str());
        let file: TopicFile = match yaml::parse(&shown, &source, &source, 1, TOPIC_FIELDS) {
            Ok(f) => f,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        if file.keywords.value.is_empty() {
            problems.push(
                yaml::locate(
                    &file.keywords,
                    &shown,
                    &source,
                    1,
                    "the topic has no keywords",
                )
                .with_hint("list the phrases that mark a paragraph as being on this topic"),
            );
        }
        let mut keywords = Vec::new();
        for kw in &file.keywords.value {
            if kw.value.trim().is_empty() {
                problems.push(
                    yaml::locate(kw, &shown, &source, 1, "empty keyword")
                        .with_hint("remove the empty entry"),
                );
            } else {
                keywords.push(kw.value.trim().to_string());
            }
        }
        if file.title.value.trim().is_empty() {
            problems.push(
                yaml::locate(
                    &file.title,
                    &shown,
                    &source,
                    1,
                    "the topic's title is empty",
                )
                .with_hint("give the topic a title"),
            );
        }
        topics.push(Topic {
            slug,
            summary: file.summary.map(|s| Prose::new(s, &shown, &shared, 1)),
            path: shown,
            title: file.title.value,
            order: file.order,
            keywords,
        });
    }
    topics.sort_by(|a, b| (a.order, &a.slug).cmp(&(b.order, &b.slug)));
    topics
}

fn load_participants(file: &SourceFile, problems: &mut Diagnostics) -> Vec<Participant> {
    let shown = file.path.clone();
    let source = match files::decode(file) {
        Ok(s) => s,
        Err(d) => {
            problems.push(d);
            return Vec::new();
        }
    };
    if source.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    }) {
        return Vec::new();
    }
    let entries: Vec<ParticipantEntry> =
        match yaml::parse(&shown, &source, &source, 1, PARTICIPANT_FIELDS) {
            Ok(e) => e,
            Err(d) => {
                problems.push(d);
                return Vec::new();
            }
        };
    let shared: Arc<str> = Arc::from(source.as_str());
    let mut participants: Vec<Participant> = Vec::new();
    for entry in entries {
        let id = entry.id.value.clone();
        if !is_safe_id(&id) {
            problems.push(
                yaml::locate(
                    &entry.id,
                    &shown,
                    &source,
                    1,
                    format!("`{id}` cannot be a participant id"),
                )
                .with_hint(ID_HINT),
            );
            continue;
        }
        if participants.iter().any(|p| p.id.eq_ignore_ascii_case(&id)) {
            problems.push(
                yaml::locate(
                    &entry.id,
                    &shown,
                    &source,
                    1,
                    format!("participant id `{id}` is used twice"),
                )
                .with_hint(
                    "ids must be unique, ignoring case (they become folder names): rename one, or merge the two entries",
                ),
            );
            continue;
        }
        let mut aliases = Vec::new();
        for alias in &entry.aliases {
            if alias.value.trim().is_empty() {
                problems.push(
                    yaml::locate(alias, &shown, &source, 1, "empty alias")
                        .with_hint("remove the empty entry"),
                );
            } else {
                aliases.push(alias.value.trim().to_string());
            }
        }
        participants.push(Participant {
            id,
            name: entry.name,
            aliases,
            role: entry.role,
            affiliation: entry.affiliation,
            notes: entry.notes.map(|n| Prose::new(n, &shown, &shared, 1)),
        });
    }
    participants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_would_escape_or_collide_are_refused() {
        for bad in ["", "../x", "a/b", ".hidden", "con", "LPT1", "a b", "é"] {
            assert!(!is_safe_id(bad), "{bad:?}");
        }
        for good in ["000", "security-guarantees", "von_der_leyen", "A1"] {
            assert!(is_safe_id(good), "{good:?}");
        }
    }

    #[test]
    fn only_web_urls_pass() {
        assert!(check_http_url("https://www.bbc.com/news/x").is_ok());
        assert!(check_http_url("HTTP://example.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//example.org",
            "https://",
            "https://a b",
            "ftp://x",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }
}
