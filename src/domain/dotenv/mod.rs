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

/// Double quotes with backslash escapes for `\`, `"` and `$` (so nothing is interpolated) and
/// `\n` for line breaks: one line per variable, read back exactly by dotenvy's syntax (see
/// docs/client.md for parsers that treat `\$` differently).
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

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
mod tests;
