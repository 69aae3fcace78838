//! The shape of the code, as the project keeps it: no source file over 900 lines (the
//! library, its tests and its examples), and no two modules of the library that use each
//! other. (Only pairs are caught, and a use is read from the text: `crate::name` outside a
//! line comment.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, in order.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_source_file_is_over_900_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<PathBuf> = ["src", "tests", "examples"].iter().flat_map(|d| sources(&root.join(d))).collect();
    assert!(files.iter().any(|f| f.ends_with("tests/layout.rs")), "the tests are read too");
    let long: Vec<String> = files
        .into_iter()
        .filter_map(|path| {
            let lines = fs::read_to_string(&path).unwrap().lines().count();
            (lines > 900).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by what they do: {long:?}");
}

/// The library's top-level module a file belongs to (`src/register/raw.rs` is `register`).
fn module_of(path: &Path, src: &Path) -> String {
    let rel = path.strip_prefix(src).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The modules a file names as `crate::name`, outside comments.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn no_two_modules_use_each_other() {
    let src = src();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in sources(&src) {
        let module = module_of(&path, &src);
        if module == "lib" || module == "main" || module == "cli" {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        edges.entry(module.clone()).or_default().extend(uses(&text).into_iter().filter(|m| *m != module));
    }
    assert!(edges.len() > 10, "the modules were found: {edges:?}");
    assert!(edges["render"].contains("plan"), "uses are found: {edges:?}");
    let circles: Vec<(String, String)> = edges
        .iter()
        .flat_map(|(a, to)| {
            to.iter()
                .filter(|b| *a < **b && edges.get(*b).is_some_and(|x| x.contains(a)))
                .map(|b| (a.clone(), b.clone()))
        })
        .collect();
    assert!(circles.is_empty(), "modules that use each other: {circles:?}");
}

#[test]
fn a_use_is_found_and_a_comment_is_not() {
    let text = "use crate::plan::Plan;\n//! see [`crate::valid`]\nlet x = crate::text::count(1);\n";
    assert_eq!(uses(text), BTreeSet::from(["plan".to_string(), "text".to_string()]));
}
