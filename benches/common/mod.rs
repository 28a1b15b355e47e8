//! What the benchmark binaries share.

/// The value after `name` on the command line (cargo's own `--bench` flag skipped); panics
/// with the flag's name when it is missing.
pub fn arg(name: &str) -> String {
    let raw: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    raw.iter()
        .position(|a| a == name)
        .and_then(|i| raw.get(i + 1))
        .unwrap_or_else(|| panic!("{name} is required"))
        .clone()
}
