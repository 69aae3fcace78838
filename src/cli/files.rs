//! Files: the register read (a regular file, within the size limit, through no symbolic link
//! that leaves its directory), and outputs written whole or not at all, only over what the
//! user named as a plain output file.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use anyhow::Context;

use chrono::NaiveDate;
use ismsaudit::diagnostic::{Diagnostic, InputError};
use ismsaudit::register;
use ismsaudit::text::name;
use ismsaudit::valid::Valid;

use super::dir::{self, Dir, FileId, Kind};

/// A path as messages show it: escaped (it may come from a pull request) and, if very long, cut.
pub fn shown(path: &Path) -> String {
    name(&path.display().to_string()).into_owned()
}

/// The identity of the file at `path` (following links), if there is one.
pub fn identity(path: &Path) -> Option<FileId> {
    fs::metadata(path).ok().and_then(|m| FileId::of(path, &m))
}

/// Reads and checks a register; every failure is an [`InputError`] (exit 2). Also gives the
/// file's identity, so that no output replaces it.
pub fn load(path: &Path, max_bytes: u64, today: NaiveDate) -> Result<(Valid, FileId), InputError> {
    let name = path.display().to_string();
    let (bytes, id) = read(path, max_bytes, Input::Register).map_err(|d| InputError::one(&name, d))?;
    Ok((Valid::parse(&name, register::decode(&name, &bytes)?, today)?, id))
}

/// What a file read is, for its messages: the register, or the calendar file exported before
/// (`calendar --previous`), read the same way.
#[derive(Clone, Copy)]
pub enum Input {
    Register,
    EarlierCalendar,
}

impl Input {
    fn noun(self) -> &'static str {
        match self {
            Input::Register => "the register",
            Input::EarlierCalendar => "the earlier calendar file",
        }
    }

    /// What to do where there is no such file.
    fn missing(self) -> &'static str {
        match self {
            Input::Register => "create one with `ismsaudit init`",
            Input::EarlierCalendar => {
                "give the .ics file ismsaudit wrote last time, or leave --previous out for a first export"
            }
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Input::Register => "the register, a YAML file",
            Input::EarlierCalendar => "the .ics file ismsaudit wrote last time",
        }
    }
}

/// A file's bytes (the register's, or those of `input`): a regular file, read up to the size
/// limit. A FIFO, a device or a directory is refused before it is opened (reading one could
/// block or never end).
pub fn read(path: &Path, max_bytes: u64, input: Input) -> Result<(Vec<u8>, FileId), Diagnostic> {
    let noun = input.noun();
    let cannot = |e: io::Error| {
        let d = Diagnostic::new(None, format!("cannot read {noun}: {e}"));
        if e.kind() == io::ErrorKind::NotFound { d.hint(input.missing()) } else { d }
    };
    let not_a_file =
        || Diagnostic::new(None, "is not a regular file").hint(format!("give the path of {}", input.kind()));
    let too_large = |size: u64| {
        Diagnostic::new(None, format!("{noun} is over {} MiB ({size} bytes)", max_bytes / (1024 * 1024)))
            .hint(format!("check that this file is {noun}, or raise the limit with `--max-size`"))
    };
    if !fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(not_a_file());
    }
    // A register is a file in a checkout. A pull request can commit a symbolic link to any
    // file on the runner (`../.git-credentials`, `/proc/self/environ`, `.git/config`), whose
    // text an error would quote: every link on the way must lead into the directory that holds
    // it, and nothing is read from a `.git` directory through a link, nor from the kernel's
    // `/proc` and `/sys` (whose entries pass for regular files).
    let (target, through_link) = resolve(path, noun).map_err(cannot)??;
    if target.starts_with("/proc") || target.starts_with("/sys") {
        return Err(not_a_file());
    }
    let in_git = |p: &Path| p.components().any(|c| c.as_os_str().eq_ignore_ascii_case(".git"));
    if through_link && in_git(&target) && !in_git(path) {
        return Err(Diagnostic::new(
            None,
            format!("is a symbolic link into a `.git` directory (`{}`)", shown(&target)),
        )
        .hint(format!("give {noun}'s own path: a link is followed only to a file of the checkout")));
    }
    // The file checked is the file read: opened by the path every link was resolved to, one
    // directory at a time, following no link anywhere on it (a directory swapped for a link
    // since the check is refused, not followed), and never blocking, should a FIFO have taken
    // the file's place.
    let file = open_without_links(&target).map_err(|e| match e.raw_os_error() {
        Some(code) if code == rustix_loop() => {
            Diagnostic::new(None, "changed while it was read").hint("run again once the checkout is still")
        }
        _ => cannot(e),
    })?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(not_a_file());
    }
    if metadata.len() > max_bytes {
        return Err(too_large(metadata.len()));
    }
    let id = FileId::of(&target, &metadata).ok_or_else(not_a_file)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // One byte more than the limit tells a file that grew while it was read.
    io::Read::read_to_end(&mut io::Read::take(file, max_bytes + 1), &mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok((bytes, id))
}

/// Opens the file at `path`, an absolute path without links (see [`resolve`]), to read: one
/// directory at a time from the root, each opened by its handle's parent without following a
/// link, and never blocking. A link met anywhere on the way (a directory swapped for one since
/// the path was checked) fails with `ELOOP` (or `ENOTDIR`, mapped to it).
#[cfg(unix)]
fn open_without_links(path: &Path) -> io::Result<File> {
    use rustix::fs::{Mode, OFlags};
    let follow_none = OFlags::NOFOLLOW | OFlags::CLOEXEC;
    // A directory is opened only to look up in it: on Linux without reading it (`O_PATH`), so
    // that one the user may pass through but not list (`--x`) is no obstacle.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let look_up = OFlags::DIRECTORY | OFlags::PATH;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let look_up = OFlags::DIRECTORY | OFlags::RDONLY;
    let mut dir = rustix::fs::open("/", look_up | OFlags::CLOEXEC, Mode::empty())?;
    let names: Vec<&std::ffi::OsStr> = (path.components())
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect();
    let Some((last, folders)) = names.split_last() else {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no file named"));
    };
    let looped = |e: rustix::io::Errno| match e {
        rustix::io::Errno::NOTDIR => io::Error::from_raw_os_error(rustix_loop()),
        e => e.into(),
    };
    for folder in folders {
        dir = rustix::fs::openat(&dir, *folder, follow_none | look_up, Mode::empty()).map_err(looped)?;
    }
    let file = rustix::fs::openat(&dir, *last, follow_none | OFlags::RDONLY | OFlags::NONBLOCK, Mode::empty())?;
    Ok(File::from(file))
}

#[cfg(not(unix))]
fn open_without_links(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The error number of a link met where none may be (`ELOOP`).
fn rustix_loop() -> i32 {
    #[cfg(unix)]
    {
        rustix::io::Errno::LOOP.raw_os_error()
    }
    #[cfg(not(unix))]
    {
        -1
    }
}

/// `path` with every symbolic link on the way resolved, from the first component to the last,
/// and whether there was one; a link that leads out of the directory holding it is refused.
fn resolve(path: &Path, noun: &str) -> io::Result<Result<(PathBuf, bool), Diagnostic>> {
    // Where the walk starts, canonical: the root (and drive) an absolute path names, or the
    // current directory.
    let root: PathBuf =
        path.components().take_while(|c| matches!(c, Component::Prefix(_) | Component::RootDir)).collect();
    let mut at = if root.as_os_str().is_empty() { std::env::current_dir()? } else { root };
    at = fs::canonicalize(&at)?;
    let mut through_link = false;
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir | Component::CurDir => {}
            // `at` is canonical: its parent is where `..` leads.
            Component::ParentDir => _ = at.pop(),
            Component::Normal(name) => {
                let next = at.join(name);
                if !fs::symlink_metadata(&next)?.file_type().is_symlink() {
                    at = next;
                    continue;
                }
                let target = fs::canonicalize(&next)?;
                if !target.starts_with(&at) {
                    // (Where it leads is not said: a pull request would learn what the runner holds.)
                    return Ok(Err(Diagnostic::new(
                        None,
                        format!("`{}` is a symbolic link that leads outside its own directory", shown(&next)),
                    )
                    .hint(format!(
                        "give {noun}'s own path: a link is followed only to a file in its directory or below"
                    ))));
                }
                (at, through_link) = (target, true);
            }
        }
    }
    Ok(Ok((at, through_link)))
}

/// What an output may replace at its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Nothing: the path must be free (`init` without `--force`).
    Nothing,
    /// A regular file, or a symbolic link itself, never what it points to (`init --force`, the
    /// pages of `man --dir`).
    Link,
    /// A regular file, or the regular file a symbolic link points to, as `cp` replaces it
    /// (`--output`); a read-only one only with `force`.
    Through { force: bool },
}

/// Writes what `write` produces to `path`, as [`stage`] and [`Staged::commit`] do: whole or
/// not at all.
pub fn write_file(
    path: &Path,
    replace: Replace,
    inputs: &[FileId],
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let mut staged = stage(path, replace, inputs)?;
    write(staged.writer()).with_context(|| format!("cannot write {}", shown(path)))?;
    staged.commit()
}

/// The directory a path names its file in, and the file's name there.
fn split(path: &Path) -> anyhow::Result<(PathBuf, OsString)> {
    let Some(name) = path.file_name() else {
        anyhow::bail!("cannot write {}: it names no file; give the path of a file to write", shown(path))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name.to_os_string()))
}

/// Opens the directory of `path`, for [`stage`].
fn open_dir(dir: &Path, shown_name: &str) -> anyhow::Result<Rc<Dir>> {
    Dir::open(dir).map(Rc::new).map_err(|e| {
        anyhow::Error::new(e).context(format!("cannot write {shown_name}: cannot open the folder {}", shown(dir)))
    })
}

/// Starts writing `path`: checks what is there against `replace` and `inputs` (the registers
/// being read, never replaced), and opens a new file beside it (an unnamed one where the
/// system allows, so that a run killed while writing leaves nothing behind; else a hidden one,
/// removed on every failure this program sees). The directory is held open from the check to
/// the move, so what is checked is what is replaced.
pub fn stage(path: &Path, replace: Replace, inputs: &[FileId]) -> anyhow::Result<Staged> {
    let shown_name = shown(path);
    let (folder, mut name) = split(path)?;
    let mut dir = open_dir(&folder, &shown_name)?;
    let cannot = |e: io::Error| anyhow::Error::new(e).context(format!("cannot write {shown_name}"));
    let mut entry = dir.entry(&name).map_err(cannot)?;
    let to_stdout = if matches!(replace, Replace::Through { .. }) {
        ", or leave out --output to write to standard output"
    } else {
        ""
    };
    match (replace, entry.as_ref().map(|e| e.kind)) {
        (_, None) | (Replace::Link, Some(Kind::File | Kind::Link)) | (Replace::Through { .. }, Some(Kind::File)) => {}
        (Replace::Nothing, Some(_)) => {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{shown_name} already exists")).into());
        }
        // The file a link points to, resolved once: from here on, through its own directory.
        (Replace::Through { .. }, Some(Kind::Link)) => {
            let Ok(target) = fs::canonicalize(path) else {
                anyhow::bail!(
                    "cannot write {shown_name}: it is a symbolic link to nothing; remove it, or give the path of a file to write"
                )
            };
            let (target_folder, target_name) = split(&target)?;
            dir = open_dir(&target_folder, &shown_name)?;
            name = target_name;
            entry = dir.entry(&name).map_err(cannot)?;
            match entry.as_ref().map(|e| e.kind) {
                Some(Kind::File) => {}
                Some(kind) => anyhow::bail!(
                    "cannot write {shown_name}: it is a symbolic link to {}, not to a regular file; give the path of a file to write{to_stdout}",
                    kind.describe()
                ),
                None => anyhow::bail!(
                    "cannot write {shown_name}: it is a symbolic link to nothing; remove it, or give the path of a file to write"
                ),
            }
        }
        (_, Some(kind)) => anyhow::bail!(
            "cannot write {shown_name}: it is {}, not a regular file; give the path of a file to write{to_stdout}",
            kind.describe()
        ),
    }
    let file_entry = entry.as_ref().filter(|e| e.kind == Kind::File);
    if let Some(e) = file_entry {
        if inputs.contains(&e.id) {
            anyhow::bail!("cannot write {shown_name}: it is the register being read; give another file for the output");
        }
        if replace == (Replace::Through { force: false }) && e.read_only {
            anyhow::bail!("cannot write {shown_name}: it is read-only; pass --force to replace it");
        }
    }
    let (file, temp) = dir.new_file().map_err(|e| {
        anyhow::Error::new(e)
            .context(format!("cannot write {shown_name}: cannot create a temporary file in {}", shown(dir.path())))
    })?;
    let temp = Temp { dir: Rc::clone(&dir), name: temp };
    if let Some(e) = file_entry {
        dir::keep_owner(&file, e).map_err(cannot)?;
    }
    Ok(Staged { file: BufWriter::new(file), dir, name, shown: shown_name, temp, replacing: entry.is_some() })
}

/// An output being written beside its target (see [`stage`]). [`Staged::commit`] moves it into
/// place; dropped without that, it leaves nothing behind.
pub struct Staged {
    file: BufWriter<File>,
    dir: Rc<Dir>,
    /// The target's name in `dir`.
    name: OsString,
    /// The path as the user gave it, for messages.
    shown: String,
    /// The hidden name of the new file, where it has one.
    temp: Temp,
    /// Whether something is at the target, to be replaced.
    replacing: bool,
}

/// The hidden name of a new file in its directory, removed when dropped unless the file has
/// moved into place.
struct Temp {
    dir: Rc<Dir>,
    name: Option<OsString>,
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(name) = self.name.take() {
            let _ = self.dir.remove(&name);
        }
    }
}

impl Staged {
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.file
    }

    /// Flushes the file to disk and gives it the target's name: whole, or not at all.
    pub fn commit(self) -> anyhow::Result<()> {
        let shown = self.shown.clone();
        self.named(true).and_then(|mut n| n.put()).map_err(|e| failed(&shown, e))
    }

    /// Flushes the file to disk and gives it a hidden name of its own beside the target, ready
    /// to take the target's; with `at_once`, a new file (nothing to replace) takes the target's
    /// name at once.
    fn named(self, at_once: bool) -> io::Result<Named> {
        let Staged { file, dir, name, shown, mut temp, replacing } = self;
        let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        if temp.name.is_none() {
            if !replacing && at_once {
                dir.name_unnamed(&file, &name)?;
                return Ok(Named { temp, dir, name, shown, replacing });
            }
            // An unnamed file is named beside the target, then moved over it.
            let free = (0..100)
                .map(|_| dir::temp_name())
                .find(|t| dir.entry(t).is_ok_and(|e| e.is_none()))
                .ok_or_else(|| io::Error::other("every temporary name is taken"))?;
            dir.name_unnamed(&file, &free)?;
            temp.name = Some(free);
        }
        Ok(Named { temp, dir, name, shown, replacing })
    }
}

/// A new file whole on disk under a hidden name, ready to take its target's.
struct Named {
    temp: Temp,
    dir: Rc<Dir>,
    name: OsString,
    shown: String,
    replacing: bool,
}

impl Named {
    /// Gives the file the target's name (nothing to do if it has it already). Once it has it,
    /// that is done, whatever becomes of the hidden name (which is removed when dropped).
    fn put(&mut self) -> io::Result<()> {
        let Some(temp) = self.temp.name.clone() else { return Ok(()) };
        if self.replacing {
            self.dir.rename(&temp, &self.name)?;
            self.temp.name = None;
        } else {
            // A link fails if the name is taken: no window in which another file is lost.
            self.dir.link(&temp, &self.name)?;
        }
        Ok(())
    }
}

/// The error of an output that could not be put in place.
fn failed(name: &str, e: io::Error) -> anyhow::Error {
    match e.kind() {
        io::ErrorKind::AlreadyExists => anyhow::Error::new(io::Error::new(e.kind(), format!("{name} already exists"))),
        _ => anyhow::Error::new(e).context(format!("cannot write {name}")),
    }
}

/// Writes several files, each as [`write_file`] does, all of them or none: every one is written
/// whole beside its place first (unnamed where the system allows), then each is given a hidden
/// name and each file it replaces is kept under another, and only then are they moved into
/// place; if one cannot be moved, those already moved are put back (and where that fails too,
/// the error says so).
pub fn write_all_or_none(files: Vec<(PathBuf, Vec<u8>)>, replace: Replace) -> anyhow::Result<()> {
    let mut written = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        let mut s = stage(path, replace, &[])?;
        s.writer().write_all(bytes).with_context(|| format!("cannot write {}", shown(path)))?;
        written.push(s);
    }
    let mut ready = Vec::with_capacity(written.len());
    for s in written {
        let shown = s.shown.clone();
        let named = s.named(false).map_err(|e| failed(&shown, e))?;
        // What it replaces, kept until all are in place: a link of its own to the same file.
        let kept = if named.replacing {
            let backup = dir::temp_name();
            named.dir.link(&named.name, &backup).map_err(|e| failed(&shown, e))?;
            Temp { dir: Rc::clone(&named.dir), name: Some(backup) }
        } else {
            Temp { dir: Rc::clone(&named.dir), name: None }
        };
        ready.push((named, kept));
    }
    for k in 0..ready.len() {
        let Err(e) = ready[k].0.put() else { continue };
        // Back as they were: the old files in place, the new ones gone.
        let mut stuck = Vec::new();
        for (named, kept) in ready[..k].iter_mut().rev() {
            let back = match kept.name.take() {
                Some(old) => named.dir.rename(&old, &named.name),
                None => named.dir.remove(&named.name),
            };
            if back.is_err() {
                stuck.push(named.shown.clone());
            }
        }
        let e = failed(&ready[k].0.shown, e);
        return Err(match stuck.as_slice() {
            [] => e,
            _ => e.context(format!("and could not put back as they were: {}", stuck.join(", "))),
        });
    }
    Ok(())
}
