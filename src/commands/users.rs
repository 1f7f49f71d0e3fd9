//! `envkeep users list | reset-password <email> | reset-mfa <email>`: for a locked-out sole
//! owner, on the server's machine. They open the database file directly, so they work whether
//! the server runs or not (SQLite's locking and the server's watch for outside changes keep
//! both right), and each change is audited with the actor `operator`.

use super::audit::chain_key;
use super::check::KeySource;
use crate::cli::{UsersAction, UsersArgs};
use crate::db::{users, Db, DbError, Durability};
use crate::service::passwords::{create_reset_in, reset_url, RELATIVE_LINK_NOTE};
use crate::service::{mfa as mfa_service, Actor};
use crate::time::{now_millis, rfc3339};
use std::process::ExitCode;

fn operator() -> Actor {
    Actor {
        kind: "operator",
        id: None,
        name: None,
        ip: None,
    }
}

pub fn main(args: &UsersArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("envkeep users: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &UsersArgs) -> Result<(), String> {
    let database = args.location.database_path();
    if !database.is_file() {
        return Err(format!(
            "no database at {} (set --data-dir or ENVKEEP_DATABASE)",
            database.display()
        ));
    }
    let db = Db::open(&database, Durability::Full).map_err(|e| e.to_string())?;
    if !matches!(args.action, UsersAction::List) {
        // A change is audited, and an audit row extends the hash chain, keyed by the root key.
        let keys = KeySource {
            given: args.root_key.clone(),
            dirs: vec![args.location.data_dir.clone()],
        };
        let key = db
            .read_blocking(|conn| Ok::<_, DbError>(chain_key(conn, &keys)))
            .map_err(|e| e.to_string())??;
        db.set_audit_key(key);
    }
    match &args.action {
        UsersAction::List => list(&db),
        UsersAction::ResetPassword { email } => {
            reset_password(&db, email, args.public_url.as_deref())
        }
        UsersAction::ResetMfa { email } => reset_mfa(&db, email),
    }
}

fn list(db: &Db) -> Result<(), String> {
    let rows = db
        .read_blocking(|conn| {
            let mut rows = Vec::new();
            for user in users::list(conn)? {
                let mfa = mfa_service::status_in(conn, &user.id)?.enabled;
                rows.push((user, mfa));
            }
            Ok::<_, DbError>(rows)
        })
        .map_err(|e| e.to_string())?;
    println!(
        "{:<32}  {:<40}  {:<7}  {:<4}  created",
        "id", "email", "role", "mfa"
    );
    for (user, mfa) in rows {
        let mfa = if mfa { "on" } else { "off" };
        println!(
            "{:<32}  {:<40}  {:<7}  {:<4}  {}",
            user.id,
            user.email,
            user.role.as_str(),
            mfa,
            rfc3339(user.created_at)
        );
    }
    Ok(())
}

fn find(db: &Db, email: &str) -> Result<users::User, String> {
    let lookup = email.trim().to_owned();
    db.read_blocking(|conn| users::find_by_email(conn, &lookup))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user {email} (see `envkeep users list`)"))
}

fn reset_password(db: &Db, email: &str, public_url: Option<&str>) -> Result<(), String> {
    let user = find(db, email)?;
    let (code, expires_at) = db
        .write_blocking(|tx| create_reset_in(tx, &user.id, &operator(), now_millis()))
        .map_err(|e| e.to_string())?;
    let public_url = public_url.map(str::trim).filter(|u| !u.is_empty());
    println!("{}", reset_url(public_url, &code));
    eprintln!(
        "one-time link for {}, valid until {}{}",
        user.email,
        rfc3339(expires_at),
        if public_url.is_none() {
            format!(" ({RELATIVE_LINK_NOTE})")
        } else {
            String::new()
        }
    );
    Ok(())
}

fn reset_mfa(db: &Db, email: &str) -> Result<(), String> {
    let user = find(db, email)?;
    let removed = db
        .write_blocking(|tx| mfa_service::reset_in(tx, &user.id, &operator()))
        .map_err(|e| e.to_string())?;
    if removed {
        println!(
            "MFA removed for {}: they log in with their password and may enrol again",
            user.email
        );
    } else {
        println!(
            "{} had no MFA; nothing changed (the reset is audited)",
            user.email
        );
    }
    Ok(())
}
