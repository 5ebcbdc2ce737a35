//! PII detectors: email, phone, national ids, network addresses, dates of birth.

use std::sync::Arc;

use super::{priority, Cx, Detect, Hit, Trigger};
use crate::finding::Kind;

pub(crate) fn detectors() -> Vec<Arc<dyn Detect>> {
    vec![Arc::new(Email)]
}

/// Email addresses, found from each `@` by walking the local part back and the domain forward.
///
/// Rejected: no dot in the domain, a non-alphabetic TLD (`pkg@1.2.3`), `user@host` inside a URI
/// (`ssh://git@host`, which the connection-string detector owns) and scp-style remotes
/// (`git@github.com:org/repo`).
struct Email;

const LOCAL_MAX: usize = 64;
const DOMAIN_MAX: usize = 253;

#[inline]
fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-' | b'\'')
}

#[inline]
fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

impl Detect for Email {
    fn id(&self) -> &'static str {
        "email"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::EMAIL]
    }

    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::At]
    }

    fn max_len(&self) -> usize {
        LOCAL_MAX + 1 + DOMAIN_MAX
    }

    fn detect(&self, cx: &mut Cx<'_>, hit: &Hit) -> usize {
        let b = cx.bytes;
        let at = hit.start;
        // Local part, backwards.
        let mut s = at;
        while s > 0 && at - s < LOCAL_MAX + 1 && is_local_byte(b[s - 1]) {
            s -= 1;
        }
        if s > 0 && at - s > LOCAL_MAX {
            return at + 1; // too long to be a local part
        }
        // Trim leading dots and quotes; the local part must start with a letter or digit.
        while s < at && !b[s].is_ascii_alphanumeric() && b[s] != b'_' {
            s += 1;
        }
        if s == at || b[at - 1] == b'.' || b[s..at].windows(2).any(|w| w == b"..") {
            return at + 1;
        }
        // Not inside a URI authority (`scheme://user@host`).
        if s >= 3 && &b[s - 3..s] == b"://" {
            return at + 1;
        }
        if s >= 1 && b[s - 1] == b':' && b[..s - 1].ends_with(b"mailto") {
            // mailto:jane@x.org is an email; fall through.
        } else if s >= 1 && (b[s - 1] == b'/' || b[s - 1] == b'@') {
            return at + 1;
        }
        // Domain, forwards.
        let mut e = at + 1;
        while e < b.len() && e - at <= DOMAIN_MAX && is_domain_byte(b[e]) {
            e += 1;
        }
        // Trailing dots and dashes belong to the sentence.
        while e > at + 1 && matches!(b[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let domain = &b[at + 1..e];
        if domain.is_empty() || domain.len() > DOMAIN_MAX {
            return e.max(at + 1);
        }
        let mut labels = domain.split(|&c| c == b'.');
        let mut count = 0;
        let mut last: &[u8] = &[];
        let mut ok = true;
        for l in labels.by_ref() {
            count += 1;
            if l.is_empty() || l.len() > 63 || l[0] == b'-' || l[l.len() - 1] == b'-' {
                ok = false;
                break;
            }
            last = l;
        }
        if !ok || count < 2 || last.len() < 2 || !last.iter().all(u8::is_ascii_alphabetic) {
            return e.max(at + 1);
        }
        // scp-style remote: git@github.com:org/repo.git
        if b.get(e) == Some(&b':') && b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
            return e;
        }
        // A word character glued to either end means we are inside something else.
        if cx.word_at(e) {
            return e;
        }
        cx.emit(Kind::EMAIL, s, e, 0.9, priority::EMAIL);
        e
    }
}

// -- pii: more detectors --

#[cfg(test)]
mod tests {
    use crate::detect::testing::found;
    use crate::Kind;

    #[test]
    fn email_positives() {
        for (text, want) in [
            ("mail jane.doe@example.org now", "jane.doe@example.org"),
            ("<JOHN_SMITH+tag@mail.co.uk>", "JOHN_SMITH+tag@mail.co.uk"),
            ("mailto:a.b-c@sub.domain-x.io.", "a.b-c@sub.domain-x.io"),
            ("(o'brien@corp.example)", "o'brien@corp.example"),
            (
                "Contact: 42user@xn--bcher-kva.de,",
                "42user@xn--bcher-kva.de",
            ),
        ] {
            assert_eq!(found(Kind::EMAIL, text), [want], "{text}");
        }
    }

    #[test]
    fn email_hard_negatives() {
        for text in [
            "npm i lodash@4.17.21",
            "@property def x(self)",
            "user@localhost",
            "git@github.com:org/repo.git",
            "ssh://git@github.com/org/repo",
            "a@b.c",
            "foo@@bar.com",
            "x@-bad.com",
            "..@example.com",
            "@@@@@@",
            "name@domain.123",
        ] {
            assert!(found(Kind::EMAIL, text).is_empty(), "{text}");
        }
    }
}
