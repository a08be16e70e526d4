//! The crate's layout along the data flow: no module imports a module that
//! imports it back (directly or through others), so each layer builds only
//! on the layers below it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`ledger` for
/// `src/ledger/batch.rs`), or `None` for the crate root.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_owned())
}

/// The library code of a file: everything before its first `#[cfg(test)]`
/// (test modules may use anything), nothing of a `tests.rs` file.
fn library_code(file: &Path) -> String {
    if file.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = std::fs::read_to_string(file).unwrap_or_default();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        // Skip doc comments: a link is not an import.
        let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
        if code[line_start..at].trim_start().starts_with("//") {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && name.chars().next().is_some_and(char::is_lowercase) {
            out.insert(name);
        }
    }
    out
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else { continue };
        let uses = imports(&library_code(file));
        let edges = graph.entry(module.clone()).or_default();
        edges.extend(uses.into_iter().filter(|m| *m != module));
    }
    assert!(graph.len() >= 10, "too few modules found: {graph:?}");
    // Depth-first search for a cycle, reporting it.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let cycle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(cycle.is_none(), "a circle of imports: {}", cycle.unwrap_or_default().join(" → "));
    }
}

#[test]
fn the_layers_are_the_documented_ones() {
    // The error type and the helpers import none of the domain.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, allowed) in [("error.rs", &[][..]), ("util", &["error"][..])] {
        let mut files = Vec::new();
        let path = src.join(file);
        if path.is_dir() {
            sources(&path, &mut files);
        } else {
            files.push(path);
        }
        for f in files {
            let uses = imports(&library_code(&f));
            let extra: Vec<&String> = uses.iter().filter(|m| !allowed.contains(&m.as_str())).collect();
            assert!(extra.is_empty(), "{} imports {extra:?}", f.display());
        }
    }
}

/// The layers of `src/lib.rs` (and CONTRIBUTING.md), bottom first.
const LAYERS: &[&[&str]] = &[
    &["error", "util"],
    &["money", "period", "partner", "language"],
    &["ledger"],
    &["pareto", "tier", "potential", "risk", "import"],
    &["strategy", "migrations"],
    &["review"],
    &["lang", "report", "cookbook"],
];

/// Imports within a layer that the layout allows: the CSV adapter reads
/// risk facts, the helpers report errors, the report takes its words from
/// the catalogues.
const WITHIN_LAYER: &[(&str, &str)] = &[("import", "risk"), ("util", "error"), ("report", "lang")];

#[test]
fn every_module_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layer_of = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut seen = 0;
    for file in &files {
        let Some(module) = module_of(&src, file) else { continue };
        let own = layer_of(&module);
        assert!(own.is_some(), "{module} is in no layer: add it to LAYERS");
        let own = own.unwrap_or_default();
        seen += 1;
        for used in imports(&library_code(file)) {
            if used == module || WITHIN_LAYER.contains(&(module.as_str(), used.as_str())) {
                continue;
            }
            let theirs = layer_of(&used);
            assert!(theirs.is_some(), "{used} is in no layer: add it to LAYERS");
            let theirs = theirs.unwrap_or_default();
            assert!(
                theirs < own,
                "{} (layer {own}) imports {used} (layer {theirs}): only the layers below may be imported",
                file.display()
            );
        }
    }
    assert!(seen >= 20, "too few source files found");
}
