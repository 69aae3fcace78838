//! The register's JSON Schema (draft 2020-12), generated from the types that read it
//! (`raw`), so that the two cannot drift: editors complete keys, clause and control
//! ids (with their titles) and check codes, and mark unknown keys, as the loader does.
//!
//! The types here exist for the schema only: what the loader reads as text (a clause id, a
//! control id, a check code) is described as the values it accepts.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::raw::{Date, DateOr, Day, RawRegister, RawWeekday, Text};
use crate::catalogue;
use crate::codes::Code;
use crate::settings::{Settings, WEEKDAYS};

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

/// One of the listed values, each with its description: editors offer them with the text.
fn one_of(values: impl Iterator<Item = (String, String)>) -> Vec<serde_json::Value> {
    values.map(|(value, description)| serde_json::json!({"const": value, "description": description})).collect()
}

/// Text is a string in the schema, however it is held.
impl JsonSchema for Text<'_> {
    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }

    fn inline_schema() -> bool {
        String::inline_schema()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD, from 1970 to 2200."
        })
    }
}

impl<T: JsonSchema> JsonSchema for DateOr<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("DateOr{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let (date, full) = (generator.subschema_for::<Date>(), generator.subschema_for::<T>());
        json_schema!({ "anyOf": [date, full] })
    }
}

impl JsonSchema for Day {
    fn schema_name() -> Cow<'static, str> {
        "Day".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let date = generator.subschema_for::<Date>();
        json_schema!({
            "anyOf": [
                date,
                {"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "MM-DD: the same day every year."}
            ]
        })
    }
}

impl JsonSchema for RawWeekday {
    fn schema_name() -> Cow<'static, str> {
        "Weekday".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = WEEKDAYS.iter().flat_map(|d| [&d[..3], *d]).collect();
        json_schema!({ "type": "string", "enum": names, "description": "A day of the week: mon ... sun, or written out." })
    }
}

/// A yes-or-no setting: YAML's `true` and `false`, or the words the loader reads as them, in
/// any case (`yes`, `no`, `on`, `off`, `y`, `n`).
pub(super) struct YamlBool;

impl JsonSchema for YamlBool {
    fn schema_name() -> Cow<'static, str> {
        "YamlBool".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "pattern": "^([Yy]([Ee][Ss])?|[Nn][Oo]?|[Oo]([Nn]|[Ff][Ff])|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"}
            ]
        })
    }
}

/// A clause of ISO/IEC 27001:2022, 4.1 to 10.2, or a third-level one such as 6.1.2.
pub(super) struct ClauseId;

impl JsonSchema for ClauseId {
    fn schema_name() -> Cow<'static, str> {
        "ClauseId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let titled = (catalogue::clause_ids().map(|id| (id, catalogue::clause_title(id).unwrap_or_default())))
            .chain(catalogue::third_level_clauses())
            .map(|(id, title)| (id.to_string(), format!("{id} {title}")));
        json_schema!({
            "anyOf": [
                {"type": "string", "oneOf": one_of(titled)},
                // A plain `9.2` is a number to YAML; the loader reads it as written.
                {"type": "number"}
            ]
        })
    }
}

/// An Annex A control of ISO/IEC 27001:2022, A.5.1 to A.8.34 (`5.1` means A.5.1).
pub(super) struct ControlId;

impl JsonSchema for ControlId {
    fn schema_name() -> Cow<'static, str> {
        "ControlId".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let titled = catalogue::control_ids()
            .map(|id| (id.to_string(), format!("{id} {}", catalogue::control_title(id).unwrap_or_default())));
        let bare: Vec<&str> = catalogue::control_ids().filter_map(|id| id.strip_prefix("A.")).collect();
        json_schema!({
            "anyOf": [
                {"type": "string", "oneOf": one_of(titled)},
                {"type": "string", "enum": bare},
                {"type": "number"}
            ]
        })
    }
}

/// A check code an accepted deviation may cover.
pub(super) struct CheckCode;

impl JsonSchema for CheckCode {
    fn schema_name() -> Cow<'static, str> {
        "CheckCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes =
            (Code::ALL.iter().filter(|c| c.acceptable())).map(|c| (c.key().to_string(), c.doc().when.to_string()));
        json_schema!({ "type": "string", "oneOf": one_of(codes) })
    }
}
