//! Escaping for each output language. Input text (names, evidence, scripts) is data: it is
//! escaped for HTML and Markdown, and quoted as a PowerShell literal in generated commands.

pub use fedshare_map::text::escape_xml as html;

/// Markdown inline text: punctuation that could start markup is backslash-escaped and `<`, `>`,
/// `&` become entities so no raw HTML reaches a Markdown renderer; line breaks become spaces.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in fedshare_map::text::sanitize(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '!'
            | '|' | '~' | '"' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block whose fence is longer than any backtick run inside, so the content
/// cannot close it.
pub fn md_code_block(lang: &str, text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let body: String = text
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !c.is_control())
        .collect();
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end_matches('\n'))
}

/// A PowerShell single-quoted literal: nothing inside is expanded; `'` (and its typographic
/// variants, which PowerShell also treats as quotes) are doubled; control characters dropped.
pub fn ps_literal(text: &str) -> String {
    let mut out = String::from("'");
    for c in fedshare_map::text::sanitize(text).chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_neutralises_markup() {
        assert_eq!(
            md("<script>[x](y) | *b*"),
            r"&lt;script&gt;\[x\]\(y\) \| \*b\*"
        );
    }

    #[test]
    fn code_fence_outlasts_backticks_inside() {
        let block = md_code_block("powershell", "a ``` b");
        assert!(block.starts_with("````powershell\n"), "{block}");
        assert!(block.ends_with("\n````\n"));
    }

    #[test]
    fn powershell_literal_cannot_be_escaped() {
        assert_eq!(
            ps_literal("O'Brien $(Remove-Item x)"),
            "'O''Brien $(Remove-Item x)'"
        );
        assert_eq!(ps_literal("a\u{2019}b\nc"), "'a\u{2019}\u{2019}bc'");
    }
}
