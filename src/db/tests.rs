//! The Db's own guarantees: its writer, read-only pool and outside-change detection.

use super::*;

fn open() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.db"), Durability::Normal).unwrap();
    (dir, db)
}

fn set(db: &Db, key: &str) -> DbResult<()> {
    db.write_blocking(|tx| meta::set(tx, key, b"v"))
}

#[test]
fn own_writes_are_not_outside_changes_but_another_programs_are() {
    let (dir, db) = open();
    assert!(!db.take_outside_change());
    set(&db, "k").unwrap();
    assert!(!db.take_outside_change(), "the writer's own commit");
    let outsider = Connection::open(dir.path().join("t.db")).unwrap();
    outsider
        .execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
        .unwrap();
    assert!(db.take_outside_change());
    assert!(!db.take_outside_change(), "noticed once");
}

#[test]
fn a_write_notices_an_outside_commit_as_it_ends() {
    let (dir, db) = open();
    let outsider = Connection::open(dir.path().join("t.db")).unwrap();
    outsider
        .execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
        .unwrap();
    set(&db, "k").unwrap();
    assert!(db.take_outside_change_seen());
    assert!(!db.take_outside_change_seen(), "taken once");
}

#[test]
fn pooled_connections_cannot_write() {
    let (_dir, db) = open();
    let refused = db.read_blocking(|conn| {
        conn.execute("INSERT INTO meta (key, value) VALUES ('x', x'00')", [])
            .map_err(DbError::from)
    });
    assert!(refused.is_err(), "a read connection wrote a row");
}

#[test]
fn a_write_nested_in_a_write_fails_instead_of_deadlocking() {
    let (_dir, db) = open();
    let inner = db.write_blocking(|_tx| Ok::<_, DbError>(set(&db, "k")));
    assert!(inner.unwrap().is_err());
    set(&db, "k").unwrap();
}

fn wal_size(dir: &tempfile::TempDir) -> u64 {
    std::fs::metadata(dir.path().join("t.db-wal")).map_or(0, |m| m.len())
}

#[test]
fn the_wal_is_cut_back_to_its_limit_after_a_burst() {
    let (dir, db) = open();
    // A reader's snapshot keeps checkpoints from restarting the WAL, as a replicator can.
    let reader = Connection::open(dir.path().join("t.db")).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM meta;")
        .unwrap();
    let blob = vec![7u8; 64 * 1024];
    for i in 0..200 {
        db.write_blocking(|tx| meta::set(tx, &format!("k{i}"), &blob))
            .unwrap();
    }
    assert!(wal_size(&dir) > WAL_SIZE_LIMIT, "the burst grew the WAL");
    reader.execute_batch("COMMIT").unwrap();
    // The next commit checkpoints the WAL in full; the one after restarts it, cut back.
    for i in 0..2 {
        set(&db, &format!("after{i}")).unwrap();
    }
    assert!(wal_size(&dir) <= WAL_SIZE_LIMIT, "{}", wal_size(&dir));
}

#[test]
fn a_checkpoint_held_back_by_a_reader_says_so_within_its_wait() {
    let (dir, db) = open();
    set(&db, "k").unwrap();
    let reader = Connection::open(dir.path().join("t.db")).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM meta;")
        .unwrap();
    let started = std::time::Instant::now();
    let held = db.checkpoint_blocking(Duration::from_millis(200)).unwrap();
    assert!(matches!(held, Checkpoint::Incomplete { .. }), "{held:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    reader.execute_batch("COMMIT").unwrap();
    let done = db.checkpoint_blocking(Duration::from_millis(200)).unwrap();
    assert_eq!(done, Checkpoint::Complete);
    assert_eq!(wal_size(&dir), 0);
}

#[test]
fn a_file_whose_write_lock_is_held_is_refused_after_a_second() {
    let (dir, _db) = open();
    let follower = Connection::open(dir.path().join("t.db")).unwrap();
    follower.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = std::time::Instant::now();
    let refused = Db::open(&dir.path().join("t.db"), Durability::Normal).err();
    assert!(
        matches!(refused, Some(migrations::MigrationError::WriteLockHeld)),
        "{refused:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn a_file_with_a_litestream_follow_position_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    std::fs::write(dir.path().join("t.db-txid"), "0000000000000004\n").unwrap();
    let refused = Db::open(&path, Durability::Normal).err();
    assert!(
        matches!(&refused, Some(migrations::MigrationError::Followed(_))),
        "{refused:?}"
    );
    assert!(refused
        .unwrap()
        .to_string()
        .contains("litestream restore -f"));
}

#[test]
fn concurrent_writers_take_turns_without_busy_errors() {
    let (_dir, db) = open();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || (0..100).try_for_each(|i| set(&db, &format!("k{t}-{i}"))))
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    let rows: i64 = db
        .read_blocking(|c| {
            c.query_row("SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'", [], |r| {
                r.get(0)
            })
            .map_err(DbError::from)
        })
        .unwrap();
    assert_eq!(rows, 800);
}
