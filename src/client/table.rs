//! Human output: a plain aligned table, with control characters shown as escapes so one secret
//! stays on one row, and the same escaping for any server-supplied text printed to a terminal
//! (a hostile server must not move the cursor, recolour or hide text in the user's terminal).

/// Shows `\n`, `\r`, `\t`, other control characters and the bidirectional-text controls (which
/// can make a terminal show text in another order than it is) as escapes.
pub fn printable(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A message of several lines, each through [`printable`] (its own line breaks are kept).
pub fn printable_lines(text: &str) -> String {
    text.split('\n')
        .map(printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names for a message: each through [`printable`], separated by commas.
pub fn name_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| printable(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Renders rows under a header, columns separated by two spaces.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        let mut text = padded.join("  ").trim_end().to_owned();
        text.push('\n');
        text
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned() {
        let rows = vec![
            vec!["A".to_owned(), "1".to_owned()],
            vec!["LONGER".to_owned(), "22".to_owned()],
        ];
        assert_eq!(
            render(&["KEY", "VALUE"], &rows),
            "KEY     VALUE\nA       1\nLONGER  22\n"
        );
    }

    #[test]
    fn control_characters_are_escaped_but_quotes_and_unicode_are_kept() {
        assert_eq!(printable("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(printable("it's \"ok\" ✓"), "it's \"ok\" ✓");
    }

    #[test]
    fn terminal_escapes_and_bidi_controls_from_a_server_are_shown_not_obeyed() {
        assert_eq!(printable("\u{1b}[2Jgone"), "\\u{001b}[2Jgone");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(printable("\u{9b}31m"), "\\u{009b}31m");
        assert_eq!(printable_lines("one\u{7}\ntwo"), "one\\u{0007}\ntwo");
        assert_eq!(name_list(&["A", "B\u{1b}"]), "A, B\\u{001b}");
    }
}
