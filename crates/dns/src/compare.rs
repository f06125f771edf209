//! Exact comparison of a published value with the expected one, with a hint a person can act
//! on: administrators paste proofs by hand, so quotes, spaces, case and single characters are
//! the usual culprits.

/// Why `found` is not `expected`, or `None` when they are identical.
pub fn difference_hint(expected: &str, found: &str) -> Option<String> {
    if expected == found {
        return None;
    }
    let stripped = found.trim().trim_matches('"').trim();
    if stripped == expected {
        return Some("extra quotes/whitespace around the value".into());
    }
    let no_inner_space: String = found.chars().filter(|c| !c.is_whitespace()).collect();
    if no_inner_space == expected {
        return Some("extra whitespace inside the value (was it split or wrapped?)".into());
    }
    if found.eq_ignore_ascii_case(expected) {
        let pos = first_difference(expected, found).unwrap_or(0);
        return Some(format!(
            "differs in letter case at position {} (base64 is case-sensitive)",
            pos + 1
        ));
    }
    Some(positional_hint(expected, found))
}

fn positional_hint(expected: &str, found: &str) -> String {
    let exp: Vec<char> = expected.chars().collect();
    let got: Vec<char> = found.chars().collect();
    match first_difference(expected, found) {
        Some(pos) if pos < exp.len() && pos < got.len() => format!(
            "differs at position {} (expected '{}', found '{}'){}",
            pos + 1,
            exp[pos],
            got[pos],
            length_note(exp.len(), got.len())
        ),
        Some(pos) if got.len() < exp.len() => format!(
            "value is truncated: {} of {} characters, missing from position {}",
            got.len(),
            exp.len(),
            pos + 1
        ),
        Some(pos) => format!(
            "value has {} extra characters from position {}",
            got.len() - exp.len(),
            pos + 1
        ),
        None => "values differ".into(),
    }
}

fn length_note(expected: usize, found: usize) -> String {
    if expected == found {
        String::new()
    } else {
        format!("; length {found}, expected {expected}")
    }
}

/// Index (in characters) of the first differing character, `None` when equal.
fn first_difference(a: &str, b: &str) -> Option<usize> {
    let mut ai = a.chars();
    let mut bi = b.chars();
    let mut i = 0;
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return None,
            (Some(x), Some(y)) if x == y => i += 1,
            _ => return Some(i),
        }
    }
}

/// Picks the found value closest to `expected` (longest common prefix) so the hint talks
/// about the record the administrator most likely meant, not the SPF record next to it.
pub fn closest<'a>(expected: &str, found: &'a [String]) -> Option<&'a String> {
    found.iter().max_by_key(|f| {
        let stripped = f.trim().trim_matches('"');
        first_difference(expected, stripped).unwrap_or(usize::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_values_have_no_hint() {
        assert_eq!(difference_hint("abc", "abc"), None);
    }

    #[test]
    fn quotes_and_spaces_are_named() {
        let hint = difference_hint("abc=", "\"abc=\" ").expect("differs");
        assert!(hint.contains("quotes/whitespace"), "{hint}");
        let hint = difference_hint("abcdef", "abc def").expect("differs");
        assert!(hint.contains("whitespace inside"), "{hint}");
    }

    #[test]
    fn one_character_typo_gives_its_position() {
        let hint = difference_hint("ABCDEFGHIJKLMNOPQRS", "ABCDEFGHIJKLMNOPXRS").expect("differs");
        assert_eq!(hint, "differs at position 17 (expected 'Q', found 'X')");
    }

    #[test]
    fn case_and_truncation_are_named() {
        assert!(difference_hint("AbC", "abc")
            .expect("d")
            .contains("letter case at position 1"));
        assert!(difference_hint("abcdef", "abc")
            .expect("d")
            .contains("truncated: 3 of 6"));
        assert!(difference_hint("abc", "abcdef")
            .expect("d")
            .contains("3 extra characters"));
    }

    #[test]
    fn closest_prefers_the_longest_common_prefix() {
        let found = vec!["v=spf1 -all".to_string(), "ABCDXF".to_string()];
        assert_eq!(closest("ABCDEF", &found), Some(&found[1]));
    }
}
