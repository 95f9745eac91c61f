//! Writes the crate's JSON Schemas (`report::json_schemas`) to `schemas/`, one file per
//! document kind. Run after changing a wire type:
//!
//! ```text
//! cargo run --example write_schemas --features schemars
//! ```
//!
//! `tests/integration/schemas.rs` regenerates them and fails when a committed file differs.

#[cfg(feature = "schemars")]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    std::fs::create_dir_all(&dir)?;
    for (name, schema) in security_assistance::report::json_schemas() {
        let mut text = serde_json::to_string_pretty(&schema)?;
        text.push('\n');
        std::fs::write(dir.join(format!("{name}.json")), text)?;
    }
    Ok(())
}

#[cfg(not(feature = "schemars"))]
fn main() {
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "write_schemas needs the schemars feature: cargo run --example write_schemas --features schemars"
        );
    }
}
