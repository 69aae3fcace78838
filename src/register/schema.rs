//! The register's JSON Schema (draft 2020-12), generated from the types that read it
//! (`raw`), so that the two cannot drift: editors complete keys, clause and control
//! ids (with their titles) and check codes, and mark unknown keys, as the loader does.
//!
//! How each value is described (a clause id with its title, a date's pattern) is said next to
//! the type that reads it, in `raw`.

use super::raw::RawRegister;
use crate::settings::Settings;

/// The schema of a register, as a JSON value. Integer formats (`uint32`) are left out: they are
/// not JSON Schema's, and validators such as ajv refuse a schema that has them.
pub fn schema() -> serde_json::Value {
    let mut schema =
        schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<RawRegister>();
    schema.insert("title".into(), "ismsaudit ISMS register".into());
    schema.insert(
        "description".into(),
        "An ISMS register for ismsaudit (https://github.com/ismsaudit/ismsaudit): the ISO/IEC 27001:2022 scope, auditors, certification dates and the record of audits. `ismsaudit validate` checks what a schema cannot (ids that refer to each other, dates in order)."
            .into(),
    );
    let mut value = schema.to_value();
    without_integer_formats(&mut value);
    let objects: Vec<String> = (value.get("$defs").and_then(|d| d.as_object()).into_iter().flatten())
        .filter(|(_, d)| d.get("type").and_then(|t| t.as_str()) == Some("object"))
        .map(|(name, _)| format!("#/$defs/{name}"))
        .collect();
    with_errors_that_name_the_key(&mut value, &objects);
    // What the checks beyond the types ask, where a schema can say it: each setting's range,
    // and a reason for every exclusion (6.1.3 d).
    if let Some(settings) = value.pointer_mut("/$defs/Settings/properties") {
        for n in Settings::NUMBERS {
            if let Some(property) = settings.get_mut(n.key).and_then(|p| p.as_object_mut()) {
                property.insert("minimum".into(), n.min.into());
                property.insert("maximum".into(), n.max.into());
            }
        }
    }
    if let Some(required) = value.pointer_mut("/$defs/Exclusion/required").and_then(|r| r.as_array_mut()) {
        required.push("reason".into());
    }
    value
}

fn without_integer_formats(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("format").and_then(|f| f.as_str()).is_some_and(|f| f.starts_with("int") || f.starts_with("uint"))
            {
                map.remove("format");
            }
            map.values_mut().for_each(without_integer_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_integer_formats),
        _ => {}
    }
}

/// `anyOf` choices written as `if`/`then`/`else`, where the value's type tells which applies:
/// an optional value (`anyOf: [X, null]`: null, else X) and a date or an object (`anyOf:
/// [Date, External]`: an object is an External, else a Date). A validator reports a value that
/// fits no branch of an `anyOf` as "not valid under any of the given schemas"; with the branch
/// chosen by the type, it names what is wrong in it (a misspelt key, a wrong value), as the
/// loader does. `objects` are the references to object types.
fn with_errors_that_name_the_key(value: &mut serde_json::Value, objects: &[String]) {
    use serde_json::{Value, json};
    match value {
        Value::Object(map) => {
            let branches = map.get("anyOf").and_then(|a| a.as_array()).filter(|a| a.len() == 2).cloned();
            if let Some(branches) = branches {
                let is_null = |b: &Value| b.get("type").and_then(|t| t.as_str()) == Some("null");
                let reference = |b: &Value| b.get("$ref").and_then(|r| r.as_str()).map(str::to_string);
                let object = |b: &Value| reference(b).is_some_and(|r| objects.contains(&r));
                let replaced = match (&branches[0], &branches[1]) {
                    (x, n) | (n, x) if is_null(n) && reference(x).is_some() => {
                        Some(json!({"if": {"type": "null"}, "else": x}))
                    }
                    (o, x) | (x, o) if object(o) && reference(x).is_some() && !object(x) => {
                        Some(json!({"if": {"type": "object"}, "then": o, "else": x}))
                    }
                    _ => None,
                };
                if let Some(Value::Object(choice)) = replaced {
                    map.remove("anyOf");
                    map.extend(choice);
                }
            }
            map.values_mut().for_each(|v| with_errors_that_name_the_key(v, objects));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| with_errors_that_name_the_key(v, objects)),
        _ => {}
    }
}
