//! Loading the Litestream VFS extension: the one place in the crate that uses `unsafe`.
#![allow(unsafe_code)]
// Why: `sqlite3_load_extension` runs native code from a shared library inside this process,
// which the compiler cannot check; rusqlite marks both enabling and loading `unsafe` for that
// reason. The library is the operator's (`ENVKEEP_LITESTREAM_VFS`), loaded once at start-up,
// before any request is served, on a private in-memory connection on which no other SQL ever
// runs; loading is switched off again before this returns, so no SQL can load anything later.

use rusqlite::{Connection, LoadExtensionGuard};
use std::path::Path;

/// The symbol Litestream's loadable extension registers its VFS from.
const ENTRY_POINT: &str = "sqlite3_litestreamvfs_init";

/// Loads the extension at `library`, which registers the `litestream` VFS process-wide (SQLite
/// keeps VFSes in a global list). Returns the connection it was loaded on: keep it open, or
/// SQLite may unload the library under the connections that use it.
pub fn load(library: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    // SAFETY: see the module comment: a trusted library, a private connection, no other SQL
    // while loading is enabled; the guard disables loading again when dropped.
    unsafe {
        let _guard = LoadExtensionGuard::new(&conn)?;
        conn.load_extension(library, Some(ENTRY_POINT))?;
    }
    Ok(conn)
}
