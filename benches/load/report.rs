//! The table the benchmark prints, and the verdict: a run fails if any line has a problem.

use crate::wrk::Outcome;

/// One scenario's line.
pub struct Line {
    pub scenario: &'static str,
    pub outcome: Option<Outcome>,
    /// requests/s of this scenario over `healthz` in the same run.
    pub ratio: Option<f64>,
    /// The same ratio computed from server CPU per request: what a core of its own would give.
    /// Context only; on a shared machine it is steadier than the requests/s ratio.
    pub cpu_ratio: Option<f64>,
    pub target: String,
    pub problems: Vec<String>,
    /// Shown instead of a verdict (e.g. "n/a (route missing)"); never a failure.
    pub skipped: Option<String>,
}

/// A number that is not a load scenario (memory, binary size, start-up time, sweep duration).
pub struct Measure {
    pub name: String,
    pub value: String,
    pub target: String,
    pub problems: Vec<String>,
}

pub struct Report {
    pub mode: &'static str,
    /// Who else used the machine meanwhile (load average, hypervisor steal), for reading tails.
    pub context: Vec<String>,
    pub lines: Vec<Line>,
    pub measures: Vec<Measure>,
}

pub fn ms(us: u64) -> String {
    format!("{:.2} ms", us as f64 / 1000.0)
}

fn verdict(problems: &[String]) -> String {
    if problems.is_empty() {
        String::from("pass")
    } else {
        format!("FAIL: {}", problems.join("; "))
    }
}

impl Report {
    pub fn failed(&self) -> bool {
        self.lines.iter().any(|l| !l.problems.is_empty())
            || self.measures.iter().any(|m| !m.problems.is_empty())
    }

    pub fn print(&self) {
        println!();
        println!("envkeep load benchmark ({} mode)", self.mode);
        if self.mode == "smoke" {
            println!(
                "smoke mode: targets are shown but not enforced; any failed request fails the run"
            );
        }
        for line in &self.context {
            println!("{line}");
        }
        println!(
            "{:<18} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}  {:<30} result",
            "scenario", "req/s", "p50", "p99", "×healthz", "cpu/req", "×(cpu)", "target"
        );
        for line in &self.lines {
            let (rps, p50, p99, cpu) = match &line.outcome {
                Some(o) => (
                    format!("{:.0}", o.rps()),
                    ms(o.p50_us),
                    ms(o.p99_us),
                    format!("{:.1} us", o.cpu_us_per_request()),
                ),
                None => (
                    String::from("-"),
                    String::from("-"),
                    String::from("-"),
                    String::from("-"),
                ),
            };
            let ratio = line.ratio.map_or(String::from("-"), |r| format!("{r:.2}"));
            let cpu_ratio = line
                .cpu_ratio
                .map_or(String::from("-"), |r| format!("{r:.2}"));
            let result = line
                .skipped
                .clone()
                .unwrap_or_else(|| verdict(&line.problems));
            println!(
                "{:<18} {rps:>8} {p50:>9} {p99:>9} {ratio:>9} {cpu:>9} {cpu_ratio:>9}  {:<30} {result}",
                line.scenario, line.target
            );
        }
        println!();
        println!("{:<54} {:>10}  {:<10} result", "measure", "value", "target");
        for m in &self.measures {
            println!(
                "{:<54} {:>10}  {:<10} {}",
                m.name,
                m.value,
                m.target,
                verdict(&m.problems)
            );
        }
        println!();
        println!(
            "{}",
            if self.failed() {
                "RESULT: FAIL"
            } else {
                "RESULT: PASS"
            }
        );
    }
}
