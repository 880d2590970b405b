//! Loading the OpenAPI document, turning its schemas into something a JSON Schema validator can
//! use, pulling out its embedded examples, and comparing JSON "modulo what the spec lets us omit".

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use jsonschema::{Draft, Validator};
use serde_json::{Map, Value, json};

/// Where the spec sits: `spec/` at the repository's root (see its README for where it came from).
/// The crate's folder is read when the test runs (cargo and nextest set it): a test binary reused
/// from a build in another checkout would otherwise read that checkout's copy.
pub fn spec_path() -> String {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    format!("{crate_dir}/../../spec/openapi.assistants-v2.json")
}

/// The parsed OpenAPI document; a missing file fails the test instead of skipping it.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "the Assistants v2 schema must be readable at {path} (spec/ in the repository) \
                 for the wire tests to mean anything: {err}"
            )
        });
        serde_json::from_str(&text).expect("the schema file should be valid JSON")
    })
}

/// `components.schemas` of the spec.
pub fn schemas() -> &'static Map<String, Value> {
    spec()["components"]["schemas"]
        .as_object()
        .expect("the spec should have components.schemas")
}

/// Rewrites one schema node so that a JSON Schema 2020-12 validator reads it as OpenAPI meant it.
///
/// The document says `openapi: 3.1.0`, whose schemas are JSON Schema 2020-12, yet 42 nodes still use
/// OpenAPI 3.0's `nullable: true`, which 2020-12 ignores; left alone, every `null` the spec allows
/// in those places would fail validation. So: `{type: T, nullable}` becomes `{type: [T, "null"]}`,
/// other nullable nodes become `anyOf [node, {type: null}]`, and `allOf [X, {nullable: true}]`
/// becomes `anyOf [X, {type: null}]`. `CompoundFilter` also uses 2019-09's `$recursiveRef`, which
/// 2020-12 dropped; it becomes a plain `$ref` to itself.
pub fn translate(node: &Value) -> Value {
    match node {
        Value::Array(items) => Value::Array(items.iter().map(translate).collect()),
        Value::Object(map) => {
            let mut out: Map<String, Value> = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "nullable" | "$recursiveAnchor" | "discriminator" | "example" => {}
                    "$recursiveRef" => {
                        out.insert("$ref".into(), json!("#/components/schemas/CompoundFilter"));
                    }
                    "x-oaiMeta" => {}
                    _ => {
                        out.insert(key.clone(), translate(value));
                    }
                }
            }
            if let Some(Value::Array(parts)) = out.get("allOf").cloned() {
                let is_null_marker = |part: &Value| part.as_object().is_some_and(|m| m.is_empty());
                let original = map["allOf"].as_array().expect("allOf is an array");
                if original
                    .iter()
                    .any(|p| p.get("nullable") == Some(&json!(true)))
                {
                    let rest: Vec<Value> =
                        parts.into_iter().filter(|p| !is_null_marker(p)).collect();
                    out.remove("allOf");
                    out.insert("anyOf".into(), json!([{"allOf": rest}, {"type": "null"}]));
                }
            }
            if map.get("nullable") != Some(&json!(true)) {
                return Value::Object(out);
            }
            match out.get("type").cloned() {
                Some(Value::String(kind)) => {
                    out.insert("type".into(), json!([kind, "null"]));
                    if let Some(Value::Array(values)) = out.get_mut("enum") {
                        values.push(Value::Null);
                    }
                    Value::Object(out)
                }
                _ => json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
            }
        }
        other => other.clone(),
    }
}

/// A validator for `#/components/schemas/{name}` over the translated document.
pub fn validator(name: &str) -> &'static Validator {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static Validator>>> = OnceLock::new();
    static ROOT: OnceLock<Value> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let translated = translate(&spec()["components"]["schemas"]);
        json!({"components": {"schemas": translated}})
    });
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = cache.get(name) {
        return found;
    }
    assert!(
        schemas().contains_key(name),
        "the spec should define schema {name}"
    );
    let mut document = root.clone();
    document["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    document["$ref"] = json!(format!("#/components/schemas/{name}"));
    let built = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(false)
        .build(&document)
        .unwrap_or_else(|err| panic!("schema {name} should compile: {err}"));
    let leaked: &'static Validator = Box::leak(Box::new(built));
    cache.insert(name.to_owned(), leaked);
    leaked
}

/// The validation errors of `instance` against schema `name`, one line each.
pub fn violations(name: &str, instance: &Value) -> Vec<String> {
    validator(name)
        .iter_errors(instance)
        .map(|err| format!("{} at {}", err, err.instance_path()))
        .collect()
}

/// Where an example came from and what it should be.
#[derive(Debug, Clone)]
pub struct Example {
    /// Human-readable origin, for failure messages.
    pub origin: String,
    /// The component schema it should follow.
    pub schema: String,
    /// The example text.
    pub text: String,
}

fn schema_ref(content: &Value) -> Option<String> {
    content["application/json"]["schema"]["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned)
}

/// The JSON body in a curl example (`-d '{...}'`).
fn curl_body(curl: &str) -> Option<String> {
    let start = curl.find("-d '")? + 4;
    let end = curl[start..].find('\'')? + start;
    Some(curl[start..end].to_owned())
}

/// Every example the spec embeds: component examples, operation responses and curl bodies.
pub fn examples() -> Vec<Example> {
    let mut found = Vec::new();
    for (name, schema) in schemas() {
        if let Some(text) = schema["x-oaiMeta"]["example"].as_str() {
            found.push(Example {
                origin: format!("components.schemas.{name}"),
                schema: name.clone(),
                text: text.to_owned(),
            });
        }
    }
    let paths = spec()["paths"]
        .as_object()
        .expect("the spec should have paths");
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().into_iter().flatten() {
            let response = schema_ref(&operation["responses"]["200"]["content"]);
            let request = schema_ref(&operation["requestBody"]["content"]);
            let listed = match &operation["x-oaiMeta"]["examples"] {
                Value::Array(list) => list.clone(),
                Value::Null => vec![],
                single => vec![single.clone()],
            };
            for (index, example) in listed.iter().enumerate() {
                let origin = format!("{} {path} example {index}", method.to_uppercase());
                if let (Some(schema), Some(text)) = (&response, example["response"].as_str()) {
                    found.push(Example {
                        origin: format!("{origin} response"),
                        schema: schema.clone(),
                        text: text.to_owned(),
                    });
                }
                let curl = example["request"]["curl"].as_str().and_then(curl_body);
                if let (Some(schema), Some(text)) = (&request, curl) {
                    found.push(Example {
                        origin: format!("{origin} request"),
                        schema: schema.clone(),
                        text,
                    });
                }
            }
        }
    }
    found
}

/// Splits an SSE text into (event, data) pairs.
pub fn sse_frames(text: &str) -> Vec<(String, String)> {
    text.split("\n\n")
        .filter(|frame| !frame.trim().is_empty())
        .map(|frame| {
            let mut event = String::new();
            let mut data = Vec::new();
            for line in frame.lines() {
                if let Some(name) = line.strip_prefix("event:") {
                    event = name.trim().to_owned();
                } else if let Some(chunk) = line.strip_prefix("data:") {
                    data.push(chunk.strip_prefix(' ').unwrap_or(chunk));
                }
            }
            (event, data.join("\n"))
        })
        .collect()
}

/// Every property name any schema declares; a key outside this set is unknown to the spec, so a
/// type that drops it still mirrors the spec.
fn declared_properties() -> &'static BTreeSet<String> {
    static NAMES: OnceLock<BTreeSet<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        fn walk(node: &Value, names: &mut BTreeSet<String>) {
            match node {
                Value::Object(map) => {
                    if let Some(Value::Object(props)) = map.get("properties") {
                        names.extend(props.keys().cloned());
                    }
                    map.values().for_each(|v| walk(v, names));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, names)),
                _ => {}
            }
        }
        let mut names = BTreeSet::new();
        walk(&spec()["components"], &mut names);
        names
    })
}

/// Differences between `original` and `ours`, ignoring what the spec lets differ: keys that are
/// `null` on one side and absent on the other (optional vs nullable), empty arrays we add for
/// absent defaulted lists, keys the spec never declares, and `1` vs `1.0`.
pub fn differences(original: &Value, ours: &Value, at: &str, out: &mut Vec<String>) {
    match (original, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, left) in a {
                let path = format!("{at}.{key}");
                match b.get(key) {
                    Some(right) => differences(left, right, &path, out),
                    None if left.is_null() => {}
                    None if !declared_properties().contains(key) => {}
                    None => out.push(format!("{path}: dropped {left}")),
                }
            }
            for (key, right) in b {
                let empty = right.is_null() || right.as_array().is_some_and(Vec::is_empty);
                if !a.contains_key(key) && !empty {
                    out.push(format!("{at}.{key}: added {right}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (left, right)) in a.iter().zip(b).enumerate() {
                differences(left, right, &format!("{at}[{index}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{at}: {a} became {b}")),
    }
}
