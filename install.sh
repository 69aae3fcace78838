#!/bin/sh
# Installs ismsaudit's prebuilt binary from a GitHub release, after checking its SHA-256
# against the release's SHA256SUMS. Linux (x86_64, aarch64; static musl builds, any
# distribution) and macOS (Intel, Apple silicon). The sums come from the same release as the
# archive: they prove the download whole, not who made it (that is the release's, over HTTPS).
# Exit codes: 0 installed, 1 could not (no binary for this machine, a download failed, bad
# arguments), 3 the archive does not match its sum (nothing installed).
#
#   curl -fsSL https://github.com/ismsaudit/ismsaudit/releases/latest/download/install.sh | sh
#   sh install.sh --version 0.2.0 --to /usr/local/bin
#
# Options: --version X.Y.Z (default: the latest release), --to DIR (default:
# $ISMSAUDIT_INSTALL_DIR, else ~/.local/bin). ISMSAUDIT_RELEASES replaces the releases'
# address (https://github.com/ismsaudit/ismsaudit/releases), for a mirror.
set -eu

releases=${ISMSAUDIT_RELEASES:-https://github.com/ismsaudit/ismsaudit/releases}
version=latest
to=${ISMSAUDIT_INSTALL_DIR:-${HOME:?}/.local/bin}

fail() {
  echo "install.sh: error: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || fail "--version needs a value"; version=${2#v}; shift 2 ;;
    --to) [ $# -ge 2 ] || fail "--to needs a folder"; to=$2; shift 2 ;;
    -h | --help) echo "usage: install.sh [--version X.Y.Z] [--to DIR]  (default: the latest release, into ~/.local/bin)"; exit 0 ;;
    *) fail "unknown argument '$1'; the options are --version X.Y.Z and --to DIR" ;;
  esac
done
case "$version" in
  *[!0-9A-Za-z.-]*) fail "'$version' is not a version; give one as X.Y.Z" ;;
  latest | [0-9]*.[0-9]*.[0-9]*) ;;
  *) fail "'$version' is not a version; give one as X.Y.Z" ;;
esac

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
  Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64) target=aarch64-apple-darwin ;;
  *) fail "no prebuilt binary for $os $arch; install with cargo: cargo install --locked ismsaudit" ;;
esac

if [ "$version" = latest ]; then
  base="$releases/latest/download"
else
  base="$releases/download/v$version"
fi
archive="ismsaudit-$target.tar.gz"

if command -v curl >/dev/null 2>&1; then
  fetch() { curl --proto '=https,file' --proto-redir '=https' --tlsv1.2 -fsSL "$1" -o "$2"; }
elif command -v wget >/dev/null 2>&1; then
  fetch() { wget -q --https-only "$1" -O "$2"; }
else
  fail "needs curl or wget to download"
fi
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  fail "needs sha256sum or shasum to check the download"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
fetch "$base/$archive" "$work/$archive" || fail "cannot download $base/$archive"
fetch "$base/SHA256SUMS" "$work/SHA256SUMS" || fail "cannot download $base/SHA256SUMS"
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")
[ -n "$expected" ] || fail "SHA256SUMS lists no $archive"
actual=$(sha256 "$work/$archive")
if [ "$expected" != "$actual" ]; then
  echo "install.sh: error: $archive does not match SHA256SUMS (expected $expected, got $actual); nothing was installed" >&2
  exit 3
fi

tar -xzf "$work/$archive" -C "$work"
mkdir -p "$to"
# Copied beside the old binary, then renamed over it: a running ismsaudit is never half-written.
cp "$work/ismsaudit-$target/ismsaudit" "$to/.ismsaudit.new"
chmod 755 "$to/.ismsaudit.new"
mv -f "$to/.ismsaudit.new" "$to/ismsaudit"
echo "installed $("$to/ismsaudit" --version) in $to"
echo "completions and manual pages: $base/$archive (completions/, man/)"
case ":$PATH:" in
  *":$to:"*) ;;
  *) echo "note: $to is not in PATH; add it, e.g. export PATH=\"$to:\$PATH\"" ;;
esac
