//! Templates and theme files: the built-in ones, overridden file by file by the
//! theme's and then the dossier's own, as in Zola.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};
use crate::load::{CONFIG_FILE, Project};

static BUILTIN_TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");
static BUILTIN_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where a template or asset came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn(PathBuf),
    File(PathBuf),
}

impl Origin {
    pub fn display(&self) -> PathBuf {
        match self {
            Origin::BuiltIn(p) => PathBuf::from(format!("{} (built-in)", p.display())),
            Origin::File(p) => p.clone(),
        }
    }
}

pub struct TemplateSource {
    pub origin: Origin,
    pub text: String,
}

pub struct Asset {
    pub origin: Origin,
    pub bytes: Vec<u8>,
}

/// The templates by name (`index.html`, `partials/x.html`), and the theme's
/// static files by output path (`style.css`).
pub struct Layers {
    pub templates: BTreeMap<String, TemplateSource>,
    pub assets: BTreeMap<String, Asset>,
}

pub fn gather(root: &Path, project: &Project) -> Result<Layers, Diagnostics> {
    let theme = project.config.theme_name();
    let mut problems = Diagnostics::default();
    let mut templates = BTreeMap::new();
    for file in all_files(&BUILTIN_TEMPLATES) {
        let name = slash_path(file.path());
        let text = file.contents_utf8().unwrap_or_default().to_string();
        let origin = Origin::BuiltIn(Path::new("templates").join(file.path()));
        templates.insert(name, TemplateSource { origin, text });
    }
    let mut assets = BTreeMap::new();
    let builtin_static = BUILTIN_THEME.get_dir("static");
    for file in builtin_static.into_iter().flat_map(all_files) {
        let rel = file.path().strip_prefix("static").unwrap_or(file.path());
        let origin = Origin::BuiltIn(Path::new("themes/default").join(file.path()));
        let bytes = file.contents().to_vec();
        assets.insert(slash_path(rel), Asset { origin, bytes });
    }

    let theme_dir = root.join("themes").join(theme);
    if let Some(located) = &project.config.theme
        && theme != "default"
        && !theme_dir.is_dir()
    {
        let loc = located.referenced;
        problems.push(
            Diagnostic::new(CONFIG_FILE, format!("theme `{theme}` was not found"))
                .at(
                    &project.config_source,
                    loc.line() as usize,
                    loc.column() as usize,
                )
                .with_hint(format!(
                    "create the folder {} or set `theme: default`",
                    display_path(root, &theme_dir).display()
                )),
        );
    }
    // Later layers win: the theme's templates, then the dossier's own.
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for (rel, path) in files_under(root, &dir, &mut problems) {
            match read_utf8(root, &path) {
                Ok(text) => {
                    let origin = Origin::File(display_path(root, &path));
                    templates.insert(rel, TemplateSource { origin, text });
                }
                Err(d) => problems.push(d),
            }
        }
    }
    for (rel, path) in files_under(root, &theme_dir.join("static"), &mut problems) {
        match fs::read(&path) {
            Ok(bytes) => {
                let origin = Origin::File(display_path(root, &path));
                assets.insert(rel, Asset { origin, bytes });
            }
            Err(e) => problems.push(Diagnostic::new(
                display_path(root, &path),
                format!("cannot read the file: {e}"),
            )),
        }
    }
    problems.into_result(Layers { templates, assets })
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(all_files(sub));
    }
    out
}

fn files_under(root: &Path, dir: &Path, problems: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                if !hidden {
                    let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                    out.push((slash_path(rel), e.path().to_path_buf()));
                }
            }
            Ok(_) => {}
            Err(e) => {
                let at = e
                    .path()
                    .map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                problems.push(Diagnostic::new(
                    display_path(root, &at),
                    format!("cannot read: {e}"),
                ));
            }
        }
    }
    out
}

fn read_utf8(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let shown = display_path(root, path);
    let bytes = fs::read(path)
        .map_err(|e| Diagnostic::new(&shown, format!("cannot read the file: {e}")))?;
    String::from_utf8(bytes).map_err(|_| {
        Diagnostic::new(&shown, "the template is not valid UTF-8").with_hint("save it as UTF-8")
    })
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
