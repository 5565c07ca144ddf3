//! What "the same response" means: same status, same headers (by name and count), same cookie
//! names and attributes, same JSON keys in the same order with the same value types, and the same
//! values except ids, tokens, dates, keys and signatures, which differ on every run.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// JSON that keeps object keys in document order (`serde_json::Value` sorts them), so key order
/// is compared too.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// An object, its entries in document order.
    Object(Vec<(String, Json)>),
    /// An array.
    Array(Vec<Json>),
    /// Anything else.
    Scalar(Value),
}

impl Json {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Json, serde_json::Error> {
        serde_json::from_str(text)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    entries.push((k, v));
                }
                Ok(Json::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Json>()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Scalar(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Scalar(Value::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Scalar(Value::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(Json::Scalar(Value::from(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::Scalar(Value::from(v)))
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Scalar(Value::Null))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Headers Node adds on its own, not part of the protocol.
const TRANSPORT: [&str; 4] = ["date", "connection", "transfer-encoding", "content-length"];

/// Values that differ on every run and are compared by type only.
const VOLATILE_KEYS: [&str; 9] = [
    "id",
    "userId",
    "token",
    "createdAt",
    "updatedAt",
    "expiresAt",
    "x",
    "kid",
    "userAgent",
];
const VOLATILE_HEADERS: [&str; 2] = ["set-auth-token", "set-auth-jwt"];

/// The protocol's headers of a response: lower-case names, transport headers left out.
pub fn protocol_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .filter(|(n, _)| !TRANSPORT.contains(&n.as_str()))
        .collect()
}

/// A `Set-Cookie` line reduced to what must match: the name, whether the value is empty, and the
/// attributes in order.
pub fn cookie_shape(line: &str) -> (String, bool, Vec<String>) {
    let mut parts = line.split(';').map(str::trim);
    let (name, value) = parts
        .next()
        .unwrap_or_default()
        .split_once('=')
        .unwrap_or_default();
    (
        name.to_owned(),
        value.is_empty(),
        parts.map(str::to_owned).collect(),
    )
}

/// Differences between two header lists, as messages (empty when they match).
pub fn header_differences(recorded: &[(String, String)], ours: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let names = |h: &[(String, String)]| {
        let mut n: Vec<String> = h.iter().map(|(n, _)| n.clone()).collect();
        n.sort();
        n
    };
    if names(recorded) != names(ours) {
        problems.push(format!(
            "header names differ: recorded {:?}, ours {:?}",
            names(recorded),
            names(ours)
        ));
        return problems;
    }
    for (name, value) in recorded {
        let theirs: Vec<&String> = recorded
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        let mine: Vec<&String> = ours
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        if name == "set-cookie" {
            let shape = |v: &[&String]| v.iter().map(|l| cookie_shape(l)).collect::<Vec<_>>();
            if shape(&theirs) != shape(&mine) {
                problems.push(format!(
                    "set-cookie differs: recorded {theirs:?}, ours {mine:?}"
                ));
            }
        } else if !VOLATILE_HEADERS.contains(&name.as_str()) && theirs != mine {
            problems.push(format!("{name} differs: recorded {value:?}, ours {mine:?}"));
        }
    }
    problems.dedup();
    problems
}

/// Differences between a recorded body and ours (empty when they match): both empty, or both
/// JSON with the same shape ([`json_differences`]).
pub fn body_differences(recorded: &str, ours: &str) -> Vec<String> {
    match (recorded.is_empty(), ours.is_empty()) {
        (true, true) => Vec::new(),
        (false, false) => match (Json::parse(recorded), Json::parse(ours)) {
            (Ok(recorded), Ok(ours)) => json_differences("body", &recorded, &ours),
            (recorded, ours) => vec![format!(
                "body is not JSON: recorded {recorded:?}, ours {ours:?}"
            )],
        },
        (recorded_empty, _) => vec![format!(
            "body: recorded {}, ours {ours:?}",
            if recorded_empty { "empty" } else { recorded }
        )],
    }
}

/// Differences between two JSON documents (empty when they match); `path` names where.
pub fn json_differences(path: &str, recorded: &Json, ours: &Json) -> Vec<String> {
    match (recorded, ours) {
        (Json::Object(a), Json::Object(b)) => {
            let ka: Vec<&String> = a.iter().map(|(k, _)| k).collect();
            let kb: Vec<&String> = b.iter().map(|(k, _)| k).collect();
            if ka != kb {
                return vec![format!("{path}: keys differ: recorded {ka:?}, ours {kb:?}")];
            }
            a.iter()
                .zip(b)
                .flat_map(|((k, x), (_, y))| json_differences(&format!("{path}.{k}"), x, y))
                .collect()
        }
        (Json::Array(a), Json::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .flat_map(|(i, (x, y))| json_differences(&format!("{path}[{i}]"), x, y))
            .collect(),
        (Json::Scalar(Value::String(a)), Json::Scalar(Value::String(b))) => {
            let key = path.rsplit('.').next().unwrap_or_default();
            if VOLATILE_KEYS.contains(&key) || a == b {
                Vec::new()
            } else {
                vec![format!("{path}: recorded {a:?}, ours {b:?}")]
            }
        }
        (Json::Scalar(a), Json::Scalar(b))
            if std::mem::discriminant(a) == std::mem::discriminant(b)
                && (a == b || a.is_number()) =>
        {
            Vec::new()
        }
        (a, b) => vec![format!("{path}: recorded {a:?}, ours {b:?}")],
    }
}
