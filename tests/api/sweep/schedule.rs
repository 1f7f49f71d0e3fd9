use super::expired_token;
use crate::helpers::{eventually, TestApp};

#[tokio::test]
async fn the_scheduled_sweep_runs_on_a_one_second_schedule() {
    let app =
        TestApp::spawn_with(|c| c.sweep_schedule = Some("* * * * * *".parse().unwrap())).await;
    let project = app.create_project("Scheduled").await;
    let (_, id) = expired_token(&app, &project).await;
    eventually(
        "the scheduled sweep deletes the expired token",
        async || {
            app.sqlite()
                .query_row(
                    "SELECT count(*) FROM service_tokens WHERE id = ?1",
                    [&id],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
                == 0
        },
    )
    .await;
}
