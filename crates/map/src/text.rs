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

/// `text` shortened with an ellipsis so that its estimated width fits `max_width`.
pub fn fit(text: &str, max_width: f32, font_size: f32) -> String {
    let clean = sanitize(text);
    if text_width(&clean, font_size) <= max_width {
        return clean;
    }
    let budget = max_width - char_em('…') * font_size;
    let mut used = 0.0;
    let mut out = String::new();
    for c in clean.chars() {
        used += char_em(c) * font_size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
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
    fn fit_shortens_to_the_budget() {
        let long = "a-very-long-partner-name-that-goes-on.example.com";
        let short = fit(long, 100.0, 12.0);
        assert!(short.ends_with('…'));
        assert!(text_width(&short, 12.0) <= 100.0, "{short}");
        assert_eq!(fit("short", 100.0, 12.0), "short");
    }
}
