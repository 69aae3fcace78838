//! What a hostile register writes: the payloads its text can carry, the register they are put
//! in, the fields they go to, registers that cannot be read, and every command and format its
//! text can reach a terminal or a log through.

/// What a register's text can carry, one kind each, as YAML double-quoted escapes: control
/// characters (a CR LF and a workflow command, a window title, a clear screen, NUL, DEL, a
/// right-to-left override); GitHub's workflow commands where the text starts and in the older
/// form; the log commands of Azure Pipelines and TeamCity; invisible characters; what GitHub's
/// Markdown makes a link, an image or a notification; a workflow command mid-text, for the
/// places that wrap or fold lines.
pub const PAYLOADS: [&str; 7] = [
    r#"\r\n::error::pwned\e]0;title\a\x9b2J\0\x7f\u202e"#,
    r#"::add-mask::x ##[stop-commands]tok"#,
    r#"Acme ##vso[task.prependpath]/opt/evil ##teamcity[buildStop] ##VSO[task.uploadfile]/etc/passwd"#,
    r#"a\u061Cb\u2028c\u2029d\u200Be\u200Df\uFEFFg\U000E0041\U000E007F\u00ADh\uFE0Fi\u2066j"#,
    r#"https://evil.example www.evil.example ceo@evil.example @octocat #12 [x](https://e) <img src=x>"#,
    r#"accepted by the certification body after the visit ::error::forged annotation ::add-mask::"#,
    // A colon alone: a line that begins with it and goes on `: ...` starts with `::`.
    ":",
];

/// A valid register with `{}` in one field.
pub const TEMPLATE: &str = r#"organisation: "{ORG}"
id: hostile-register
certification:
  decision: 2024-06-03
  surveillance: [{date: 2025-05-06, note: "{NOTE}"}]
  special: [{date: 2025-09-16, kind: other, note: "{SPECIAL}"}]
  suspended: [{from: 2025-10-01, note: "{SUSPENSION}"}]
settings:
  blackout: [{from: 2025-12-22, to: 2026-01-02, reason: "{REASON}"}]
programme: {owner: "{PROGRAMME}", reports_to: ["{REPORTS}", dana]}
people:
  - {id: carol, role: "{ROLE}"}
  - {id: dana, name: "{PERSON}"}
auditors:
  - {id: carol, name: "{AUDITOR}"}
persons: 50
simple_activities: [{activity: "{ACTIVITY}", persons: 9}]
audit_time: {source: "{SOURCE}", table: [{persons: 100, days: 6}]}
scope:
  - id: isms
    name: "{AREA}"
    owner: "{OWNER}"
    team: ["{TEAM}"]
    risk: high
    clauses: ["9.2"]
    controls: [A.5.1]
    site: "{SITE}"
soa:
  excluded: [{control: A.7.5, reason: "{EXCLUSION}"}]
audits:
  - {date: 2025-03-20, areas: [isms], auditor_org: "{ORG2}", report: "{REPORT}",
     findings: [{id: F-1, kind: minor, text: "{FINDING}"}]}
accepted:
  - {code: control-not-covered, reason: "{WHY}", reference: "{REF}", until: 2027-01-01}
corrective_actions:
  - {id: CA-1, area: isms, raised: 2025-03-20, due: 2025-06-30, note: "{CA}"}
  - {id: CA-2, finding: F-1, due: 2025-06-30, revised: [{due: 2025-07-31, reason: "{REVISED}"}]}
"#;

pub const FIELDS: [&str; 26] = [
    "ORG",
    "ROLE",
    "PERSON",
    "REPORT",
    "FINDING",
    "REVISED",
    "NOTE",
    "SPECIAL",
    "REASON",
    "PROGRAMME",
    "REPORTS",
    "AUDITOR",
    "AREA",
    "OWNER",
    "TEAM",
    "SITE",
    "EXCLUSION",
    "ORG2",
    "WHY",
    "REF",
    "CA",
    "SUSPENSION",
    "ACTIVITY",
    "SOURCE",
    "",
    "",
];

/// Registers that cannot be read, with the payload where the tool quotes what it read.
pub const BROKEN: [&str; 6] = [
    // An unknown key, a bad id, a bad date, an unknown control, an unknown area and auditor.
    "organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: a, owner: o}]\n\"k{P}\": 1\n",
    "organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: \"a{P}\", owner: o}]\n",
    "organisation: x\ncertification: {decision: \"2024{P}\"}\nscope: [{id: a, owner: o}]\n",
    "organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: a, owner: o, controls: [\"A.5{P}\"]}]\n",
    "organisation: x\ncertification: {decision: 2024-06-03}\nscope: [{id: a, owner: o}]\naudits: [{date: 2025-01-06, areas: [\"b{P}\"], auditor: \"z{P}\"}]\n",
    "organisation: x\ncertification: {decision: 2024-06-03, special: [{date: 2025-01-06, kind: \"x{P}\"}]}\nscope: [{id: a, owner: o}]\n",
];

/// Every command and format a register's text can reach a terminal or a log through.
pub const COMMANDS: [&[&str]; 25] = [
    &["validate"],
    &["plan"],
    &["plan", "--detail", "--cycles", "2"],
    &["plan", "--format", "json"],
    &["plan", "--format", "markdown"],
    &["plan", "--format", "csv"],
    &["plan", "--format", "html"],
    &["audit-plan", "isms", "--format", "markdown"],
    &["audit-plan", "isms", "--format", "json"],
    &["soa", "--format", "markdown"],
    &["soa", "--format", "csv"],
    &["calendar", "--from", "2024-01-01", "--to", "2028-12-31"],
    &["calendar", "--format", "html"],
    &["calendar", "--format", "ics", "--from", "2024-01-01", "--to", "2028-12-31"],
    &["calendar", "--auditor", "carol"],
    &["agenda", "--days", "400"],
    &["agenda", "--format", "json", "--days", "400"],
    &["agenda", "--format", "markdown", "--days", "400"],
    &["check"],
    &["check", "--format", "json"],
    &["check", "--format", "github"],
    &["check", "--format", "sarif"],
    &["check", "--format", "gitlab"],
    &["check", "--format", "markdown"],
    &["check", "--strict"],
];
