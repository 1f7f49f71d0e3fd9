//! The order of the tokens table: by creation (the service's order, the default), or by name,
//! expiry or last use, either way (`?sort=name&dir=desc`). Unknown values are the default.

use crate::routes::ui::format::parse;
use crate::service::views::ServiceTokenView;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct SortQuery {
    sort: Option<String>,
    dir: Option<String>,
    hide_expired: Option<String>,
}

impl SortQuery {
    pub fn order(&self) -> Order {
        let column = match self.sort.as_deref() {
            Some("name") => Column::Name,
            Some("expires") => Column::Expires,
            Some("last_used") => Column::LastUsed,
            _ => return Order::default(),
        };
        let direction = match self.dir.as_deref() {
            Some("asc") => Direction::Asc,
            Some("desc") => Direction::Desc,
            _ => column.first_direction(),
        };
        Order {
            column: Some(column),
            direction,
        }
    }

    /// The "Hide expired" checkbox (`hide_expired=1`).
    pub fn hide_expired(&self) -> bool {
        self.hide_expired.as_deref().is_some_and(|v| !v.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Expires,
    LastUsed,
}

impl Column {
    pub fn label(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Expires => "Expires",
            Column::LastUsed => "Last used",
        }
    }

    fn param(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Expires => "expires",
            Column::LastUsed => "last_used",
        }
    }

    /// The order a first click asks for: names A→Z, the soonest expiry, the latest use.
    fn first_direction(self) -> Direction {
        match self {
            Column::Name | Column::Expires => Direction::Asc,
            Column::LastUsed => Direction::Desc,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Asc,
    Desc,
}

/// A column and a direction; no column is the order the tokens come in (creation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    column: Option<Column>,
    direction: Direction,
}

impl Default for Order {
    fn default() -> Self {
        Order {
            column: None,
            direction: Direction::Asc,
        }
    }
}

impl Order {
    /// The order a click on `column`'s header asks for: by it, flipped if it already is.
    pub fn by(self, column: Column) -> Order {
        let direction = match (self.column == Some(column), self.direction) {
            (true, Direction::Asc) => Direction::Desc,
            (true, Direction::Desc) => Direction::Asc,
            (false, _) => column.first_direction(),
        };
        Order {
            column: Some(column),
            direction,
        }
    }

    /// `sort` and `dir` for a link ("" for the default order, which links leave out).
    pub fn params(self) -> (&'static str, &'static str) {
        match self.column {
            None => ("", ""),
            Some(column) => (
                column.param(),
                match self.direction {
                    Direction::Asc => "asc",
                    Direction::Desc => "desc",
                },
            ),
        }
    }

    pub fn aria_sort(self, column: Column) -> Option<&'static str> {
        (self.column == Some(column)).then_some(match self.direction {
            Direction::Asc => "ascending",
            Direction::Desc => "descending",
        })
    }

    /// Sorts stably: tokens that tie keep the service's order. A token that never expires sorts
    /// after every expiry, one never used before every use.
    pub fn sort(self, tokens: &mut [ServiceTokenView]) {
        let Some(column) = self.column else { return };
        let time = |at: &Option<String>| at.as_deref().and_then(parse);
        tokens.sort_by(|a, b| {
            let ordering = match column {
                Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                Column::Expires => {
                    let never = |t: &ServiceTokenView| time(&t.expires_at).unwrap_or(i64::MAX);
                    never(a).cmp(&never(b))
                }
                Column::LastUsed => time(&a.last_used_at).cmp(&time(&b.last_used_at)),
            };
            match self.direction {
                Direction::Asc => ordering,
                Direction::Desc => ordering.reverse(),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(sort: &str, dir: &str) -> SortQuery {
        SortQuery {
            sort: Some(sort.to_owned()),
            dir: Some(dir.to_owned()),
            hide_expired: None,
        }
    }

    #[test]
    fn a_header_sorts_by_its_column_then_flips() {
        let order = query("", "").order();
        assert_eq!(order.params(), ("", ""));
        let by_name = order.by(Column::Name);
        assert_eq!(by_name.params(), ("name", "asc"));
        assert_eq!(by_name.by(Column::Name).params(), ("name", "desc"));
        assert_eq!(by_name.by(Column::LastUsed).params(), ("last_used", "desc"));
        assert_eq!(
            query("expires", "sideways").order().params(),
            ("expires", "asc")
        );
        assert_eq!(by_name.aria_sort(Column::Name), Some("ascending"));
        assert_eq!(by_name.aria_sort(Column::Expires), None);
    }
}
