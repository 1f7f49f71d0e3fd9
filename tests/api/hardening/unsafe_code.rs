//! `unsafe` is denied crate-wide; the one module that loads the Litestream VFS extension (a
//! read replica, README "Read replicas") allows it, with its reason. Any other file that allows
//! it fails here, so a new exception is a deliberate change to this list.

use std::path::{Path, PathBuf};

/// The only file allowed to use `unsafe`, relative to the crate root.
const ALLOWED: &str = "src/db/replica/extension.rs";

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn only_the_extension_loader_allows_unsafe_code() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let allowing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("allow(unsafe_code)") || text.contains("expect(unsafe_code)")
        })
        .map(|f| {
            f.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(allowing, vec![ALLOWED.to_owned()]);
    let loader = std::fs::read_to_string(root().join(ALLOWED)).unwrap();
    assert!(loader.contains("// Why:"), "the exception gives its reason");
}

#[test]
fn the_crate_and_the_binary_deny_unsafe_code() {
    for root_file in ["src/lib.rs", "src/main.rs"] {
        let text = std::fs::read_to_string(root().join(root_file)).unwrap();
        assert!(text.contains("#![deny(unsafe_code)]"), "{root_file}");
    }
}
