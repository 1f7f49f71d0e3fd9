//! Audit rows for refused uses (denied service-token uses, failed logins), within budgets: each
//! event kind (action and `detail.reason`) of each actor (a token; anonymous events share one)
//! gets at most [`PER_MINUTE`] rows a minute. A flood cannot grow the audit table without bound,
//! and a flood of one kind (made-up logins, wrong secrets) cannot silence another (a token's
//! out-of-scope reads). What a spent budget holds back is not dropped: when its minute is over,
//! one aggregate row says how many more there were ("N more denials of token X in the last
//! minute"). Time is passed in, so the windows are tested without waiting for them.

use crate::db::audit::{self, AuditEvent};
use crate::db::{Db, DbResult};
use crate::time::now_millis;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Rows per budget and window.
pub const PER_MINUTE: u32 = 60;
pub const WINDOW: Duration = Duration::from_secs(60);
/// Budgets tracked at once (one per token and kind with denials this minute). Past it, a new
/// actor's events share its kind's anonymous budget, so memory stays bounded whatever happens.
const MAX_BUDGETS: usize = 10_000;

/// Which windows [`DenialAudit::close_blocking`] closes.
#[derive(Debug, Clone, Copy)]
pub enum Close {
    /// Those whose minute is over by then (the periodic flush).
    EndedBy(Instant),
    /// All of them (at shutdown).
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BudgetKey {
    action: &'static str,
    reason: Option<String>,
    actor_id: Option<String>,
}

impl BudgetKey {
    fn of(event: &AuditEvent) -> Self {
        Self {
            action: event.action,
            reason: reason(event).map(str::to_owned),
            actor_id: event.actor_id.clone(),
        }
    }
}

fn reason(event: &AuditEvent) -> Option<&str> {
    event.detail.get("reason").and_then(|r| r.as_str())
}

struct Budget {
    started: Instant,
    admitted: u32,
    held_back: u32,
    /// The last event held back: the aggregate row names its actor, project and kind.
    last_held: Option<AuditEvent>,
}

impl Budget {
    fn new(now: Instant) -> Self {
        Self {
            started: now,
            admitted: 0,
            held_back: 0,
            last_held: None,
        }
    }

    fn has_ended(&self, close: Close) -> bool {
        match close {
            Close::EndedBy(now) => now.saturating_duration_since(self.started) >= WINDOW,
            Close::All => true,
        }
    }

    /// The row summing up what this window of budget `key` held back, if it held anything back.
    /// It names the key's actor: none for a budget shared by several.
    fn aggregate(&self, key: &BudgetKey) -> Option<AuditEvent> {
        let held = self.last_held.as_ref()?;
        let more = self.held_back;
        let what = match (&key.actor_id, held.actor_kind) {
            (Some(id), "service_token") => format!("denials of token {id}"),
            (None, "service_token") => String::from("denials of other tokens"),
            (Some(id), kind) => format!("{} events of {kind} {id}", key.action),
            (None, _) => format!("{} events", key.action),
        };
        Some(AuditEvent {
            at: now_millis(),
            actor_kind: held.actor_kind,
            actor_id: key.actor_id.clone(),
            action: key.action,
            project_id: key.actor_id.as_ref().and(held.project_id.clone()),
            detail: serde_json::json!({
                "reason": reason(held),
                "more": more,
                "summary": format!("{more} more {what} in the last minute"),
            }),
            ip: None,
        })
    }
}

#[derive(Default)]
pub(super) struct DenialAudit {
    budgets: Mutex<HashMap<BudgetKey, Budget>>,
}

impl DenialAudit {
    /// The rows to write for `event` at `now`: the event itself unless its budget is spent, and
    /// the aggregate of its budget's previous window if that window just ended.
    fn admit(&self, event: AuditEvent, now: Instant) -> Vec<AuditEvent> {
        let mut budgets = self.budgets.lock().unwrap_or_else(|p| p.into_inner());
        let mut key = BudgetKey::of(&event);
        if budgets.len() >= MAX_BUDGETS && !budgets.contains_key(&key) {
            key.actor_id = None;
        }
        let mut rows = Vec::new();
        let budget = budgets
            .entry(key.clone())
            .or_insert_with(|| Budget::new(now));
        if budget.has_ended(Close::EndedBy(now)) {
            rows.extend(budget.aggregate(&key));
            *budget = Budget::new(now);
        }
        if budget.admitted < PER_MINUTE {
            budget.admitted += 1;
            rows.push(event);
        } else {
            budget.held_back = budget.held_back.saturating_add(1);
            budget.last_held = Some(event);
        }
        rows
    }

    /// Takes the windows `close` ends out of the map, with their aggregate rows.
    fn take_ended(&self, close: Close) -> Vec<AuditEvent> {
        let mut budgets = self.budgets.lock().unwrap_or_else(|p| p.into_inner());
        let mut rows = Vec::new();
        budgets.retain(|key, budget| {
            let ended = budget.has_ended(close);
            if ended {
                rows.extend(budget.aggregate(key));
            }
            !ended
        });
        rows
    }

    /// Records the event in the background, within its budget.
    pub(super) fn record(&self, db: &Db, event: AuditEvent) {
        let rows = self.admit(event, Instant::now());
        if !rows.is_empty() {
            let db = db.clone();
            tokio::task::spawn_blocking(move || {
                if let Err(e) = insert_all(&db, &rows) {
                    tracing::warn!(error = %e, "could not audit a denied use");
                }
            });
        }
    }

    /// Writes the aggregate rows of the windows `close` ends, and forgets those windows
    /// (blocking). Returns how many aggregate rows it wrote.
    pub(super) fn close_blocking(&self, db: &Db, close: Close) -> DbResult<usize> {
        let rows = self.take_ended(close);
        insert_all(db, &rows)?;
        Ok(rows.len())
    }
}

fn insert_all(db: &Db, rows: &[AuditEvent]) -> DbResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    db.write_blocking(|tx| rows.iter().try_for_each(|row| audit::insert(tx, row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denial(token: &str, reason: &str) -> AuditEvent {
        AuditEvent {
            at: 0,
            actor_kind: "service_token",
            actor_id: Some(token.to_owned()),
            action: "service_token.denied",
            project_id: Some(String::from("p")),
            detail: serde_json::json!({ "reason": reason }),
            ip: Some(String::from("127.0.0.1")),
        }
    }

    fn failed_login() -> AuditEvent {
        AuditEvent {
            at: 0,
            actor_kind: "anonymous",
            actor_id: None,
            action: "session.login_failed",
            project_id: None,
            detail: serde_json::json!({ "email": "x@example.com" }),
            ip: Some(String::from("127.0.0.1")),
        }
    }

    /// How many of `events` got their own row.
    fn admitted(
        audit: &DenialAudit,
        events: impl Iterator<Item = AuditEvent>,
        now: Instant,
    ) -> usize {
        events.map(|e| audit.admit(e, now).len()).sum()
    }

    #[test]
    fn each_kind_and_token_has_its_own_budget() {
        let (audit, now) = (DenialAudit::default(), Instant::now());
        let flood = (0..100).map(|_| failed_login());
        assert_eq!(admitted(&audit, flood, now), PER_MINUTE as usize);
        let a = (0..5).map(|_| denial("a", "out_of_scope"));
        assert_eq!(
            admitted(&audit, a, now),
            5,
            "logins do not spend a token's budget"
        );
        let wrong = (0..100).map(|_| denial("a", "wrong_secret"));
        assert_eq!(admitted(&audit, wrong, now), PER_MINUTE as usize);
        let a_again = (0..5).map(|_| denial("a", "out_of_scope"));
        assert_eq!(admitted(&audit, a_again, now), 5, "nor do wrong secrets");
        let b = (0..5).map(|_| denial("b", "wrong_secret"));
        assert_eq!(admitted(&audit, b, now), 5, "nor another token's denials");
    }

    #[test]
    fn a_spent_budget_is_summed_up_once_its_minute_is_over() {
        let (audit, start) = (DenialAudit::default(), Instant::now());
        let flood = (0..PER_MINUTE + 7).map(|_| denial("a", "out_of_scope"));
        assert_eq!(admitted(&audit, flood, start), PER_MINUTE as usize);
        assert!(
            audit
                .take_ended(Close::EndedBy(start + WINDOW / 2))
                .is_empty(),
            "the minute is not over"
        );
        let rows = audit.take_ended(Close::EndedBy(start + WINDOW));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].detail["more"], 7);
        assert_eq!(rows[0].actor_id.as_deref(), Some("a"));
        assert_eq!(
            rows[0].detail["summary"],
            "7 more denials of token a in the last minute"
        );
        assert!(audit.take_ended(Close::All).is_empty(), "closed once");
        let next = (0..3).map(|_| denial("a", "out_of_scope"));
        assert_eq!(admitted(&audit, next, start + WINDOW), 3, "a fresh budget");
    }

    #[test]
    fn the_next_event_after_the_minute_brings_the_aggregate_with_it() {
        let (audit, start) = (DenialAudit::default(), Instant::now());
        for _ in 0..PER_MINUTE + 2 {
            audit.admit(failed_login(), start);
        }
        let rows = audit.admit(failed_login(), start + WINDOW);
        assert_eq!(rows.len(), 2, "the aggregate and the event");
        assert_eq!(rows[0].detail["more"], 2);
        assert_eq!(
            rows[0].detail["summary"],
            "2 more session.login_failed events in the last minute"
        );
    }

    #[test]
    fn a_budget_that_held_nothing_back_closes_without_a_row() {
        let (audit, start) = (DenialAudit::default(), Instant::now());
        audit.admit(denial("a", "expired"), start);
        assert!(audit.take_ended(Close::All).is_empty());
        assert!(audit.budgets.lock().unwrap().is_empty(), "and is forgotten");
    }

    #[test]
    fn the_number_of_budgets_is_bounded() {
        let (audit, now) = (DenialAudit::default(), Instant::now());
        for i in 0..MAX_BUDGETS + 50 {
            audit.admit(denial(&format!("t{i}"), "wrong_secret"), now);
        }
        assert!(audit.budgets.lock().unwrap().len() <= MAX_BUDGETS + 1);
    }
}
