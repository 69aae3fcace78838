//! The register's JSON Schema: the file editors use is what `ismsaudit schema` writes, the
//! examples and the starter register validate against it, and what the loader refuses for its
//! shape (an unknown key, an id that is no control, a value outside a list) the schema refuses.

use std::process::Command;

fn ismsaudit(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&ismsaudit(&["schema"])).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    // Only JSON Schema's own formats: strict validators (ajv) refuse others such as `uint32`.
    assert!(!schema.to_string().contains("\"format\""), "a format JSON Schema does not define");
    jsonschema::validator_for(&schema).unwrap()
}

/// The register as an editor's YAML language server sees it: YAML read into JSON values.
fn instance(yaml: &str) -> serde_json::Value {
    serde_saphyr::from_str(yaml).unwrap()
}

fn errors(v: &jsonschema::Validator, yaml: &str) -> Vec<String> {
    v.iter_errors(&instance(yaml)).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

/// The committed `isms.schema.json` is what `ismsaudit schema` writes: a change to the register's
/// types shows in review. Refresh with `UPDATE_SCHEMA=1 cargo test --test schema`.
#[test]
fn the_committed_schema_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/isms.schema.json");
    let written = ismsaudit(&["schema"]);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &written).unwrap();
    }
    assert_eq!(std::fs::read_to_string(path).unwrap(), written, "isms.schema.json is stale");
}

#[test]
fn the_examples_and_the_starter_register_validate() {
    let v = validator();
    for file in ["examples/startup.yaml", "examples/saas-certified.yaml", "examples/enterprise.yaml"] {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_string() + file).unwrap();
        assert_eq!(errors(&v, &text), Vec::<String>::new(), "{file}");
    }
    let dir = std::env::temp_dir().join(format!("ismsaudit-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let starter = dir.join("isms.yaml");
    ismsaudit(&["init", starter.to_str().unwrap(), "--today", "2026-11-28"]);
    let text = std::fs::read_to_string(&starter).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(text.starts_with("# yaml-language-server: $schema=isms.schema.json\n"));
    assert_eq!(errors(&v, &text), Vec::<String>::new(), "the starter register");
}

#[test]
fn what_the_loader_refuses_for_its_shape_the_schema_refuses() {
    let v = validator();
    let good = "organisation: Acme Ltd
certification: {stage1: 2027-03-15}
settings: {rotation: yes, round_weeks: 6}
auditors: [{id: carol, max_days_per_year: 12}]
scope:
  - id: isms-core
    owner: dave
    risk: high
    clauses: [\"4.1\", 9.2, \"6.1.2\"]
    controls: [A.5.1, \"8.34\"]
soa:
  excluded: [{control: A.7.5, reason: No premises}]
reviews: [{date: 2027-01-11, status: booked}]
accepted: [{code: surveillance-late, reason: CB letter, reference: X-1, until: 2027-12-31}]
";
    assert_eq!(errors(&v, good), Vec::<String>::new());
    for (change, from, to) in [
        ("an unknown top-level key", "organisation:", "organization: x\norganisation:"),
        ("an unknown key in an area", "risk: high", "risk: high\n    riks: low"),
        ("a control that does not exist", "A.5.1,", "A.5.38,"),
        ("a 2013 control id", "A.5.1,", "A.12.4.1,"),
        ("a clause that does not exist", "\"4.1\"", "\"4.5\""),
        ("a risk outside the list", "risk: high", "risk: critical"),
        ("an area without an owner", "owner: dave", "name: Core"),
        ("a date written otherwise", "2027-03-15", "15.03.2027"),
        ("a review status outside the list", "status: booked", "status: planned"),
        ("an unknown check code", "surveillance-late", "surveilance-late"),
        ("a list where one value goes", "organisation: Acme Ltd", "organisation: [Acme]"),
        ("a setting outside its range", "round_weeks: 6", "round_weeks: 30"),
        ("an exclusion without a reason", ", reason: No premises", ""),
    ] {
        assert!(good.contains(from), "{change}");
        let bad = good.replacen(from, to, 1);
        assert!(!errors(&v, &bad).is_empty(), "the schema accepts {change}");
        let file = std::env::temp_dir().join(format!("ismsaudit-schema-bad-{}.yaml", std::process::id()));
        std::fs::write(&file, &bad).unwrap();
        let loaded = Command::new(env!("CARGO_BIN_EXE_ismsaudit"))
            .args(["validate", file.to_str().unwrap(), "--today", "2026-11-28"])
            .output()
            .unwrap();
        let _ = std::fs::remove_file(&file);
        assert_eq!(loaded.status.code(), Some(2), "the loader accepts {change}");
    }
}

/// Each numeric setting is written once, in `settings::numbers!`: its key, default and range
/// are the same in the schema (bounds and description), the README's register and the starter
/// register `init` writes, and the schema has no other numeric setting.
#[test]
fn every_numeric_setting_reads_the_same_everywhere() {
    use ismsaudit::settings::Settings;
    let schema: serde_json::Value = serde_json::from_str(&ismsaudit(&["schema"])).unwrap();
    let properties = schema["$defs"]["Settings"]["properties"].as_object().unwrap();
    let readme = include_str!("../README.md");
    let starter = ismsaudit::starter::starter(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), "x", None);
    for n in Settings::NUMBERS {
        let p = &properties[n.key];
        assert_eq!(
            (p["minimum"].as_u64(), p["maximum"].as_u64()),
            (Some(n.min.into()), Some(n.max.into())),
            "{}",
            n.key
        );
        let range = format!("({}-{}, default {})", n.min, n.max, n.default);
        assert!(p["description"].as_str().unwrap().ends_with(&format!("{range}.")), "{}: {p}", n.key);
        let written = format!("{}: {} ", n.key, n.default);
        let line = readme.lines().map(str::trim_start).find(|l| l.starts_with(&format!("{}:", n.key))).unwrap();
        assert!(line.starts_with(&written) && line.contains(&format!("{}-{}", n.min, n.max)), "README: {line}");
        let line = starter.lines().find(|l| l.starts_with(&format!("#   {}:", n.key))).unwrap();
        assert!(
            line.starts_with(&format!("#   {written}")) && line.ends_with(&format!("# {}-{}", n.min, n.max)),
            "{line}"
        );
    }
    let numeric: Vec<&String> = properties
        .keys()
        .filter(|k| properties[*k]["type"] != "array" && !["rotation", "workdays", "blackout"].contains(&k.as_str()))
        .collect();
    assert_eq!(numeric.len(), Settings::NUMBERS.len(), "{numeric:?}");
}

/// Every key has a description: editors show it on hover, and `ismsaudit man` writes the
/// register's page (`ismsaudit-register.5`) from it.
#[test]
fn every_key_of_the_register_is_described() {
    let schema: serde_json::Value = serde_json::from_str(&ismsaudit(&["schema"])).unwrap();
    let mut objects = vec![("register".to_string(), &schema)];
    objects.extend(schema["$defs"].as_object().unwrap().iter().map(|(n, d)| (n.clone(), d)));
    let mut keys = 0;
    for (name, object) in objects {
        for (key, p) in object["properties"].as_object().into_iter().flatten() {
            assert!(p["description"].as_str().is_some_and(|d| d.len() > 10), "{name}.{key} has no description");
            keys += 1;
        }
    }
    assert!(keys > 100, "{keys} keys");
}

/// An editor's message names what is wrong where a value may be one of two things (an optional
/// section, a date or a record): the misspelt key or the bad value, not "not valid under any
/// of the schemas".
#[test]
fn schema_errors_name_the_misspelt_key() {
    let v = validator();
    let good = "organisation: Acme Ltd
certification:
  decision: 2024-06-03
  surveillance: [{date: 2025-05-06, days: 2}]
programme: {owner: dave}
settings: {round_weeks: 6}
auditors: [{id: carol}]
scope:
  - {id: isms-core, owner: dave, since: 2024-01-01}
";
    assert_eq!(errors(&v, good), Vec::<String>::new());
    for (change, from, to, named) in [
        ("a misspelt setting", "round_weeks: 6", "round_week: 6", "round_week"),
        ("a misspelt key of the programme", "owner: dave}", "ownr: dave}", "ownr"),
        ("a misspelt key of a surveillance", "days: 2", "dayz: 2", "dayz"),
        ("a date written otherwise, where it is optional", "since: 2024-01-01", "since: 01.01.2024", "01.01.2024"),
    ] {
        let bad = good.replacen(from, to, 1);
        let found = errors(&v, &bad);
        assert!(!found.is_empty(), "{change}");
        assert!(found.iter().all(|e| !e.contains("any of")), "{change}: {found:?}");
        assert!(found.iter().any(|e| e.contains(named)), "{change}: {found:?}");
    }
}
