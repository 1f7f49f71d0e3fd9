//! A line diff of two versions of a multi-line value (longest common subsequence), for the
//! History page. Values are at most 64 KiB; beyond a bounded table size no diff is offered
//! rather than spending unbounded time or memory on one page.

/// How one line of the diff reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Same,
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub change: Change,
    pub text: String,
}

impl DiffLine {
    /// The CSS class and the sign the template shows.
    pub fn sign(&self) -> &'static str {
        match self.change {
            Change::Same => " ",
            Change::Added => "+",
            Change::Removed => "-",
        }
    }

    pub fn class(&self) -> &'static str {
        match self.change {
            Change::Same => "diff-same",
            Change::Added => "diff-added",
            Change::Removed => "diff-removed",
        }
    }
}

/// Cells of the comparison table at most (about 4 MiB of u32).
const MAX_CELLS: usize = 1_000_000;

/// The lines of `old` turned into `new`; `None` when either is a single line (nothing to show
/// that the values themselves do not) or the table would be too large.
pub fn lines(old: &str, new: &str) -> Option<Vec<DiffLine>> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    if a.len() < 2 && b.len() < 2 {
        return None;
    }
    let (n, m) = (a.len(), b.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return None;
    }
    // common[i][j]: the longest common subsequence of a[i..] and b[j..].
    let width = m + 1;
    let mut common = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            common[i * width + j] = if a[i] == b[j] {
                common[(i + 1) * width + j + 1] + 1
            } else {
                common[(i + 1) * width + j].max(common[i * width + j + 1])
            };
        }
    }
    let line = |change, text: &str| DiffLine {
        change,
        text: text.to_owned(),
    };
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(n.max(m)));
    while i < n && j < m {
        if a[i] == b[j] {
            out.push(line(Change::Same, a[i]));
            (i, j) = (i + 1, j + 1);
        } else if common[(i + 1) * width + j] >= common[i * width + j + 1] {
            out.push(line(Change::Removed, a[i]));
            i += 1;
        } else {
            out.push(line(Change::Added, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|t| line(Change::Removed, t)));
    out.extend(b[j..].iter().map(|t| line(Change::Added, t)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs(old: &str, new: &str) -> Vec<String> {
        lines(old, new)
            .unwrap()
            .iter()
            .map(|l| format!("{}{}", l.sign(), l.text))
            .collect()
    }

    #[test]
    fn a_changed_line_is_a_removal_and_an_addition_between_unchanged_ones() {
        assert_eq!(signs("a\nb\nc", "a\nB\nc"), [" a", "-b", "+B", " c"]);
    }

    #[test]
    fn single_line_values_get_no_diff() {
        assert!(lines("old", "new").is_none());
    }
}
