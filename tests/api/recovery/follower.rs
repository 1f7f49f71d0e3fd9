//! A file whose write lock another program keeps (what `litestream restore -f` does while it
//! follows a replica) is refused at start, instead of served stale while its writes vanish.

use crate::helpers::TestApp;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_followed_database_is_refused_naming_the_follower_and_the_readme() {
    let app = TestApp::spawn().await;
    app.stop().await;
    let follower = app.sqlite();
    follower.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let started = Instant::now();
    let refused = TestApp::try_spawn_with(|c| c.use_data_dir(&app.data_dir))
        .await
        .err()
        .expect("refused");
    let message = refused.to_string();
    assert!(message.contains("litestream restore -f"), "{message}");
    assert!(message.contains("Replication and recovery"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    follower.execute_batch("ROLLBACK;").unwrap();
}
