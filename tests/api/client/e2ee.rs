//! What goes over the wire, and `--e2ee` against Infisical's documented shapes.

use super::*;

/// A one-shot HTTP listener that records the request and answers 401.
async fn recording_server() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let body = r#"{"statusCode":401,"message":"Invalid or missing credentials","error":"UnauthorizedError"}"#;
        let response = format!("HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        socket.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, task)
}

#[tokio::test]
async fn only_the_access_part_of_the_token_is_sent() {
    let key = "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8";
    let token = format!("st.{}.{}.{key}", "1".repeat(32), "2".repeat(32));
    for mode in [None, Some("--e2ee")] {
        let (url, request) = recording_server().await;
        let mut command = envkeep(&url, &token);
        command.args(["secrets", "list"]).args(mode);
        let out = output(&mut command).await;
        assert_eq!(out.status.code(), Some(77), "{}", text(&out.stderr));
        let request = request.await.unwrap();
        let authorization = request
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
            .unwrap();
        assert_eq!(
            authorization.split_once(':').unwrap().1.trim(),
            format!("Bearer {}", access_part(&token))
        );
        assert!(
            !request.contains(key),
            "{mode:?} sent the key part: {request}"
        );
    }
}

/// Reference §2.4: a token whose key part unwraps the project key, and DB_PASSWORD=hunter2
/// encrypted under it, served in Infisical's shapes (§6.1, §6.2).
const REFERENCE_TOKEN: &str =
    "st.3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b.0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a.c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8";

fn infisical_answer(request_line: &str) -> Value {
    if request_line.starts_with("GET /api/v2/service-token ") {
        json!({
            "id": "3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b", "_id": "3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b", "__v": 0,
            "name": "ci", "workspace": "proj-uuid", "projectId": "proj-uuid",
            "scopes": [{ "environment": "staging", "secretPath": "/app" }], "permissions": ["read"],
            "encryptedKey": "3BSVXf9l2779s26ZhOJ6QHWvdivCKLw5QIMSCQvPOac=",
            "iv": "AAECAwQFBgcICQoLDA0ODw==", "tag": "9vU47avl+DHtwFgbSCbQpg==",
            "expiresAt": null, "createdAt": "2024-05-01T09:00:00.000Z", "updatedAt": "2024-05-01T09:00:00.000Z"
        })
    } else {
        json!({ "secrets": [{
            "id": "s1", "_id": "s1", "version": 1, "type": "shared", "workspace": "proj-uuid", "environment": "staging",
            "secretKeyCiphertext": "Tq4eCLqjHEaiWXw=", "secretKeyIV": "oKGio6SlpqeoqaqrrK2urw==", "secretKeyTag": "9BkCppwC4mIHDVej3RGqTA==",
            "secretValueCiphertext": "xl0fMRPXzw==", "secretValueIV": "sLGys7S1tre4ubq7vL2+vw==", "secretValueTag": "5qZS0dlZKyJc9pm9mkYbVQ==",
            "secretCommentCiphertext": "", "secretCommentIV": "wMHCw8TFxsfIycrLzM3Ozw==", "secretCommentTag": "nY2RVsgjb4zOhxH4y9OGGA==",
            "createdAt": "2024-05-01T09:00:00.000Z", "updatedAt": "2024-05-01T09:00:00.000Z"
        }], "imports": [] })
    }
}

/// A stand-in for an E2EE-era Infisical server: answers `requests` requests (one per
/// connection) and returns their request lines and headers.
async fn fake_infisical(requests: usize) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut seen = Vec::new();
        for _ in 0..requests {
            let (socket, _) = listener.accept().await.unwrap();
            let mut reader = BufReader::new(socket);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).await.unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let body = infisical_answer(head.lines().next().unwrap_or_default()).to_string();
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            reader
                .into_inner()
                .write_all(response.as_bytes())
                .await
                .unwrap();
            seen.push(head);
        }
        seen
    });
    (url, task)
}

#[tokio::test]
async fn e2ee_run_decrypts_infisicals_encrypted_shape_with_the_tokens_key_part() {
    let (url, requests) = fake_infisical(2).await;
    let mut command = envkeep(&url, REFERENCE_TOKEN);
    command.args(["run", "--e2ee", "--", "env", "-0"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let env = parse_env0(&out.stdout);
    assert_eq!(env.get("DB_PASSWORD").map(String::as_str), Some("hunter2"));

    let requests = requests.await.unwrap();
    let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap()).collect();
    assert_eq!(lines[0], "GET /api/v2/service-token HTTP/1.1");
    // Environment and path come from the token's single, non-glob scope.
    assert_eq!(
        lines[1],
        "GET /api/v3/secrets?workspaceId=proj-uuid&environment=staging&secretPath=%2Fapp HTTP/1.1"
    );
    for request in &requests {
        assert!(request.contains(
            "st.3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b.0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a\r\n"
        ));
        assert!(
            !request.contains("c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8"),
            "the key part left the client"
        );
    }
}

#[tokio::test]
async fn e2ee_with_a_wrong_key_part_fails_before_the_command_starts() {
    let (url, _requests) = fake_infisical(1).await;
    let wrong = REFERENCE_TOKEN.replace(
        "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8",
        "00000000000000000000000000000000",
    );
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("started");
    let mut command = envkeep(&url, &wrong);
    command.args(["run", "--e2ee", "--", "touch"]).arg(&marker);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(77), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("key part"),
        "{}",
        text(&out.stderr)
    );
    assert!(!marker.exists());
}

#[tokio::test]
async fn e2ee_output_equals_plaintext_output() {
    let app = TestApp::spawn().await;
    let project = app.create_project("e2ee").await;
    for (key, value) in TRICKY {
        app.create_secret(&project, "dev", "/app", key, value).await;
    }
    let token = mint_read(&app, &project, "dev", "/app").await;
    for args in [
        &["secrets", "export", "--format", "json"][..],
        &["secrets", "list", "--json"],
        &["secrets", "get", "MULTI"],
    ] {
        let mut plain = envkeep(&app.base, &token);
        plain.args(args);
        let mut e2ee = envkeep(&app.base, &token);
        e2ee.args(args).arg("--e2ee");
        let (plain, e2ee) = (output(&mut plain).await, output(&mut e2ee).await);
        assert_eq!(
            e2ee.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&e2ee.stderr)
        );
        if args[1] == "list" {
            // The encrypted shape carries no timestamps; compare what both carry.
            let pick = |out: &Output| -> Vec<(String, String, String)> {
                let json: Value = serde_json::from_slice(&out.stdout).unwrap();
                json.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        (
                            s["key"].to_string(),
                            s["value"].to_string(),
                            s["path"].to_string(),
                        )
                    })
                    .collect()
            };
            assert_eq!(pick(&e2ee), pick(&plain));
        } else {
            assert_eq!(text(&e2ee.stdout), text(&plain.stdout), "{args:?}");
        }
    }
    let plain = injected(&app, &token, &[]).await;
    let e2ee = injected(&app, &token, &["--e2ee"]).await;
    assert_eq!(e2ee, plain);
    assert_eq!(plain.len(), TRICKY.len());
}
