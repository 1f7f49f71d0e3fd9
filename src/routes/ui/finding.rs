//! Finding things in a long list: the filter box (`?q=`) and paging at `PAGE_ROWS` rows
//! (`?page=`). Both happen on the server, so a page never carries more than `PAGE_ROWS` rows
//! however long the list, and both work without JavaScript (a GET form and links); the script
//! only fetches the filtered page as you type.

use serde::Deserialize;

/// Rows on one page of a list.
pub const PAGE_ROWS: usize = 100;

/// A longer filter is cut here: nothing the UI lists is longer than a 256-character key.
const MAX_FILTER_CHARS: usize = 256;

/// `?q=` and `?page=` as sent; a page that is not a number is the first.
#[derive(Debug, Default, Deserialize)]
pub struct FindQuery {
    q: Option<String>,
    page: Option<String>,
}

/// What a list is asked for: the filter as typed and the page (1-based).
#[derive(Debug, Clone)]
pub struct Find {
    pub q: String,
    needle: String,
    page: usize,
}

impl FindQuery {
    pub fn find(&self) -> Find {
        let q: String = self
            .q
            .as_deref()
            .unwrap_or("")
            .trim()
            .chars()
            .take(MAX_FILTER_CHARS)
            .collect();
        Find {
            needle: q.to_lowercase(),
            q,
            page: self
                .page
                .as_deref()
                .and_then(|p| p.parse().ok())
                .filter(|&p| p >= 1)
                .unwrap_or(1),
        }
    }
}

impl Find {
    /// Does any of `fields` contain the filter (ignoring case)? Everything matches no filter.
    pub fn matches(&self, fields: &[&str]) -> bool {
        self.needle.is_empty()
            || fields
                .iter()
                .any(|f| f.to_lowercase().contains(&self.needle))
    }

    pub fn filtering(&self) -> bool {
        !self.needle.is_empty()
    }

    /// The rows of the page asked for (the last one when it asks past the end) and the pager,
    /// whose links `href(page)` builds.
    pub fn page<T>(&self, mut rows: Vec<T>, href: impl Fn(usize) -> String) -> (Vec<T>, Pager) {
        let total = rows.len();
        let pages = total.div_ceil(PAGE_ROWS).max(1);
        let page = self.page.min(pages);
        let start = (page - 1) * PAGE_ROWS;
        rows.truncate(start + PAGE_ROWS);
        let shown = rows.split_off(start.min(rows.len()));
        let pager = Pager {
            page,
            pages,
            total,
            first: if total == 0 { 0 } else { start + 1 },
            last: start + shown.len(),
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
        };
        (shown, pager)
    }
}

/// Where a page sits in its list, with links to its neighbours.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    /// The 1-based positions of the first and last rows shown.
    pub first: usize,
    pub last: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn several(&self) -> bool {
        self.pages > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(q: &str, page: &str) -> Find {
        FindQuery {
            q: Some(q.to_owned()),
            page: Some(page.to_owned()),
        }
        .find()
    }

    #[test]
    fn a_filter_matches_any_field_ignoring_case() {
        let f = find(" db_ ", "1");
        assert!(f.matches(&["DB_URL"]));
        assert!(f.matches(&["X", "the db_host"]));
        assert!(!f.matches(&["PORT"]));
        assert!(find("", "1").matches(&["anything"]));
    }

    #[test]
    fn pages_hold_at_most_page_rows_and_a_page_past_the_end_is_the_last() {
        let rows: Vec<usize> = (0..250).collect();
        let (shown, pager) = find("", "2").page(rows.clone(), |p| format!("?page={p}"));
        assert_eq!(shown.len(), PAGE_ROWS);
        assert_eq!(shown[0], 100);
        assert_eq!((pager.first, pager.last, pager.pages), (101, 200, 3));
        assert_eq!(pager.prev.as_deref(), Some("?page=1"));
        assert_eq!(pager.next.as_deref(), Some("?page=3"));
        let (shown, pager) = find("", "99").page(rows, |p| format!("?page={p}"));
        assert_eq!((shown.len(), pager.page, pager.next), (50, 3, None));
        let (shown, pager) = find("", "x").page(Vec::<u8>::new(), |_| String::new());
        assert_eq!(
            (shown.len(), pager.page, pager.first, pager.last),
            (0, 1, 0, 0)
        );
    }
}
