//! The release archive and the installer, as a user meets them: `.ci/package` packs the binary
//! with its completions and manual pages; `install.sh` downloads an archive and SHA256SUMS from
//! a release (here a folder laid out as GitHub serves releases, through `file://`), checks the
//! sum and installs the binary, and refuses an archive that does not match.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target `install.sh` picks on this machine, as its table says.
fn installer_target() -> Option<&'static str> {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => Some("x86_64-unknown-linux-musl"),
        ("linux", "aarch64") => Some("aarch64-unknown-linux-musl"),
        ("macos", "x86_64") => Some("x86_64-apple-darwin"),
        ("macos", "aarch64") => Some("aarch64-apple-darwin"),
        _ => None,
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ismsaudit-install-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    eprintln!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    out
}

/// A release folder with the archive of this build and its SHA256SUMS, under `download/vX`
/// and `latest/download`, as GitHub serves them.
fn release(root: &Path, target: &str) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let dir = root.join(format!("releases/download/v{version}"));
    fs::create_dir_all(&dir).unwrap();
    let packed = run(Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/package")).args([
        target,
        env!("CARGO_BIN_EXE_ismsaudit"),
        dir.to_str().unwrap(),
    ]));
    assert!(packed.status.success());
    let archive = format!("ismsaudit-{target}.tar.gz");
    let sums = run(Command::new("sha256sum").arg(&archive).current_dir(&dir));
    assert!(sums.status.success());
    fs::write(dir.join("SHA256SUMS"), sums.stdout).unwrap();
    let latest = root.join("releases/latest/download");
    fs::create_dir_all(&latest).unwrap();
    for f in [archive.as_str(), "SHA256SUMS"] {
        fs::copy(dir.join(f), latest.join(f)).unwrap();
    }
    dir
}

fn install(root: &Path, to: &Path, args: &[&str]) -> std::process::Output {
    run(Command::new("sh")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/install.sh"))
        .args(args)
        .args(["--to", to.to_str().unwrap()])
        .env("ISMSAUDIT_RELEASES", format!("file://{}/releases", root.display())))
}

#[test]
fn the_archive_holds_the_binary_its_completions_and_its_manual() {
    let root = scratch("archive");
    let dir = release(&root, "x86_64-unknown-linux-gnu");
    let listing = run(Command::new("tar").arg("-tzf").arg(dir.join("ismsaudit-x86_64-unknown-linux-gnu.tar.gz")));
    let listing = String::from_utf8(listing.stdout).unwrap();
    for file in [
        "ismsaudit",
        "README.md",
        "LICENSE",
        "completions/ismsaudit.bash",
        "completions/_ismsaudit",
        "completions/ismsaudit.fish",
        "completions/_ismsaudit.ps1",
        "man/man1/ismsaudit.1",
        "man/man1/ismsaudit-check.1",
        "man/man5/ismsaudit-register.5",
    ] {
        let path = format!("ismsaudit-x86_64-unknown-linux-gnu/{file}");
        assert!(listing.lines().any(|l| l == path), "{path} missing from\n{listing}");
    }
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn install_sh_installs_a_checked_binary_and_refuses_a_tampered_one() {
    let Some(target) = installer_target() else {
        eprintln!("install.sh has no prebuilt binary for this machine: nothing to test");
        return;
    };
    let root = scratch("sh");
    let dir = release(&root, target);

    // A pinned version, then the latest.
    for (args, to) in [(&["--version", env!("CARGO_PKG_VERSION")][..], "pinned"), (&[][..], "latest")] {
        let to = root.join(to);
        let out = install(&root, &to, args);
        assert!(out.status.success(), "{args:?}");
        let version = run(Command::new(to.join("ismsaudit")).arg("--version"));
        assert_eq!(String::from_utf8(version.stdout).unwrap().trim(), concat!("ismsaudit ", env!("CARGO_PKG_VERSION")));
    }

    // One byte changed after the sums were written: refused, nothing installed.
    let archive = dir.join(format!("ismsaudit-{target}.tar.gz"));
    let mut bytes = fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&archive, bytes).unwrap();
    let to = root.join("tampered");
    let out = install(&root, &to, &["--version", env!("CARGO_PKG_VERSION")]);
    assert_eq!(out.status.code(), Some(3), "a mismatch is told apart from a failed download");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("does not match SHA256SUMS") && stderr.contains("nothing was installed"), "{stderr}");
    assert!(!to.join("ismsaudit").exists());

    // A version that is no version, and one never released.
    for bad in ["1.0; rm -rf ~", "1.0.0/../../x", "1.0.0 x"] {
        let out = install(&root, &to, &["--version", bad]);
        assert!(String::from_utf8(out.stderr).unwrap().contains("is not a version"), "{bad}");
    }
    let out = install(&root, &to, &["--version", "9.9.9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("cannot download"));
    fs::remove_dir_all(&root).unwrap();
}
