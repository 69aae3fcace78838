//! Files: the register read (a regular file, within the size limit, through no symbolic link
//! that leaves its directory), and outputs written whole or not at all, only over what the
//! user named as a plain output file.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use ismsaudit::diagnostic::{Diagnostic, InputError};
use ismsaudit::register::{self, Register};
use ismsaudit::text::name;

/// A path as messages show it: escaped (it may come from a pull request) and, if very long, cut.
pub fn shown(path: &Path) -> String {
    name(&path.display().to_string()).into_owned()
}

/// A file's identity, whatever path reaches it: device and inode on Unix, else its canonical
/// path. An output is never written over a register being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    #[cfg(unix)]
    fn of(_: &Path, m: &fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId((m.dev(), m.ino())))
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _: &fs::Metadata) -> Option<FileId> {
        fs::canonicalize(path).ok().map(FileId)
    }
}

/// The identity of the file at `path` (following links), if there is one.
pub fn identity(path: &Path) -> Option<FileId> {
    fs::metadata(path).ok().and_then(|m| FileId::of(path, &m))
}

/// Reads and checks a register; every failure is an [`InputError`] (exit 2). Also gives the
/// file's identity, so that no output replaces it.
pub fn load(path: &Path, max_bytes: u64) -> Result<(Register, FileId), InputError> {
    let name = path.display().to_string();
    let (bytes, id) = read(path, max_bytes).map_err(|d| InputError::one(&name, d))?;
    Ok((register::parse(&name, register::decode(&name, &bytes)?)?, id))
}

/// The register's bytes: a regular file, read up to the size limit. A FIFO, a device or a
/// directory is refused before it is opened (reading one could block or never end).
pub fn read(path: &Path, max_bytes: u64) -> Result<(Vec<u8>, FileId), Diagnostic> {
    let cannot = |e: io::Error| {
        let d = Diagnostic::new(None, format!("cannot read the register: {e}"));
        if e.kind() == io::ErrorKind::NotFound { d.hint("create one with `ismsaudit init`") } else { d }
    };
    let not_a_file =
        || Diagnostic::new(None, "is not a regular file").hint("give the path of the register, a YAML file");
    let too_large = |size: u64| {
        Diagnostic::new(None, format!("the register is over {} MiB ({size} bytes)", max_bytes / (1024 * 1024)))
            .hint("check that this file is the register, or raise the limit with `--max-size`")
    };
    if !fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(not_a_file());
    }
    // A register is a file in a checkout. A pull request can commit a symbolic link to any
    // file on the runner (`../.git-credentials`, `/proc/self/environ`, `.git/config`), whose
    // text an error would quote: every link on the way must lead into the directory that holds
    // it, and nothing is read from a `.git` directory through a link, nor from the kernel's
    // `/proc` and `/sys` (whose entries pass for regular files).
    let (target, through_link) = resolve(path).map_err(cannot)??;
    if target.starts_with("/proc") || target.starts_with("/sys") {
        return Err(not_a_file());
    }
    let in_git = |p: &Path| p.components().any(|c| c.as_os_str().eq_ignore_ascii_case(".git"));
    if through_link && in_git(&target) && !in_git(path) {
        return Err(Diagnostic::new(
            None,
            format!("is a symbolic link into a `.git` directory (`{}`)", shown(&target)),
        )
        .hint("give the register's own path: a link is followed only to a file of the checkout"));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // The file checked is the file read: opened by the path every link was resolved to (a
    // link swapped in since is not followed), and never blocking, should a FIFO have taken its
    // place.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK | libc::O_NOFOLLOW);
    let file = options.open(&target).map_err(cannot)?;
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

/// `path` with every symbolic link on the way resolved, from the first component to the last,
/// and whether there was one; a link that leads out of the directory holding it is refused.
fn resolve(path: &Path) -> io::Result<Result<(PathBuf, bool), Diagnostic>> {
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
                    .hint(
                        "give the register's own path: a link is followed only to a file in its directory or below",
                    )));
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

/// Starts writing `path`: checks what is there against `replace` and `inputs` (the registers
/// being read, never replaced), and opens a new file beside it (an unnamed one where the
/// system allows, so that a run killed half way leaves nothing behind; else a hidden one,
/// removed on every failure this program sees).
pub fn stage(path: &Path, replace: Replace, inputs: &[FileId]) -> anyhow::Result<Staged> {
    let name = shown(path);
    let there = fs::symlink_metadata(path).ok();
    let link = there.as_ref().is_some_and(|m| m.file_type().is_symlink());
    // The file whose name the output takes, and what is there now.
    let (target, existing) = match (replace, there) {
        (_, None) => (path.to_path_buf(), None),
        (Replace::Nothing, Some(_)) => {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{name} already exists")).into());
        }
        (Replace::Link, Some(m)) if link || m.is_file() => (path.to_path_buf(), Some(m)),
        (Replace::Through { .. }, Some(m)) if m.is_file() => (path.to_path_buf(), Some(m)),
        // Resolved once: the file checked below is the file replaced, whatever the link does since.
        (Replace::Through { .. }, Some(_)) if link => {
            match fs::canonicalize(path).map(|t| (fs::symlink_metadata(&t), t)) {
                Ok((Ok(m), target)) if m.is_file() => (target, Some(m)),
                Ok((Ok(m), _)) => anyhow::bail!(
                    "cannot write {name}: it is a symbolic link to {}, not to a regular file; give the path of a file to write, or leave out --output to write to standard output",
                    kind(&m)
                ),
                _ => anyhow::bail!(
                    "cannot write {name}: it is a symbolic link to nothing; remove it, or give the path of a file to write"
                ),
            }
        }
        (_, Some(m)) => anyhow::bail!(
            "cannot write {name}: it is {}, not a regular file; give the path of a file to write{}",
            kind(&m),
            if matches!(replace, Replace::Through { .. }) {
                ", or leave out --output to write to standard output"
            } else {
                ""
            }
        ),
    };
    if let Some(m) = existing.as_ref().filter(|m| m.is_file()) {
        if FileId::of(&target, m).is_some_and(|id| inputs.contains(&id)) {
            anyhow::bail!("cannot write {name}: it is the register being read; give another file for the output");
        }
        if replace == (Replace::Through { force: false }) && read_only(&target, m) {
            anyhow::bail!("cannot write {name}: it is read-only; pass --force to replace it");
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let replacing = existing.is_some();
    let (file, temp) = new_file(&dir)
        .with_context(|| format!("cannot write {name}: cannot create a temporary file in {}", shown(&dir)))?;
    let temp = Temp(temp);
    // A register kept private stays private: the new file takes the replaced one's permissions
    // (and owner, where the system lets it) before anything is written to it.
    if let Some(m) = existing.filter(|m| m.is_file()) {
        keep_owner(&file, &m).with_context(|| format!("cannot write {name}"))?;
    }
    Ok(Staged { file: BufWriter::new(file), target, name, dir, temp, replacing })
}

/// What a file that is not a regular one is, for messages.
fn kind(m: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        } else if t.is_char_device() {
            return "a character device";
        } else if t.is_block_device() {
            return "a block device";
        } else if t.is_socket() {
            return "a socket";
        }
    }
    if m.is_dir() { "a directory" } else { "something else" }
}

/// Whether the user may not write `path` (the file itself, not its directory): a new file
/// renamed over it would otherwise replace it all the same.
fn read_only(path: &Path, m: &fs::Metadata) -> bool {
    m.permissions().readonly() || !writable(path)
}

#[cfg(unix)]
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: `c` is a NUL-terminated path that outlives the call; `access` only reads it.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable(_: &Path) -> bool {
    true
}

#[cfg(unix)]
fn keep_owner(file: &File, m: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    file.set_permissions(m.permissions())?;
    // Only the owner's group, or nothing, may be what the system allows: both are fine.
    if std::os::unix::fs::fchown(file, Some(m.uid()), Some(m.gid())).is_err() {
        let _ = std::os::unix::fs::fchown(file, None, Some(m.gid()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_owner(file: &File, m: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(m.permissions())
}

/// A new file in `dir`: unnamed (Linux's `O_TMPFILE`, where the file system has it and `/proc`
/// can name it later), else with a hidden name of its own.
fn new_file(dir: &Path) -> io::Result<(File, Option<PathBuf>)> {
    #[cfg(target_os = "linux")]
    if Path::new("/proc/self/fd").is_dir() {
        use std::os::unix::fs::OpenOptionsExt;
        let unnamed = fs::OpenOptions::new().write(true).mode(0o666).custom_flags(libc::O_TMPFILE).open(dir);
        if let Ok(file) = unnamed {
            return Ok((file, None));
        }
    }
    for _ in 0..100 {
        let temp = temp_name(dir);
        match fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((file, Some(temp))),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("every temporary name is taken"))
}

/// A hidden name in `dir` for a new file: its own, not the target's (a target name near the
/// 255-byte limit would leave no room for a suffix), and random, so that nobody can take the
/// names in advance.
fn temp_name(dir: &Path) -> PathBuf {
    let mut bytes = [0u8; 8];
    // Without randomness (never seen), the names are still tried one by one.
    let random = getrandom::fill(&mut bytes).map_or(0, |()| u64::from_le_bytes(bytes));
    dir.join(format!(".ismsaudit.{}.{random:016x}.tmp", std::process::id()))
}

/// An output being written beside its target (see [`stage`]). [`Staged::commit`] moves it into
/// place; dropped without that, it leaves nothing behind.
pub struct Staged {
    file: BufWriter<File>,
    target: PathBuf,
    /// The path as the user gave it, for messages.
    name: String,
    dir: PathBuf,
    /// The hidden name of the new file, where it has one.
    temp: Temp,
    /// Whether something is at the target, to be replaced.
    replacing: bool,
}

/// The hidden name of a new file, removed when dropped unless the file has moved into place.
struct Temp(Option<PathBuf>);

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(temp) = self.0.take() {
            let _ = fs::remove_file(temp);
        }
    }
}

impl Staged {
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.file
    }

    /// Flushes the file to disk and gives it the target's name: whole, or not at all.
    pub fn commit(self) -> anyhow::Result<()> {
        let name = self.name.clone();
        self.named(true).and_then(|mut n| n.put()).map_err(|e| failed(&name, e))
    }

    /// Flushes the file to disk and gives it a hidden name of its own beside the target, ready
    /// to take the target's; with `at_once`, a new file (nothing to replace) takes the target's
    /// name at once.
    fn named(self, at_once: bool) -> io::Result<Named> {
        let Staged { file, target, name, dir, mut temp, replacing } = self;
        let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        if temp.0.is_none() {
            if !replacing && at_once {
                link_unnamed(&file, &target)?;
                return Ok(Named { temp, target, name, replacing });
            }
            // An unnamed file is named beside the target, then renamed over it (a run killed in
            // that instant leaves the hidden name).
            let free = (0..100)
                .map(|_| temp_name(&dir))
                .find(|t| fs::symlink_metadata(t).is_err())
                .ok_or_else(|| io::Error::other("every temporary name is taken"))?;
            link_unnamed(&file, &free)?;
            temp.0 = Some(free);
        }
        Ok(Named { temp, target, name, replacing })
    }
}

/// A new file whole on disk under a hidden name, ready to take its target's.
struct Named {
    temp: Temp,
    target: PathBuf,
    name: String,
    replacing: bool,
}

impl Named {
    /// Gives the file the target's name (nothing to do if it has it already).
    fn put(&mut self) -> io::Result<()> {
        let Some(named) = self.temp.0.as_deref() else { return Ok(()) };
        if self.replacing {
            fs::rename(named, &self.target)?;
        } else {
            // A hard link fails if the name exists: no window in which another file is lost.
            fs::hard_link(named, &self.target)?;
            fs::remove_file(named)?;
        }
        self.temp.0 = None;
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

/// Gives an unnamed file (`O_TMPFILE`) the name `to`, failing if that name is taken.
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, to: &Path) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let from = std::ffi::CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))?;
    let to = std::ffi::CString::new(to.as_os_str().as_bytes())?;
    // SAFETY: both are NUL-terminated paths that outlive the call, which only reads them.
    let done =
        unsafe { libc::linkat(libc::AT_FDCWD, from.as_ptr(), libc::AT_FDCWD, to.as_ptr(), libc::AT_SYMLINK_FOLLOW) };
    if done == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

/// Unnamed files exist on Linux only; elsewhere every new file has a name.
#[cfg(not(target_os = "linux"))]
fn link_unnamed(_: &File, _: &Path) -> io::Result<()> {
    Err(io::Error::other("no unnamed file to link"))
}

/// Writes several files, each as [`write_file`] does, all of them or none: every one is
/// written whole beside its place first, each file it replaces is kept under a hidden name, and
/// only then are they moved into place; if one cannot be, those already moved are put back.
pub fn write_all_or_none(files: Vec<(PathBuf, Vec<u8>)>, replace: Replace) -> anyhow::Result<()> {
    let mut ready = Vec::with_capacity(files.len());
    for (path, bytes) in &files {
        let mut s = stage(path, replace, &[])?;
        s.writer().write_all(bytes).with_context(|| format!("cannot write {}", shown(path)))?;
        let name = s.name.clone();
        let named = s.named(false).map_err(|e| failed(&name, e))?;
        // What it replaces, kept until all are in place (a link of its own to the same file).
        let dir = named.target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let kept = if named.replacing {
            let backup = temp_name(&dir);
            fs::hard_link(&named.target, &backup).with_context(|| format!("cannot write {}", named.name))?;
            Temp(Some(backup))
        } else {
            Temp(None)
        };
        ready.push((named, kept));
    }
    for k in 0..ready.len() {
        if let Err(e) = ready[k].0.put() {
            // Back as they were: the old files in place, the new ones gone.
            for (named, kept) in ready[..k].iter_mut().rev() {
                let _ = match kept.0.take() {
                    Some(old) => fs::rename(&old, &named.target),
                    None => fs::remove_file(&named.target),
                };
            }
            return Err(failed(&ready[k].0.name, e));
        }
    }
    Ok(())
}
