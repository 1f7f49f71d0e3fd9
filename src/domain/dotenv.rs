//! The one `.env` parser (client `secrets import`, and the UI's import): dotenv's quoting, escapes,
//! `export`, comments and multi-line quoted values, with **no variable substitution**. `$X` and
//! `${X}` stay literal: a parser that expands them (the `dotenvy` crate does, from the process
//! environment) would copy whatever the importing machine holds, `ENVKEEP_ROOT_KEY` included, into
//! a stored secret.
//!
//! The syntax, line by line:
//! - blank lines and lines whose first non-blank character is `#` are skipped; a leading UTF-8
//!   byte-order mark and CRLF line ends are accepted;
//! - `[export ]KEY=VALUE`, blanks allowed around `=`; `KEY` is `[A-Za-z0-9_.-]+`;
//! - `'single quotes'`: everything up to the next `'` is literal, line breaks included;
//! - `"double quotes"`: may span lines; `\n`, `\r`, `\t`, `\\`, `\"`, `\'` and `\$` are escapes
//!   (`\$` is how `envkeep secrets export --format dotenv` writes a `$`), any other backslash is
//!   kept as it is;
//! - unquoted: the rest of the line, blanks trimmed; a `#` after a blank starts a comment, a `#`
//!   inside a word (`a#b`) does not; quotes and backslashes inside are literal;
//! - after a closing quote only blanks and a comment may follow.
//!
//! A key set twice is an error (which line wins differs between dotenv tools). Every error names
//! the 1-based line it was found on.

use std::borrow::Cow;
use std::fmt;

/// One `KEY=value` of a file, and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

/// Why a file was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Every assignment of a `.env` file, in file order.
pub fn parse(text: &str) -> Result<Vec<Entry>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text: Cow<'_, str> = if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let mut cursor = Cursor {
        rest: &text,
        line: 1,
    };
    let mut entries: Vec<Entry> = Vec::new();
    loop {
        cursor.skip_blanks();
        match cursor.peek() {
            None => return Ok(entries),
            Some('\n') => cursor.bump_newline(),
            Some('#') => cursor.skip_to_line_end(),
            Some(_) => {
                let entry = assignment(&mut cursor)?;
                if let Some(first) = entries.iter().find(|e| e.key == entry.key) {
                    return Err(ParseError {
                        line: entry.line,
                        message: format!(
                            "{} is set again (first on line {})",
                            entry.key, first.line
                        ),
                    });
                }
                entries.push(entry);
            }
        }
    }
}

struct Cursor<'a> {
    rest: &'a str,
    line: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    /// The next character, counting lines.
    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = &self.rest[c.len_utf8()..];
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn bump_newline(&mut self) {
        self.next();
    }

    /// Skips spaces and tabs; returns whether there were any.
    fn skip_blanks(&mut self) -> bool {
        let trimmed = self.rest.trim_start_matches([' ', '\t']);
        let skipped = trimmed.len() != self.rest.len();
        self.rest = trimmed;
        skipped
    }

    /// Skips to the line break (not past it).
    fn skip_to_line_end(&mut self) {
        let end = self.rest.find('\n').unwrap_or(self.rest.len());
        self.rest = &self.rest[end..];
    }

    /// Takes the rest of the line (not the line break).
    fn take_line(&mut self) -> &str {
        let end = self.rest.find('\n').unwrap_or(self.rest.len());
        let (line, rest) = self.rest.split_at(end);
        self.rest = rest;
        line
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            line: self.line,
            message: message.into(),
        }
    }
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// `[export ]KEY = value [# comment]`, the cursor on its first non-blank character.
fn assignment(cursor: &mut Cursor<'_>) -> Result<Entry, ParseError> {
    let line = cursor.line;
    if let Some(after) = cursor.rest.strip_prefix("export") {
        if after.starts_with([' ', '\t']) {
            cursor.rest = after;
            cursor.skip_blanks();
        }
    }
    let key_len = cursor
        .rest
        .find(|c: char| !is_key_char(c))
        .unwrap_or(cursor.rest.len());
    let key = cursor.rest[..key_len].to_owned();
    cursor.rest = &cursor.rest[key_len..];
    if key.is_empty() {
        let found = cursor
            .peek()
            .map_or_else(String::new, |c| c.escape_debug().to_string());
        return Err(cursor.error(format!(
            "expected a variable name (letters, digits, _ . -), found '{found}'"
        )));
    }
    cursor.skip_blanks();
    match cursor.peek() {
        Some('=') => {
            cursor.next();
        }
        None | Some('\n' | '#') => {
            return Err(cursor.error(format!(
                "{key} has no '=' (write {key}= for an empty value)"
            )))
        }
        Some(c) => {
            return Err(cursor.error(format!(
                "expected '=' after {key}, found '{}'",
                c.escape_debug()
            )))
        }
    }
    let blank_before_value = cursor.skip_blanks();
    let value = match cursor.peek() {
        Some('\'') => quoted(cursor, &key, '\'')?,
        Some('"') => quoted(cursor, &key, '"')?,
        Some('#') if blank_before_value => {
            cursor.skip_to_line_end();
            String::new()
        }
        _ => unquoted(cursor.take_line()),
    };
    Ok(Entry { key, value, line })
}

/// An unquoted value: up to a `#` that follows a blank, blanks trimmed.
fn unquoted(line: &str) -> String {
    let mut end = line.len();
    let mut previous = None;
    for (i, c) in line.char_indices() {
        if c == '#' && matches!(previous, Some(' ' | '\t')) {
            end = i;
            break;
        }
        previous = Some(c);
    }
    line[..end].trim_end_matches([' ', '\t']).to_owned()
}

/// A single- or double-quoted value, the cursor on its opening quote; then the rest of the line,
/// which may hold only blanks and a comment.
fn quoted(cursor: &mut Cursor<'_>, key: &str, quote: char) -> Result<String, ParseError> {
    let opened = cursor.line;
    let unclosed = || ParseError {
        line: opened,
        message: format!("the value of {key} opens a {quote} quote that is never closed"),
    };
    cursor.next();
    let mut value = String::new();
    loop {
        match cursor.next().ok_or_else(unclosed)? {
            c if c == quote => break,
            '\\' if quote == '"' => {
                let escaped = cursor.next().ok_or_else(unclosed)?;
                match escaped {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '\\' | '"' | '\'' | '$' => value.push(escaped),
                    other => {
                        value.push('\\');
                        value.push(other);
                    }
                }
            }
            c => value.push(c),
        }
    }
    cursor.skip_blanks();
    match cursor.peek() {
        None | Some('\n') => {}
        Some('#') => cursor.skip_to_line_end(),
        Some(c) => {
            return Err(cursor.error(format!(
                "unexpected '{}' after the closing quote of {key} (only a # comment may follow)",
                c.escape_debug()
            )))
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap_or_else(|e| panic!("{e} in {text:?}"))
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn one(text: &str) -> String {
        let mut all = pairs(text);
        assert_eq!(all.len(), 1, "{text:?} gave {all:?}");
        all.remove(0).1
    }

    fn error(text: &str) -> ParseError {
        parse(text).expect_err(text)
    }

    #[test]
    fn variables_stay_literal_in_every_quoting() {
        assert_eq!(one("A=${HOME}"), "${HOME}");
        assert_eq!(one("B=$ENVKEEP_ROOT_KEY"), "$ENVKEEP_ROOT_KEY");
        assert_eq!(one("B=\"$ENVKEEP_ROOT_KEY\""), "$ENVKEEP_ROOT_KEY");
        assert_eq!(one("C=\"${HOME}/x $(id) `id`\""), "${HOME}/x $(id) `id`");
        assert_eq!(one("D='${HOME}'"), "${HOME}");
    }

    #[test]
    fn an_escaped_dollar_in_double_quotes_is_a_dollar() {
        assert_eq!(one(r#"A="\$HOME \${PATH}""#), "$HOME ${PATH}");
        assert_eq!(one(r"A='\$HOME'"), r"\$HOME");
        assert_eq!(one(r"A=\$HOME"), r"\$HOME");
    }

    #[test]
    fn double_quotes_take_escapes_and_keep_unknown_backslashes() {
        assert_eq!(one(r#"A="a\nb\tc\rd""#), "a\nb\tc\rd");
        assert_eq!(
            one(r#"A="say \"hi\" it\'s \\ end""#),
            r#"say "hi" it's \ end"#
        );
        assert_eq!(one(r#"A="C:\dir\x""#), r"C:\dir\x");
        assert_eq!(one(r#"A="""#), "");
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(one(r"A='a\nb \\ \'"), r"a\nb \\ \");
        assert_eq!(
            one(r#"A='say "hi" # not a comment'"#),
            r#"say "hi" # not a comment"#
        );
        assert_eq!(one("A=''"), "");
    }

    #[test]
    fn unquoted_values_are_trimmed_and_keep_what_they_hold() {
        assert_eq!(one("A=  spaced out  "), "spaced out");
        assert_eq!(one("A=a=b==c"), "a=b==c");
        assert_eq!(one(r#"A=it's "x" \n"#), r#"it's "x" \n"#);
        assert_eq!(one("A="), "");
        assert_eq!(one("A=\t"), "");
    }

    #[test]
    fn export_prefix_and_blanks_around_the_equals_sign_are_accepted() {
        assert_eq!(
            pairs("export A=1\nexport\tB = 2\n  C =3"),
            [
                ("A".into(), "1".into()),
                ("B".into(), "2".into()),
                ("C".into(), "3".into())
            ]
        );
        assert_eq!(
            pairs("export=1\nexported=2"),
            [
                ("export".into(), "1".into()),
                ("exported".into(), "2".into())
            ]
        );
    }

    #[test]
    fn comments_are_whole_lines_or_follow_a_blank() {
        let text = "# top\n  # indented\nA=1 # trailing\nB=a#b\nC=\"x\" # after quotes\nD='y'#tight\nE= # empty\nF=#hash\n";
        assert_eq!(
            pairs(text),
            [
                ("A".into(), "1".into()),
                ("B".into(), "a#b".into()),
                ("C".into(), "x".into()),
                ("D".into(), "y".into()),
                ("E".into(), "".into()),
                ("F".into(), "#hash".into()),
            ]
        );
    }

    #[test]
    fn quoted_values_may_span_lines_and_keep_line_numbers() {
        let text = "A=\"one\ntwo\n\"\nB='x\n\ny'\nC=3";
        let entries = parse(text).unwrap();
        assert_eq!(entries[0].value, "one\ntwo\n");
        assert_eq!(entries[1].value, "x\n\ny");
        let lines: Vec<usize> = entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 4, 7]);
    }

    #[test]
    fn crlf_line_ends_and_a_byte_order_mark_are_accepted() {
        assert_eq!(
            pairs("\u{feff}A=1\r\nB=\"x\r\ny\"\r\n"),
            [("A".into(), "1".into()), ("B".into(), "x\ny".into())]
        );
        assert_eq!(one("A=\"lone\rcr\""), "lone\rcr");
    }

    #[test]
    fn keys_may_hold_dots_and_dashes() {
        assert_eq!(one("app.db-url_2=x"), "x");
    }

    #[test]
    fn errors_name_the_line() {
        let e = error("A=1\n\nnot a line\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("expected '=' after not"), "{e}");
        assert_eq!(
            error("A=1\nB\n").to_string(),
            "line 2: B has no '=' (write B= for an empty value)"
        );
        assert_eq!(error("A=1\n=x").line, 2);
        assert!(error("A=1\n=x").message.contains("variable name"));
        assert_eq!(error("A=1\nB=\"x\" y").line, 2);
    }

    #[test]
    fn an_unclosed_quote_names_the_line_it_opened_on() {
        let e = error("A=1\nB=\"open\nC=2\nD=3\n");
        assert_eq!(e.line, 2);
        assert!(e.message.contains("never closed"), "{e}");
        assert_eq!(error("A='x").line, 1);
        assert_eq!(error("A=\"x\\").line, 1);
    }

    #[test]
    fn a_key_set_twice_is_refused_naming_both_lines() {
        let e = error("A=1\nB=2\nA=3\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("first on line 1"), "{e}");
    }

    #[test]
    fn empty_and_comment_only_files_have_no_entries() {
        assert!(parse("").unwrap().is_empty());
        assert!(parse("\n\n# nothing\n   \n").unwrap().is_empty());
    }

    #[test]
    fn odd_characters_in_errors_are_escaped() {
        let e = error("A=1\n\u{1b}[31m=x");
        assert!(e.message.contains("\\u{1b}"), "{e}");
    }
}
