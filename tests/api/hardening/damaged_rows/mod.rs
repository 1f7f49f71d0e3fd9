//! One damaged ciphertext stays local (issue 14, item 7): listings skip the row that does not
//! open and say so (native `unreadable`, Infisical leaves it out and logs it, the UI marks it),
//! the secret can be given a new value or deleted without opening it, and reading it still fails
//! closed.

mod infisical;
mod listings;
mod ui;
mod writes;

use crate::helpers::TestApp;

pub const VALUE_A: &str = "alpha-secret-value-1";
pub const VALUE_B: &str = "bravo-secret-value-2";
pub const VALUE_C: &str = "charlie-secret-value-3";
pub const VALUE_D: &str = "delta-secret-value-4";

/// Flips one byte in the middle of `column` of the secret `key`, as damage on disk would.
pub fn flip_one_byte(conn: &rusqlite::Connection, key: &str, column: &str) {
    let mut blob: Vec<u8> = conn
        .query_row(
            &format!("SELECT {column} FROM secrets WHERE key = ?1"),
            [key],
            |r| r.get(0),
        )
        .unwrap();
    let middle = blob.len() / 2;
    blob[middle] ^= 0x01;
    conn.execute(
        &format!("UPDATE secrets SET {column} = ?1 WHERE key = ?2"),
        rusqlite::params![blob, key],
    )
    .unwrap();
}

/// A project with A (value damaged) and B in dev:/, C (comment damaged) and D in dev:/app.
pub async fn damaged() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("damaged").await;
    app.create_secret(&project, "dev", "/", "A", VALUE_A).await;
    app.create_secret(&project, "dev", "/", "B", VALUE_B).await;
    app.create_secret(&project, "dev", "/app", "C", VALUE_C)
        .await;
    app.create_secret(&project, "dev", "/app", "D", VALUE_D)
        .await;
    let conn = app.sqlite();
    flip_one_byte(&conn, "A", "value_ct");
    flip_one_byte(&conn, "C", "comment_ct");
    // The health probe notices outside changes every second; ask now instead of waiting.
    app.state.store.notice_outside_changes_blocking();
    (app, project)
}

/// The `key`s of a listing's `field` array (`secrets` or `unreadable`), in order.
pub fn keys(listing: &serde_json::Value, field: &str) -> Vec<String> {
    listing[field]
        .as_array()
        .unwrap_or_else(|| panic!("no {field} array in {listing}"))
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}
