//! The PostgreSQL store under delegated authority: the SQLite store's scenario, on a schema
//! of the test's own.

use security_assistance_postgres::PostgresStore;

use crate::delegated::delegated_store_scenario;
use crate::support::schema;

#[test]
fn delegated_authority_survives_reopening() {
    let Some(db) = schema("delegated_authority_survives_reopening") else {
        return;
    };
    delegated_store_scenario(
        || PostgresStore::open(&db.config, "test").unwrap(),
        || PostgresStore::open(&db.config, "test").unwrap(),
    );
}
