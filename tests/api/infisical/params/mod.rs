//! How the Infisical routes read their parameters: the query and a JSON body merged, each
//! version's wording, the flags' spellings, and which route answers a method it lacks.

mod messages;
mod reading;

use crate::helpers::{Answer, Answered, Api, TestApp};
use reqwest::{header, Method, StatusCode};

struct Fixture {
    app: TestApp,
    project: String,
    /// Full token, one glob scope over dev, read and write.
    token: String,
    /// `workspaceId` and `environment=dev` as a query string.
    query: String,
}

/// A project with ROOT at dev:/ and DEEP at dev:/deep, and the read-write token.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let project = app.create_project("Params").await;
    app.create_secret(&project, "dev", "/", "ROOT", "at root")
        .await;
    app.create_secret(&project, "dev", "/deep", "DEEP", "below")
        .await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let query = format!("workspaceId={project}&environment=dev");
    Fixture {
        app,
        project,
        token,
        query,
    }
}

impl Fixture {
    /// The token's holder, sending the full token.
    fn holder(&self) -> Api {
        self.app.as_token(&self.token)
    }

    /// Sends `body` as written, labelled JSON, or no body at all.
    async fn send(&self, method: Method, url: &str, body: Option<&str>) -> Answer {
        let request = self.holder().request(method, url);
        match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_owned()),
            None => request,
        }
        .answer()
        .await
    }

    /// A plaintext create of `name`, its place in `query` and/or `body`.
    async fn create(&self, name: &str, query: &str, body: &str) -> Answer {
        let url = format!("/api/v3/secrets/raw/{name}?{query}");
        self.send(Method::POST, &url, Some(body)).await
    }

    /// The keys a plaintext listing answers.
    async fn keys(&self, url: &str) -> Vec<String> {
        let listed = self.send(Method::GET, url, None).await;
        assert_eq!(listed.status, StatusCode::OK, "{url}: {listed}");
        listed["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["secretKey"].as_str().unwrap().to_owned())
            .collect()
    }
}
