# Installs ismsaudit's prebuilt Windows binary (x86_64) from a GitHub release, after checking
# its SHA-256 against the release's SHA256SUMS.
#
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/ismsaudit/ismsaudit/releases/latest/download/install.ps1 | iex"
#   .\install.ps1 -Version 0.2.0 -To C:\tools\ismsaudit
#
# -Version X.Y.Z (default: the latest release), -To DIR (default: $env:ISMSAUDIT_INSTALL_DIR,
# else %LOCALAPPDATA%\ismsaudit\bin). $env:ISMSAUDIT_RELEASES replaces the releases' address.
param(
    [string]$Version = "latest",
    [string]$To = $(if ($env:ISMSAUDIT_INSTALL_DIR) { $env:ISMSAUDIT_INSTALL_DIR } else { Join-Path $env:LOCALAPPDATA "ismsaudit\bin" })
)
$ErrorActionPreference = "Stop"

$releases = if ($env:ISMSAUDIT_RELEASES) { $env:ISMSAUDIT_RELEASES } else { "https://github.com/ismsaudit/ismsaudit/releases" }
$Version = $Version.TrimStart("v")
if ($Version -ne "latest" -and $Version -notmatch '^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$') {
    throw "'$Version' is not a version; give one as X.Y.Z"
}
if (-not [Environment]::Is64BitOperatingSystem -or $env:PROCESSOR_ARCHITECTURE -eq "ARM64") {
    throw "no prebuilt binary for this Windows; install with cargo: cargo install --locked ismsaudit"
}
$target = "x86_64-pc-windows-msvc"
$base = if ($Version -eq "latest") { "$releases/latest/download" } else { "$releases/download/v$Version" }
$archive = "ismsaudit-$target.zip"

$work = Join-Path ([IO.Path]::GetTempPath()) ("ismsaudit-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null
try {
    Invoke-WebRequest -UseBasicParsing -Uri "$base/$archive" -OutFile (Join-Path $work $archive)
    Invoke-WebRequest -UseBasicParsing -Uri "$base/SHA256SUMS" -OutFile (Join-Path $work "SHA256SUMS")
    $expected = Get-Content (Join-Path $work "SHA256SUMS") |
        ForEach-Object { $f = $_ -split '\s+'; if ($f[1] -eq $archive -or $f[1] -eq "*$archive") { $f[0] } } |
        Select-Object -First 1
    if (-not $expected) { throw "SHA256SUMS lists no $archive" }
    $actual = (Get-FileHash -Algorithm SHA256 (Join-Path $work $archive)).Hash.ToLowerInvariant()
    if ($expected.ToLowerInvariant() -ne $actual) {
        throw "$archive does not match SHA256SUMS (expected $expected, got $actual); nothing was installed"
    }
    Expand-Archive -Path (Join-Path $work $archive) -DestinationPath $work
    New-Item -ItemType Directory -Force -Path $To | Out-Null
    Copy-Item -Force (Join-Path $work "ismsaudit-$target\ismsaudit.exe") (Join-Path $To "ismsaudit.exe")
    $installed = & (Join-Path $To "ismsaudit.exe") --version
    Write-Output "installed $installed in $To"
    if (-not (($env:PATH -split ';') -contains $To)) {
        Write-Output "note: $To is not in PATH; add it in Settings > Environment variables, or for this session: `$env:PATH = `"$To;`$env:PATH`""
    }
} finally {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
