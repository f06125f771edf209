//! Text that reaches the drawing: made safe (partner names are hostile input) and measured.

/// Average advance of a character as a fraction of the font size. DejaVu Sans averages about
/// 0.55 em for lowercase text; 0.62 keeps the estimate on the safe (wider) side.
const NARROW_EM: f32 = 0.62;
const WIDE_LATIN_EM: f32 = 0.92;
const OTHER_EM: f32 = 0.72;
const CJK_EM: f32 = 1.0;

/// Characters that would break the XML (controls) or let a name reorder the text around it
/// (bidi overrides and isolates). Letters of any script, RTL ones included, are kept.
fn is_dropped(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{FFFE}' | '\u{FFFF}' | '\u{FEFF}')
}

pub fn sanitize(text: &str) -> String {
    text.chars().filter(|c| !is_dropped(*c)).collect()
}

/// XML text and attribute escaping (quotes included, so the result is safe in either place).
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Newlines survive here (multi-line tooltips); `sanitize` removes them from drawn labels.
    for c in text.chars().filter(|c| *c == '\n' || !is_dropped(*c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn char_em(c: char) -> f32 {
    match c {
        'M' | 'W' | 'm' | 'w' | '@' | '%' => WIDE_LATIN_EM,
        c if c.is_ascii() => NARROW_EM,
        c if (c as u32) >= 0x2E80 => CJK_EM,
        _ => OTHER_EM,
    }
}

/// Estimated width in user units of `text` at `font_size`.
pub fn text_width(text: &str, font_size: f32) -> f32 {
    text.chars().map(char_em).sum::<f32>() * font_size
}

/// Characters after which a word wider than a line may break.
pub const BREAK_AFTER: &[char] = &['.', '-', ':', '/', ',', '@', '_'];

/// `text` in lines that each fit `max_width`, never cut: lines break between words, a word
/// wider than a line breaks after one of its separators (`BREAK_AFTER`), and only a run
/// without any separator is split between characters.
pub fn wrap(text: &str, max_width: f32, font_size: f32) -> Vec<String> {
    let clean = sanitize(text);
    let fits = |s: &str| text_width(s, font_size) <= max_width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in clean.split(' ').filter(|w| !w.is_empty()) {
        place_word(word, &mut line, &mut lines, &fits, BREAK_AFTER);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Adds `word` to the open `line`, after a space, when the result `fits`; otherwise closes
/// the line into `lines` and lays the word out in pieces (broken after `separators`, a piece
/// wider than a line split between characters), leaving its last part open in `line`. The
/// one word-placing rule of the map's labels and the report's PDF text.
pub fn place_word(
    word: &str,
    line: &mut String,
    lines: &mut Vec<String>,
    fits: &impl Fn(&str) -> bool,
    separators: &[char],
) {
    let joined = if line.is_empty() {
        word.to_owned()
    } else {
        format!("{line} {word}")
    };
    if fits(&joined) {
        *line = joined;
        return;
    }
    if !line.is_empty() {
        lines.push(std::mem::take(line));
    }
    for piece in pieces(word, separators) {
        let joined = format!("{line}{piece}");
        if fits(&joined) {
            *line = joined;
        } else {
            if !line.is_empty() {
                lines.push(std::mem::take(line));
            }
            *line = split_run(&piece, lines, fits);
        }
    }
}

/// A word split after each of `separators`, the separator kept with the piece before it.
pub fn pieces(word: &str, separators: &[char]) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in word.chars() {
        out.last_mut().expect("never empty").push(c);
        if separators.contains(&c) {
            out.push(String::new());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// A piece wider than a line: full lines go to `lines`, the remainder is returned.
fn split_run(piece: &str, lines: &mut Vec<String>, fits: &impl Fn(&str) -> bool) -> String {
    let mut line = String::new();
    for c in piece.chars() {
        line.push(c);
        if !fits(&line) && line.chars().count() > 1 {
            line.pop();
            lines.push(std::mem::take(&mut line));
            line.push(c);
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_xml(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
    }

    #[test]
    fn drops_controls_and_bidi_overrides_but_keeps_rtl_letters() {
        assert_eq!(sanitize("a\u{0}b\u{202E}c\u{7}"), "abc");
        assert_eq!(sanitize("שלום.example"), "שלום.example");
    }

    #[test]
    fn wrap_breaks_between_words_and_never_cuts_one() {
        let policy =
            "Domains: fabrikam.com:CalendarSharingFreeBusyDetail, contoso.com:LimitedDetails";
        let lines = wrap(policy, 120.0, 10.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 10.0) <= 120.0),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| !l.contains('…')));
        // Every character is kept, and a word only ever breaks after a separator.
        assert_eq!(lines.concat().replace(' ', ""), policy.replace(' ', ""));
        assert!(
            lines.iter().any(|l| l.ends_with("LimitedDetails")),
            "{lines:?}"
        );
        assert_eq!(wrap("short", 100.0, 12.0), vec!["short".to_owned()]);
        assert_eq!(wrap("", 100.0, 12.0), vec![String::new()]);
    }

    #[test]
    fn a_run_without_separators_is_split_only_when_it_must_be() {
        let run = "x".repeat(80);
        let lines = wrap(&run, 100.0, 10.0);
        assert!(lines.iter().all(|l| text_width(l, 10.0) <= 100.0));
        assert_eq!(lines.concat(), run);
    }
}
