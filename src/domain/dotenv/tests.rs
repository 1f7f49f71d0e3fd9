//! The parser's rules, one behaviour per test.

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
