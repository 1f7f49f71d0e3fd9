//! A shutdown beside a replicator's read transaction waits about a second for the checkpoint,
//! then says it is incomplete instead of claiming the database was checkpointed.

use crate::helpers::{BinaryServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_logs_a_checkpoint_held_back_by_a_reader_as_incomplete() {
    let server = BinaryServer::start();
    let login = server.api().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(login.status.is_success(), "{login}");
    // What Litestream keeps open: a read transaction on the WAL.
    let replicator = server.sqlite();
    replicator
        .execute_batch("BEGIN; SELECT count(*) FROM users;")
        .unwrap();
    let (took, lines) = server.terminate(Duration::from_secs(10));
    let log = lines.join("\n");
    assert!(took < Duration::from_secs(2), "shutdown took {took:?}");
    assert!(log.contains("checkpoint incomplete"), "{log}");
    assert!(!log.contains("database checkpointed"), "{log}");
    replicator.execute_batch("COMMIT;").unwrap();
}
