//! What a load run saw, and the checks it must pass.

use crate::helpers::Answer;
use reqwest::StatusCode;
use std::collections::{BTreeMap, HashMap};

/// Counts by status, and every unexpected answer.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    pub unexpected: Vec<String>,
    /// (folder path/key, value) of every write the server acknowledged, in order; "" = deleted.
    pub acknowledged: Vec<(String, String)>,
}

impl LoadReport {
    pub fn requests(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.transport_errors
    }

    pub fn server_errors(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn merge(&mut self, other: LoadReport) {
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        self.unexpected.extend(other.unexpected);
        self.acknowledged.extend(other.acknowledged);
    }

    /// Counts one outcome; anything not in `ok`, or mentioning a lock, is unexpected.
    pub fn record(
        &mut self,
        what: &str,
        outcome: reqwest::Result<Answer>,
        ok: &[StatusCode],
    ) -> Option<StatusCode> {
        match outcome {
            Ok(answer) => {
                *self.statuses.entry(answer.status.as_u16()).or_default() += 1;
                if !ok.contains(&answer.status) || answer.text.to_lowercase().contains("locked") {
                    let text: String = answer.text.chars().take(200).collect();
                    self.unexpected
                        .push(format!("{what}: {} {text}", answer.status));
                }
                Some(answer.status)
            }
            Err(e) => {
                self.transport_errors += 1;
                self.unexpected.push(format!("{what}: transport error {e}"));
                None
            }
        }
    }
}

/// Every acknowledged write is in the store: the last acknowledged value of each key, and no key
/// whose deletion was acknowledged. (Keys belong to one writer each, so the order within a
/// writer's list is the order of its writes.)
pub fn assert_all_acknowledged_present(report: &LoadReport, found: &HashMap<String, String>) {
    let mut expected: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, value) in &report.acknowledged {
        expected.insert(key, value);
    }
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(key, value)| match found.get(**key) {
            Some(stored) => value.is_empty() || stored != *value,
            None => !value.is_empty(),
        })
        .map(|(key, value)| format!("{key}: expected {value:?}, found {:?}", found.get(*key)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} acknowledged writes missing or wrong: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

pub fn assert_clean(report: &LoadReport) {
    let first = &report.unexpected[..report.unexpected.len().min(20)];
    assert!(report.requests() > 0);
    assert_eq!(report.server_errors(), 0, "5xx under load: {first:?}");
    assert_eq!(report.transport_errors, 0, "{first:?}");
    assert!(report.unexpected.is_empty(), "{first:?}");
}
