//! Plain byte scans (no `StrSearcher`, no panic path): a needle in a text,
//! a URL's origin.

/// The byte offset of `needle` in `hay` (a plain scan: no `StrSearcher`, no
/// panic path). The first bytes are compared before the rest: the frame's
/// `ready` looks up every error's words, and comparing `"\nkey="` at every
/// byte of the built-in English was 2 ms of the page's main thread in a
/// profile of the bench's drop-in, most of it in `memcmp`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.first() == n.first() && w == n)
}

/// `scheme://host[:port]` of a checked base URL: up to the first `/` after `://`.
pub fn origin(base: &str) -> &str {
    let start = find(base, "://").map_or(0, |i| i + 3);
    let end = base
        .as_bytes()
        .get(start..)
        .unwrap_or_default()
        .iter()
        .position(|&c| c == b'/')
        .map_or(base.len(), |i| start + i);
    base.get(..end).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::{find, origin};

    #[test]
    fn find_agrees_with_str_find() {
        let hay = "\nfield.cardNumber=Card number\nerror.incomplete_card_number=Your card number is incomplete.\nkey=é€x\naaab";
        let needles = [
            "",
            "\n",
            "\nkey=",
            "\nerror.incomplete_card_number=",
            "é€",
            "€x",
            "aab",
            "aaab",
            "b",
            "\nmissing=",
            "aaaab",
            "number=",
            "\nfield.cardNumber=Card number\nerror.",
        ];
        for n in needles {
            assert_eq!(find(hay, n), hay.find(n), "{n:?}");
        }
        assert_eq!(find("", "a"), None);
        assert_eq!(find("", ""), Some(0));
        assert_eq!(find("ab", "abc"), None);
    }

    #[test]
    fn origin_is_up_to_the_path() {
        assert_eq!(
            origin("http://127.0.0.1:8080/api/v2"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin("https://pay.example"), "https://pay.example");
        assert_eq!(origin("https://pay.example/"), "https://pay.example");
    }
}
