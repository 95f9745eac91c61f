//! The SQLite store under delegated authority (the scenario is in `delegated.rs`).

use crate::delegated::delegated_store_scenario;

#[test]
fn a_sqlite_store_under_delegated_authority_refuses_and_still_refuses_after_reopening() {
    let path = crate::common::temp_path("delegated");
    delegated_store_scenario(
        || security_assistance_sqlite::SqliteStore::create(&path, "test").unwrap(),
        || security_assistance_sqlite::SqliteStore::open(&path, "test").unwrap(),
    );
}
