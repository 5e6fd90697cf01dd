//! A secure card field (Elements): the element types and what a page may
//! style inside a field's frame. The SDK checks a page's options against
//! these lists; the server hands the same lists to the frame's script.

/// Element types: (type, `autocomplete` token).
pub const ELEMENT_TYPES: &[(&str, &str)] = &[
    ("cardnumber", "cc-number"),
    ("cardexpiration", "cc-exp"),
    ("cardcvv", "cc-csc"),
];

/// Text properties a page may set in `style` (camelCase, as in CSSOM).
pub const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "fontFamily",
    "fontSize",
    "fontStyle",
    "fontVariant",
    "fontWeight",
    "letterSpacing",
    "lineHeight",
    "textAlign",
    "textDecoration",
    "textShadow",
    "textTransform",
    "caretColor",
    "padding",
    "backgroundColor",
];

/// Pseudo-classes a page may style under `style.base` and the states.
pub const STYLE_PSEUDO: &[&str] = &[
    ":hover",
    ":focus",
    "::placeholder",
    "::selection",
    ":autofill",
    ":disabled",
];

/// Box properties the drop-in's appearance `rules` may set on its parts
/// (inputs' containers, labels, method rows, buttons, error lines) besides
/// [`STYLE_PROPERTIES`]; never inside a secure field's frame. None of them
/// takes an image or a URL.
pub const BOX_PROPERTIES: &[&str] = &[
    "border",
    "borderColor",
    "borderWidth",
    "borderStyle",
    "borderRadius",
    "boxShadow",
    "outline",
    "outlineOffset",
    "opacity",
];

/// The state keys of `style` (rules for the field in that state).
pub const STYLE_STATES: &[&str] = &["base", "empty", "complete", "invalid"];

/// Characters and words a style value may not contain: no way out of the
/// declaration (nor a comment, an open parenthesis or quote that would
/// swallow what follows), no resource loads.
pub fn style_value_ok(v: &str) -> bool {
    // Byte scans (no `str` pattern searcher: this runs in the SDK's wasm too).
    let b = v.as_bytes();
    let has = |w: &[u8]| b.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w));
    b.len() <= 200
        && !b.iter().any(|c| b";{}<>\\@".contains(c))
        && !has(b"url(")
        && !has(b"image-set")
        && !has(b"expression")
        && !has(b"/*")
        && balanced(b)
}

/// Parentheses closed in order and quotes in pairs: an open function or
/// string would swallow what follows the value in the sheet.
fn balanced(b: &[u8]) -> bool {
    let mut depth = 0i32;
    for c in b {
        depth += match c {
            b'(' => 1,
            b')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return false;
        }
    }
    let pairs = |q: u8| b.iter().filter(|c| **c == q).count() % 2 == 0;
    depth == 0 && pairs(b'\'') && pairs(b'"')
}

#[cfg(test)]
mod tests {
    #[test]
    fn style_values() {
        assert!(super::style_value_ok("16px"));
        assert!(super::style_value_ok("'Helvetica Neue', sans-serif"));
        assert!(!super::style_value_ok("red;background:red"));
        assert!(!super::style_value_ok("URL(https://x)"));
        assert!(!super::style_value_ok("red}input{color:blue"));
        assert!(!super::style_value_ok("red/*"));
        assert!(!super::style_value_ok("rgb(1, 2, 3"));
        assert!(!super::style_value_ok("'Helvetica"));
        assert!(!super::style_value_ok("a) b ("));
        assert!(super::style_value_ok("rgb(0 0 0 / 50%)"));
        assert!(super::style_value_ok("\"Segoe UI\", 'Helvetica Neue'"));
        assert!(!super::style_value_ok("@import 'x'"));
        assert!(!super::style_value_ok("\\75 rl(x)"));
        assert!(!super::style_value_ok("image-set('x' 1x)"));
        assert!(!super::style_value_ok("expression(alert(1))"));
    }
}
