//! A directory held open: what an output reads and writes in it stays in it, whatever its path
//! becomes meanwhile (a directory on the path swapped for a link cannot send a write
//! elsewhere). On Unix every step goes through the directory's handle (`openat`, `renameat`,
//! `linkat`); elsewhere, through its path.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// A file's identity, whatever path reaches it: device and inode on Unix, else its canonical
/// path. An output is never written over a register being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    #[cfg(unix)]
    pub(super) fn of(_: &Path, m: &fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId((m.dev(), m.ino())))
    }

    #[cfg(not(unix))]
    pub(super) fn of(path: &Path, _: &fs::Metadata) -> Option<FileId> {
        fs::canonicalize(path).ok().map(FileId)
    }

    #[cfg(unix)]
    pub(super) fn from_parts(dev: u64, ino: u64) -> FileId {
        FileId((dev, ino))
    }

    #[cfg(not(unix))]
    pub(super) fn of_path(path: &Path) -> FileId {
        FileId(path.to_path_buf())
    }
}

/// What is at a name in a directory, not following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Link,
    Directory,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl Kind {
    /// For messages: "a FIFO", "a directory" ...
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Link => "a symbolic link",
            Kind::Directory => "a directory",
            Kind::Fifo => "a FIFO",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Socket => "a socket",
            Kind::Other => "something else",
        }
    }
}

/// An entry of a directory: what it is, and for a file, who it is and what it allows.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    /// Device and inode (Unix), or the canonical path.
    pub id: FileId,
    /// Permissions, owner and group, for the file that replaces it (Unix).
    pub mode: u32,
    pub owner: (u32, u32),
    /// Nobody may write it (no write bit), or this user may not.
    pub read_only: bool,
}

pub struct Dir {
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
            let fd = rustix::fs::open(path, flags, Mode::empty())?;
            Ok(Dir { path: path.to_path_buf(), fd })
        }
        #[cfg(not(unix))]
        {
            if !std::fs::metadata(path)?.is_dir() {
                return Err(io::Error::new(io::ErrorKind::NotADirectory, "not a directory"));
            }
            Ok(Dir { path: path.to_path_buf() })
        }
    }

    /// The path it was opened by, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What is at `name`, not following a link; `None` when nothing is.
    pub fn entry(&self, name: &OsStr) -> io::Result<Option<Entry>> {
        #[cfg(unix)]
        {
            use rustix::fs::{Access, AtFlags, FileType};
            let st = match rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => st,
                Err(rustix::io::Errno::NOENT) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let kind = match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => Kind::File,
                FileType::Symlink => Kind::Link,
                FileType::Directory => Kind::Directory,
                FileType::Fifo => Kind::Fifo,
                FileType::CharacterDevice => Kind::CharDevice,
                FileType::BlockDevice => Kind::BlockDevice,
                FileType::Socket => Kind::Socket,
                _ => Kind::Other,
            };
            let mode = st.st_mode & 0o7777;
            let writable = rustix::fs::accessat(&self.fd, name, Access::WRITE_OK, AtFlags::empty()).is_ok();
            Ok(Some(Entry {
                kind,
                id: FileId::from_parts(st.st_dev, st.st_ino),
                mode,
                owner: (st.st_uid, st.st_gid),
                read_only: mode & 0o222 == 0 || !writable,
            }))
        }
        #[cfg(not(unix))]
        {
            let path = self.path.join(name);
            let m = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(e),
            };
            let kind = if m.file_type().is_symlink() {
                Kind::Link
            } else if m.is_file() {
                Kind::File
            } else if m.is_dir() {
                Kind::Directory
            } else {
                Kind::Other
            };
            let id = FileId::of(&path, &m).unwrap_or_else(|| FileId::of_path(&path));
            Ok(Some(Entry { kind, id, mode: 0, owner: (0, 0), read_only: m.permissions().readonly() }))
        }
    }

    /// A new file in the directory: unnamed (Linux's `O_TMPFILE`, where the file system has it
    /// and `/proc` can name it later), else with a hidden, random name of its own.
    pub fn new_file(&self) -> io::Result<(File, Option<OsString>)> {
        #[cfg(target_os = "linux")]
        if Path::new("/proc/self/fd").is_dir() {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
            if let Ok(fd) = rustix::fs::openat(&self.fd, ".", flags, Mode::from_raw_mode(0o666)) {
                return Ok((File::from(fd), None));
            }
        }
        for _ in 0..100 {
            let temp = temp_name();
            match self.create_new(&temp) {
                Ok(file) => return Ok((file, Some(temp))),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other("every temporary name is taken"))
    }

    fn create_new(&self, name: &OsStr) -> io::Result<File> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
            Ok(File::from(rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(0o666))?))
        }
        #[cfg(not(unix))]
        {
            std::fs::OpenOptions::new().write(true).create_new(true).open(self.path.join(name))
        }
    }

    /// Gives an unnamed file (see [`Dir::new_file`]) the name `name`, failing if it is taken.
    pub fn name_unnamed(&self, file: &File, name: &OsStr) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let from = format!("/proc/self/fd/{}", file.as_raw_fd());
            rustix::fs::linkat(rustix::fs::CWD, from.as_str(), &self.fd, name, rustix::fs::AtFlags::SYMLINK_FOLLOW)?;
            Ok(())
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (file, name);
            Err(io::Error::other("no unnamed file to name"))
        }
    }

    /// Moves `from` over `to`, replacing what is there.
    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?)
        }
        #[cfg(not(unix))]
        {
            std::fs::rename(self.path.join(from), self.path.join(to))
        }
    }

    /// Gives the file at `from` the name `to` as well, failing if `to` is taken.
    pub fn link(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            Ok(rustix::fs::linkat(&self.fd, from, &self.fd, to, rustix::fs::AtFlags::empty())?)
        }
        #[cfg(not(unix))]
        {
            std::fs::hard_link(self.path.join(from), self.path.join(to))
        }
    }

    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        #[cfg(unix)]
        {
            Ok(rustix::fs::unlinkat(&self.fd, name, rustix::fs::AtFlags::empty())?)
        }
        #[cfg(not(unix))]
        {
            std::fs::remove_file(self.path.join(name))
        }
    }
}

/// A hidden name for a new file: its own, not the target's (a target name near the 255-byte
/// limit would leave no room for a suffix), and random, so that nobody can take the names in
/// advance.
pub fn temp_name() -> OsString {
    let mut bytes = [0u8; 8];
    // Without randomness (never seen), the names are still tried one by one.
    let random = getrandom::fill(&mut bytes).map_or(0, |()| u64::from_le_bytes(bytes));
    OsString::from(format!(".ismsaudit.{}.{random:016x}.tmp", std::process::id()))
}

/// Gives a new file the permissions, and where the system lets it the owner, of the `entry` it
/// replaces (a register kept private stays private), before anything is written to it.
pub fn keep_owner(file: &File, entry: &Entry) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(entry.mode))?;
        // Only the owner's group, or nothing, may be what the system allows: both are fine.
        let (uid, gid) = entry.owner;
        if std::os::unix::fs::fchown(file, Some(uid), Some(gid)).is_err() {
            let _ = std::os::unix::fs::fchown(file, None, Some(gid));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let mut permissions = file.metadata()?.permissions();
        permissions.set_readonly(entry.read_only);
        file.set_permissions(permissions)
    }
}
