//! Body validation with Better Auth's (zod's) messages: `[body.name] Invalid input: expected
//! string, received undefined`, several issues joined with `; `.

use serde_json::{Map, Value};

use super::error::ProtocolError;

/// Collects the fields of a body and every issue with them.
pub(crate) struct Fields<'a> {
    object: Option<&'a Map<String, Value>>,
    issues: Vec<String>,
}

fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

impl<'a> Fields<'a> {
    /// A body that must be an object (sign-up, sign-in, ...): an undefined body is an issue.
    pub(crate) fn required(body: Option<&'a Value>) -> Self {
        match body {
            Some(Value::Object(object)) => Self {
                object: Some(object),
                issues: Vec::new(),
            },
            other => {
                let received = type_name(other);
                Self {
                    object: None,
                    issues: vec![
                        format!("[body] Invalid input: expected object, received {received}"),
                        format!("[body] Invalid input: expected record, received {received}"),
                    ],
                }
            }
        }
    }

    /// A body that may be absent (sign-out, revoke-sessions): absent reads as `{}`.
    pub(crate) fn optional(body: Option<&'a Value>) -> Self {
        match body {
            None => Self {
                object: None,
                issues: Vec::new(),
            },
            some => Self::required(some),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.object.and_then(|o| o.get(key))
    }

    fn issue(&mut self, key: &str, expected: &str, got: Option<&Value>) {
        if self.object.is_some() {
            self.issues.push(format!(
                "[body.{key}] Invalid input: expected {expected}, received {}",
                type_name(got)
            ));
        }
    }

    /// A required string.
    pub(crate) fn string(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.issue(key, "string", other);
                None
            }
        }
    }

    /// An optional string (absent is fine; `null` is not, as in zod's `optional()`).
    pub(crate) fn opt_string(&mut self, key: &str) -> Option<String> {
        match self.get(key) {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.issue(key, "string", other);
                None
            }
        }
    }

    /// An optional string that may also be `null` (to clear a value): `Some(None)` for `null`.
    pub(crate) fn nullable_string(&mut self, key: &str) -> Option<Option<String>> {
        match self.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            other => {
                self.issue(key, "string", other);
                None
            }
        }
    }

    /// An optional boolean; form bodies carry `"true"` / `"false"`.
    pub(crate) fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s == "true" => Some(true),
            Some(Value::String(s)) if s == "false" => Some(false),
            other => {
                self.issue(key, "boolean", other);
                None
            }
        }
    }

    /// Whether the body has `key` at all.
    /// An optional array of strings.
    pub(crate) fn opt_strings(&mut self, key: &str) -> Option<Vec<String>> {
        match self.get(key) {
            None => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            other => {
                self.issue(key, "array", other);
                None
            }
        }
    }

    /// An optional object.
    pub(crate) fn opt_object(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        match self.get(key) {
            None => None,
            Some(Value::Object(object)) => Some(object),
            other => {
                self.issue(key, "record", other);
                None
            }
        }
    }

    /// The keys of the body that are not in `known`.
    pub(crate) fn unknown_keys(&self, known: &[&str]) -> bool {
        self.object
            .is_some_and(|o| o.keys().any(|k| !known.contains(&k.as_str())))
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Records a custom issue for `key` (e.g. `Invalid email address`).
    /// Refuses control characters in a value that is stored and shown (a name, an image URL):
    /// PostgreSQL's text cannot hold NUL at all, and the others only garble logs and pages.
    pub(crate) fn plain_text(&mut self, key: &str, value: Option<&str>) {
        if value.is_some_and(|v| v.chars().any(char::is_control)) {
            self.invalid(key, "Invalid input: control characters are not allowed");
        }
    }

    pub(crate) fn invalid(&mut self, key: &str, message: &str) {
        self.issues.push(format!("[body.{key}] {message}"));
    }

    /// `Ok` when there were no issues, else `VALIDATION_ERROR` listing them all.
    pub(crate) fn finish(self) -> Result<(), ProtocolError> {
        if self.issues.is_empty() {
            Ok(())
        } else {
            Err(ProtocolError::Validation(self.issues.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(result: Result<(), ProtocolError>) -> String {
        match result {
            Err(ProtocolError::Validation(m)) => m,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn messages_match_better_auths() {
        let body = json!({});
        let mut f = Fields::required(Some(&body));
        f.string("name");
        f.string("email");
        f.string("password");
        assert_eq!(
            message(f.finish()),
            "[body.name] Invalid input: expected string, received undefined; [body.email] Invalid input: expected string, received undefined; [body.password] Invalid input: expected string, received undefined"
        );
        let body = json!({"name": 42});
        let mut f = Fields::required(Some(&body));
        f.string("name");
        assert_eq!(
            message(f.finish()),
            "[body.name] Invalid input: expected string, received number"
        );
        let mut f = Fields::required(None);
        f.string("name");
        assert_eq!(
            message(f.finish()),
            "[body] Invalid input: expected object, received undefined; [body] Invalid input: expected record, received undefined"
        );
    }
}
