//! auth-core's top-level modules form layers, with no import circle: `model` at the bottom,
//! then the stores, hashing, tokens, errors and `Auth`, then the flows, then the HTTP protocol
//! on top. A module may use the ones below it only, so each can be read (and changed) without
//! the ones above.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MODULES: [&str; 13] = [
    "auth",
    "clock",
    "config",
    "error",
    "flows",
    "hash",
    "http",
    "mail",
    "model",
    "outbox",
    "rate_limit",
    "store",
    "token",
];

/// The crate-root re-exports, and the module each comes from.
fn module_of(name: &str) -> &str {
    match name {
        "Auth" | "AuthBuilder" => "auth",
        "AuthError" => "error",
        other => other,
    }
}

fn sources(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("read_dir") {
            sources(&entry.expect("entry").path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

/// What each top-level module's code (not its comments, not its unit tests) names of the others.
fn imports() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for module in MODULES {
        let mut files = Vec::new();
        let dir = src.join(module);
        if dir.is_dir() {
            sources(&dir, &mut files);
        } else {
            files.push(src.join(format!("{module}.rs")));
        }
        let mut uses = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines() {
                let line = line.split("//").next().unwrap_or_default();
                for (at, _) in line.match_indices("crate::") {
                    let rest = &line[at + "crate::".len()..];
                    let names: Vec<&str> = match rest.strip_prefix('{') {
                        Some(group) => group
                            .split(['}', ','])
                            .map(|n| n.trim().split("::").next().unwrap_or_default())
                            .collect(),
                        None => vec![
                            rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                                .next()
                                .unwrap_or_default(),
                        ],
                    };
                    for name in names {
                        let target = module_of(name);
                        if let Some(known) = MODULES.iter().find(|m| **m == target)
                            && *known != module
                        {
                            uses.insert(*known);
                        }
                    }
                }
            }
        }
        graph.insert(module, uses);
    }
    graph
}

/// A circle through `start`, if there is one.
fn circle(
    graph: &BTreeMap<&'static str, BTreeSet<&'static str>>,
    path: &mut Vec<&'static str>,
) -> Option<Vec<&'static str>> {
    let last = *path.last()?;
    for next in &graph[last] {
        if let Some(at) = path.iter().position(|m| m == next) {
            let mut found = path[at..].to_vec();
            found.push(next);
            return Some(found);
        }
        path.push(next);
        if let Some(found) = circle(graph, path) {
            return Some(found);
        }
        path.pop();
    }
    None
}

#[test]
fn no_two_modules_import_each_other_even_through_others() {
    let graph = imports();
    // The reading is real: the protocol uses the flows, and the flows use `Auth`.
    assert!(graph["http"].contains("flows"), "{graph:?}");
    assert!(graph["flows"].contains("auth"), "{graph:?}");
    for module in MODULES {
        if let Some(found) = circle(&graph, &mut vec![module]) {
            panic!("import circle: {}", found.join(" -> "));
        }
    }
    assert!(
        graph["model"].is_empty(),
        "model is the bottom layer: {graph:?}"
    );
}
