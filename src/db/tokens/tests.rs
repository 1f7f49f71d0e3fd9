//! Token rows: what is stored, what decodes, and what a damaged row does.

use super::*;

fn store() -> Connection {
    let mut conn = Connection::open_in_memory().unwrap();
    crate::db::migrations::run(&mut conn).unwrap();
    conn.execute(
        "INSERT INTO projects (id, name, slug, sealed_wire_key, sealed_data_key, created_at)
         VALUES ('p', 'P', 'p', x'00', x'00', 0)",
        [],
    )
    .unwrap();
    conn
}

/// A token of project `p` with every column set, for tests here and in the Store.
pub(crate) fn token(id: &str) -> TokenRow {
    TokenRow {
        id: id.into(),
        project_id: "p".into(),
        name: Name::parse("deploy").unwrap(),
        secret_hash: vec![0; 32],
        encrypted_key: String::new(),
        iv: String::new(),
        tag: String::new(),
        permissions: Permissions::parse(&["read", "write"]).unwrap(),
        expires_at: Some(5),
        allowed_ips: AllowedIps::parse(&["10.0.0.0/8", "2001:db8::1"]).unwrap(),
        created_by: "a@b.c".into(),
        created_by_user_id: Some("u".into()),
        created_at: 1,
        last_used_at: None,
        last_used_ip: Some("127.0.0.1".parse().unwrap()),
        scopes: vec![
            (
                EnvSlug::parse("dev").unwrap(),
                ScopeGlob::parse("/app/**").unwrap(),
            ),
            (
                EnvSlug::parse("prod").unwrap(),
                ScopeGlob::parse("/").unwrap(),
            ),
        ],
    }
}

#[test]
fn every_column_round_trips_and_the_lists_are_stored_as_json() {
    let conn = store();
    insert(&conn, &token("t")).unwrap();
    let found = find(&conn, "t").unwrap().unwrap();
    let expected = token("t");
    assert_eq!(found.name, expected.name);
    assert_eq!(found.permissions, expected.permissions);
    assert_eq!(found.allowed_ips, expected.allowed_ips);
    assert_eq!(found.scopes, expected.scopes);
    assert_eq!(found.last_used_ip, expected.last_used_ip);
    let (permissions, ips, scopes): (String, String, String) = conn
        .query_row(
            "SELECT permissions, allowed_ips, scopes FROM service_tokens WHERE id = 't'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(permissions, r#"["read","write"]"#);
    assert_eq!(ips, r#"["10.0.0.0/8","2001:db8::1/128"]"#);
    assert_eq!(scopes, r#"[["dev","/app/**"],["prod","/"]]"#);
}

#[test]
fn an_allowed_ips_value_that_is_json_but_not_a_cidr_is_a_corrupt_row() {
    let conn = store();
    insert(&conn, &token("tok1")).unwrap();
    conn.execute(
        r#"UPDATE service_tokens SET allowed_ips = '["not-a-cidr"]' WHERE id = 'tok1'"#,
        [],
    )
    .unwrap();
    let err = find(&conn, "tok1").unwrap_err();
    assert!(
        matches!(&err, DbError::Corrupt(what) if what.contains("tok1") && what.contains("allowed_ips")),
        "{err}"
    );
}

#[test]
fn unknown_permissions_bad_globs_and_non_lists_are_corrupt_rows_too() {
    let conn = store();
    for (column, value) in [
        ("permissions", r#"["read","admin"]"#),
        ("permissions", "[]"),
        ("allowed_ips", r#""10.0.0.0/8""#),
        ("scopes", r#"[["dev","/a//b"]]"#),
        ("scopes", r#"[["Not A Slug","/"]]"#),
    ] {
        insert(&conn, &token("t")).unwrap();
        conn.execute(
            &format!("UPDATE service_tokens SET {column} = ?1 WHERE id = 't'"),
            [value],
        )
        .unwrap();
        assert!(
            matches!(find(&conn, "t"), Err(DbError::Corrupt(_))),
            "{column} = {value} decoded"
        );
        conn.execute("DELETE FROM service_tokens", []).unwrap();
    }
}

#[test]
fn a_listing_leaves_out_a_corrupt_row_and_keeps_the_others() {
    let conn = store();
    insert(&conn, &token("good")).unwrap();
    insert(&conn, &token("bad")).unwrap();
    conn.execute(
        r#"UPDATE service_tokens SET allowed_ips = '["not-a-cidr"]' WHERE id = 'bad'"#,
        [],
    )
    .unwrap();
    let ids: Vec<String> = list_for_project(&conn, "p")
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(ids, ["good"]);
}
