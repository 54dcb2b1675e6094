//! Articles: `NAME.md` with front matter, or a verbatim `NAME.txt` with its
//! metadata in a sidecar `NAME.yaml`, so scraped text is never edited by hand.

use std::collections::BTreeMap;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::Prose;
use super::files::{SourceFile, decode};
use super::yaml::{self, Located};
use super::{ID_HINT, check_http_url, is_safe_id};
use crate::diagnostic::{Diagnostic, Diagnostics};
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleFormat {
    PlainText,
    Markdown,
}

#[derive(Debug)]
pub struct Article {
    /// The file stem: `000` for `000.txt`.
    pub id: String,
    /// The file holding the text, relative to the dossier root.
    pub path: PathBuf,
    /// The file holding the metadata (the sidecar, or `path` itself).
    pub meta_path: PathBuf,
    pub meta: ArticleMeta,
    pub format: ArticleFormat,
    /// The text after any front matter, exactly as written.
    pub body: String,
    /// The line of `path` on which `body` starts.
    pub body_line: usize,
}

#[derive(Debug, Clone)]
pub struct ArticleMeta {
    pub title: String,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: Option<Date>,
    /// True when the date is the analyst's estimate, not printed in the article.
    pub published_estimated: bool,
    pub url: Option<String>,
    pub language: Option<String>,
    pub drop_lines: Vec<String>,
    pub notes: Option<Prose>,
}

/// An article's metadata: the sidecar `NAME.yaml` of `NAME.txt`, or the
/// front matter of `NAME.md`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Article")]
pub struct MetaFile {
    /// The headline, or a description of the article when the text has none.
    #[schemars(with = "String")]
    title: Located<String>,
    /// The publication; leave it out when the text does not say.
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    author: Option<String>,
    /// The date it was published (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    published: Option<Date>,
    /// True when `published` is an estimate, not printed in the article.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    published_estimated: Option<Located<bool>>,
    /// The original address: http:// or https:// only.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://"))]
    url: Option<Located<String>>,
    #[serde(default)]
    language: Option<String>,
    /// Lines of scraped boilerplate to leave out of the text.
    #[serde(default)]
    drop_lines: Vec<String>,
    /// The analyst's note on the source, in Markdown.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    notes: Option<Located<String>>,
}

pub(super) const META_FIELDS: &[&str] = &[
    "title",
    "outlet",
    "author",
    "published",
    "published_estimated",
    "url",
    "language",
    "drop_lines",
    "notes",
];

/// The files that make up one article, gathered before any is parsed.
#[derive(Default)]
struct Parts<'a> {
    text: Option<&'a SourceFile>,
    markdown: Option<&'a SourceFile>,
    sidecar: Option<&'a SourceFile>,
}

/// Groups the files under `content/articles/` by id and parses each article.
pub fn load_all(files: &[&SourceFile], problems: &mut Diagnostics) -> Vec<Article> {
    let mut by_id: BTreeMap<String, Parts> = BTreeMap::new();
    for &file in files {
        let path = &file.path;
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "txt" | "md" | "yaml" | "yml") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !is_safe_id(&stem) {
            problems.push(
                Diagnostic::new(path, format!("`{stem}` cannot be an article id")).with_hint(
                    format!("rename the file: its name is the article's id; {ID_HINT}"),
                ),
            );
            continue;
        }
        // Keyed in lower case: `A1.txt` and `a1.md` would share a folder on
        // case-insensitive file systems.
        let parts = by_id.entry(stem.to_ascii_lowercase()).or_default();
        let slot = match ext {
            "txt" => &mut parts.text,
            "md" => &mut parts.markdown,
            _ => &mut parts.sidecar,
        };
        if let Some(first) = slot {
            problems.push(
                Diagnostic::new(path, format!("article id `{stem}` is used twice")).with_hint(
                    format!(
                        "{} has the same name: ids must be unique across all folders",
                        first.path.display()
                    ),
                ),
            );
            continue;
        }
        *slot = Some(file);
    }

    // Articles parse independently: in parallel, collected in id order.
    let by_id: Vec<(String, Parts)> = by_id.into_iter().collect();
    let parsed: Vec<Option<Result<Article, Diagnostics>>> = by_id
        .into_par_iter()
        .map(|(id, parts)| parse_parts(&id, parts))
        .collect();
    let mut articles = Vec::with_capacity(parsed.len());
    for article in parsed.into_iter().flatten() {
        match article {
            Ok(a) => articles.push(a),
            Err(ds) => problems.extend(ds),
        }
    }
    articles
}

/// One article from its files, or why it cannot be read; `None` when there
/// is nothing to read.
fn parse_parts(id: &str, parts: Parts) -> Option<Result<Article, Diagnostics>> {
    let id = id.to_string();
    Some({
        match (parts.text, parts.markdown, parts.sidecar) {
            (Some(text), None, Some(sidecar)) => load_text_article(&id, text, sidecar),
            (None, Some(md), None) => load_markdown_article(&id, md),
            (Some(text), None, None) => {
                Err(Diagnostic::new(&text.path, "this text has no metadata")
                    .with_hint(format!(
                        "create `{id}.yaml` beside it with at least `title: ...`"
                    ))
                    .into())
            }
            (None, None, Some(sidecar)) => Err(Diagnostic::new(
                &sidecar.path,
                "this metadata has no article text beside it",
            )
            .with_hint(format!(
                "add `{id}.txt` next to it, or remove the file if the article was deleted"
            ))
            .into()),
            (Some(_), Some(md), _) => Err(Diagnostic::new(
                &md.path,
                format!("article id `{id}` is used twice (`{id}.txt` and `{id}.md`)"),
            )
            .with_hint("keep one of the two files")
            .into()),
            (None, Some(md), Some(sidecar)) => Err(Diagnostic::new(
                &sidecar.path,
                format!("`{id}.md` has front matter, so this sidecar would be ignored"),
            )
            .with_hint(format!(
                "move its fields into the front matter of {} and delete it",
                md.path.display()
            ))
            .into()),
            (None, None, None) => return None,
        }
    })
}

fn load_text_article(
    id: &str,
    text: &SourceFile,
    sidecar: &SourceFile,
) -> Result<Article, Diagnostics> {
    let body = decode(text);
    let meta = decode(sidecar)
        .map_err(Diagnostics::from)
        .and_then(|src| parse_meta(&sidecar.path, &src, &src, 1));
    match (body, meta) {
        (Ok(body), Ok(meta)) => Ok(Article {
            id: id.to_string(),
            path: text.path.clone(),
            meta_path: sidecar.path.clone(),
            meta,
            format: ArticleFormat::PlainText,
            body,
            body_line: 1,
        }),
        (body, meta) => {
            let mut ds = Diagnostics::default();
            if let Err(d) = body {
                ds.push(d);
            }
            if let Err(m) = meta {
                ds.extend(m);
            }
            Err(ds)
        }
    }
}

/// Parses a Markdown article with front matter.
pub fn load_markdown_article(id: &str, file: &SourceFile) -> Result<Article, Diagnostics> {
    let source = decode(file)?;
    let (yaml, yaml_line, body, body_line) = split_front_matter(&file.path, &source)?;
    let meta = parse_meta(&file.path, &source, yaml, yaml_line)?;
    Ok(Article {
        id: id.to_string(),
        path: file.path.clone(),
        meta_path: file.path.clone(),
        meta,
        format: ArticleFormat::Markdown,
        body: body.to_string(),
        body_line,
    })
}

/// Splits `---\nyaml\n---\nbody`, returning the YAML, the line it starts on,
/// the body and the line the body starts on.
fn split_front_matter<'a>(
    shown: &Path,
    source: &'a str,
) -> Result<(&'a str, usize, &'a str, usize), Diagnostic> {
    let mut lines = source.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::new(shown, "the article has no front matter")
            .at(source, 1, 1)
            .with_hint(
                "start the file with a line `---`, then `title: ...` and the other fields, \
                 then another `---` line before the text",
            ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            let yaml = &source[yaml_start..offset];
            let body = &source[offset + line.len()..];
            return Ok((yaml, 2, body, i + 3));
        }
        offset += line.len();
    }
    Err(Diagnostic::new(shown, "the front matter is never closed")
        .at(source, 1, 1)
        .with_hint("add a line `---` after the last metadata field, before the article text"))
}

fn parse_meta(
    shown: &Path,
    source: &str,
    yaml: &str,
    first_line: usize,
) -> Result<ArticleMeta, Diagnostics> {
    let file: MetaFile = yaml::parse(shown, source, yaml, first_line, META_FIELDS)?;
    let mut problems = Diagnostics::default();
    if file.title.value.trim().is_empty() {
        problems.push(
            yaml::locate(
                &file.title,
                shown,
                source,
                first_line,
                "the article's title is empty",
            )
            .with_hint("give the headline as `title: ...`"),
        );
    }
    if let Some(url) = &file.url
        && let Err(why) = check_http_url(&url.value)
    {
        problems.push(
            yaml::locate(url, shown, source, first_line, why)
                .with_hint("give the article's web address, starting with https:// or http://"),
        );
    }
    let estimated = file.published_estimated.as_ref().is_some_and(|e| e.value);
    if let Some(flag) = &file.published_estimated
        && flag.value
        && file.published.is_none()
    {
        problems.push(
            yaml::locate(
                flag,
                shown,
                source,
                first_line,
                "`published_estimated` is set but there is no `published` date",
            )
            .with_hint("add `published: YYYY-MM-DD`, or remove `published_estimated`"),
        );
    }
    problems.into_result(ArticleMeta {
        title: file.title.value,
        outlet: file.outlet,
        author: file.author,
        published: file.published,
        published_estimated: estimated,
        url: file.url.map(|u| u.value),
        language: file.language,
        drop_lines: file.drop_lines,
        notes: file
            .notes
            .map(|n| Prose::new(n, shown, &Arc::from(source), first_line)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_splits_with_line_numbers() {
        let src = "---\ntitle: x\n---\nBody line\n";
        let (yaml, yl, body, bl) = split_front_matter(Path::new("a.md"), src).unwrap();
        assert_eq!(yaml, "title: x\n");
        assert_eq!(yl, 2);
        assert_eq!(body, "Body line\n");
        assert_eq!(bl, 4);
    }

    #[test]
    fn front_matter_with_crlf_splits() {
        let src = "---\r\ntitle: x\r\n---\r\nBody\r\n";
        let (yaml, _, body, _) = split_front_matter(Path::new("a.md"), src).unwrap();
        assert_eq!(yaml, "title: x\r\n");
        assert_eq!(body, "Body\r\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let d = split_front_matter(Path::new("a.md"), "---\ntitle: x\nBody\n").unwrap_err();
        assert!(d.message.contains("never closed"));
        assert_eq!(d.location(), "a.md:1:1");
    }
}
