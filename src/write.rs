//! Stage 4: the finished site onto disk, all or nothing.
//!
//! Pages are written into a temporary folder beside the output and swapped in
//! only once every file is written, so a failed build leaves the previous
//! dossier as it was. The output folder is owned by dossier (as in Zola and
//! Hugo): it is replaced whole, and a folder that does not look like an earlier
//! dossier output is refused rather than deleted.

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::render::{OutputFile, Sink};

/// A file every dossier output has; its presence marks a folder as ours.
pub const MARKER: &str = "dossier.json";

pub fn write_site(output: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let staging = Staging::begin(output)?;
    for file in files {
        if let Err(e) = staging.put(file) {
            staging.abort();
            return Err(e);
        }
    }
    staging.commit()
}

/// A build's output being written: files go into a staging folder beside the
/// output as they are rendered (from several threads), and the whole folder
/// replaces the output at `commit`.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
}

impl Staging {
    pub fn begin(output: &Path) -> Result<Staging, Diagnostic> {
        // A linked output folder: replace what it points to, and keep the link.
        let output = if output.is_symlink() {
            fs::canonicalize(output)
                .map_err(|e| io_error(output, "the output is a symbolic link to nothing", e))?
        } else {
            output.to_path_buf()
        };
        check_output(&output)?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .map_err(|e| io_error(&parent, "cannot create the folder", e))?;
        let name = output
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| OsString::from("public"));
        let staging = sibling(&parent, &name, "tmp");
        let previous = sibling(&parent, &name, "old");
        recover(&output, &parent, &name);
        for stale in [&staging, &previous] {
            if stale.exists() {
                fs::remove_dir_all(stale).map_err(|e| io_error(stale, "cannot remove", e))?;
            }
        }
        fs::create_dir_all(&staging).map_err(|e| io_error(&staging, "cannot create", e))?;
        Ok(Staging {
            output,
            staging,
            previous,
        })
    }

    /// Writes one file into the staging folder.
    pub fn put(&self, file: &OutputFile) -> Result<(), Diagnostic> {
        Sink::put(self, &file.path, &mut |w| {
            w.write_all(&file.bytes)
                .map_err(|e| io_error(Path::new(&file.path), "cannot write", e))
        })
    }

    /// Puts the new site in place of the old one.
    pub fn commit(self) -> Result<(), Diagnostic> {
        if self.output.exists() {
            swap_in(&self.staging, &self.output, &self.previous)
        } else {
            fs::rename(&self.staging, &self.output).map_err(|e| {
                let _ = fs::remove_dir_all(&self.staging);
                io_error(&self.output, "cannot move the new output into place", e)
            })
        }
    }

    /// Drops what was written; the previous output stays as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staging {
    fn put(
        &self,
        path: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> Result<(), Diagnostic>,
    ) -> Result<(), Diagnostic> {
        let rel = Path::new(path);
        // Paths come from validated ids, but a path that could leave the
        // output folder must never be written, whatever produced it.
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe || path.is_empty() {
            return Err(Diagnostic::new(
                path,
                "refusing to write a file outside the output folder",
            ));
        }
        let full = self.staging.join(rel);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create", e))?;
        }
        let mut f = fs::File::create(&full).map_err(|e| io_error(&full, "cannot create", e))?;
        fill(&mut f)
    }
}

/// Replaces `output` by `staging` so that, whenever the process is killed,
/// `output` is either the old site or the new one, complete.
fn swap_in(staging: &Path, output: &Path, previous: &Path) -> Result<(), Diagnostic> {
    // Linux swaps two folders in one step; the old site then sits in
    // `staging` and is deleted at leisure.
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE) {
            Ok(()) => {
                remove_tree(staging);
                return Ok(());
            }
            // Some file systems cannot exchange: fall back to two renames.
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => {
                let _ = fs::remove_dir_all(staging);
                return Err(io_error(output, "cannot swap in the new output", e.into()));
            }
        }
    }
    // Two renames: a kill between them leaves the old site in `previous`,
    // which the next build puts back (see `recover`).
    fs::rename(output, previous).map_err(|e| {
        let _ = fs::remove_dir_all(staging);
        io_error(output, "cannot move the previous output aside", e)
    })?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = fs::rename(previous, output);
        let _ = fs::remove_dir_all(staging);
        return Err(io_error(output, "cannot move the new output into place", e));
    }
    remove_tree(previous);
    Ok(())
}

/// Deletes the old site. A large dossier is ten thousand folders, and
/// deleting them one by one keeps a core waiting at the end of every build:
/// the entries two levels down are deleted in parallel, then the rest.
fn remove_tree(root: &Path) {
    use rayon::prelude::*;
    let entries = |dir: &Path| -> Vec<(PathBuf, bool)> {
        fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut below = Vec::new();
    for (path, is_dir) in entries(root) {
        if is_dir {
            below.extend(entries(&path));
        }
    }
    below.par_iter().for_each(|(path, is_dir)| {
        let _ = if *is_dir {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        };
    });
    let _ = fs::remove_dir_all(root);
}

fn check_output(output: &Path) -> Result<(), Diagnostic> {
    if output.is_file() {
        return Err(
            Diagnostic::new(output, "the output path is a file, not a folder")
                .with_hint("choose another --output, or move the file away"),
        );
    }
    if output.is_dir() {
        let mut entries = fs::read_dir(output).map_err(|e| io_error(output, "cannot read", e))?;
        let empty = entries.next().is_none();
        if !empty && !output.join(MARKER).is_file() {
            return Err(Diagnostic::new(
                output,
                "the output folder has files that dossier did not write",
            )
            .with_hint(
                "dossier replaces its output folder whole; choose an empty or new --output, \
                 or move those files away",
            ));
        }
    }
    Ok(())
}

/// A build killed between the two renames leaves the old site aside and no
/// output: put it back before doing anything else.
fn recover(output: &Path, parent: &Path, name: &OsString) {
    let previous = sibling(parent, name, "old");
    if !output.exists() && previous.join(MARKER).is_file() {
        let _ = fs::rename(&previous, output);
    }
}

fn sibling(parent: &Path, name: &OsString, kind: &str) -> PathBuf {
    let mut n = OsString::from(".");
    n.push(name);
    n.push(format!(".dossier-{kind}"));
    parent.join(n)
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("{what}: {e}"))
        .with_hint("check the permissions and free space of the output location")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_a_previous_output_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &[file(MARKER, "{}"), file("a/index.html", "one")]).unwrap();
        write_site(&out, &[file(MARKER, "{}"), file("b/index.html", "two")]).unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(fs::read_to_string(out.join("b/index.html")).unwrap(), "two");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder is left behind");
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("thesis.docx"), "precious").unwrap();
        let err = write_site(&out, &[file(MARKER, "{}")]).unwrap_err();
        assert!(err.message.contains("did not write"));
        assert!(out.join("thesis.docx").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_folder_keeps_its_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("www/site");
        fs::create_dir_all(&real).unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_site(&link, &[file(MARKER, "{}"), file("index.html", "one")]).unwrap();
        write_site(&link, &[file(MARKER, "{}"), file("index.html", "two")]).unwrap();
        assert!(link.is_symlink());
        assert_eq!(fs::read_to_string(real.join("index.html")).unwrap(), "two");
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let err = write_site(&out, &[file("../evil.html", "x")]).unwrap_err();
        assert!(err.message.contains("outside"));
        assert!(!dir.path().join("evil.html").exists());
        assert!(!out.exists());
    }
}
