//! Scopes and model patterns: the grammar checked at issuance and the matching done at
//! verification. Matching is total: any strings give an answer, never a panic.

/// Longest scope or model pattern, in bytes.
pub const MAX_GRANT_LEN: usize = 128;

fn is_segment(s: &str) -> bool {
    let b = s.as_bytes();
    match b.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_lowercase() || first.is_ascii_digit())
                && rest.iter().all(|&c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'.' | b'-')
                })
        }
        None => false,
    }
}

/// True for a scope a key may be granted: `segment(:segment)*`, each segment
/// `[a-z0-9][a-z0-9_.-]*`, at most 128 bytes; the last segment may be `*` (all actions below
/// the prefix), and `*` alone grants everything. Examples: `chat:write`, `models:read`,
/// `admin:*`.
pub fn is_valid_scope(scope: &str) -> bool {
    if scope.is_empty() || scope.len() > MAX_GRANT_LEN {
        return false;
    }
    if scope == "*" {
        return true;
    }
    let body = scope.strip_suffix(":*").unwrap_or(scope);
    body.split(':').all(is_segment)
}

/// True when the granted scope covers the required one.
///
/// - Exact equality covers.
/// - `a:b:*` covers every scope that starts with `a:b:` and has at least one more segment (not
///   `a:b` itself).
/// - `*` covers everything.
/// - A required scope that is not itself a valid, wildcard-free scope is covered by nothing.
pub fn scope_covers(granted: &str, required: &str) -> bool {
    if required.contains('*') || !is_valid_scope(required) {
        return false;
    }
    if granted == "*" || granted == required {
        return true;
    }
    match granted.strip_suffix('*') {
        // `prefix` ends with ':' here, so `a:*` cannot cover `ab:c`.
        Some(prefix) if prefix.ends_with(':') => {
            required.len() > prefix.len() && required.starts_with(prefix)
        }
        _ => false,
    }
}

/// True for a model pattern: 1–128 bytes, no control characters or whitespace, and `*` only
/// as the last character (`gpt-4o*` allows every model whose name starts with `gpt-4o`; `*`
/// alone allows all).
pub fn is_valid_model_pattern(pattern: &str) -> bool {
    if pattern.is_empty() || pattern.len() > MAX_GRANT_LEN {
        return false;
    }
    let body = pattern.strip_suffix('*').unwrap_or(pattern);
    !body.contains('*') && !pattern.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// True when the model pattern allows `model`: exact match, or prefix match for a pattern
/// ending with `*`. Case-sensitive.
pub fn model_allowed(pattern: &str, model: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => model.starts_with(prefix),
        None => pattern == model,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_grammar() {
        for ok in [
            "chat:write",
            "models:read",
            "admin:*",
            "*",
            "a",
            "a.b-c_d:x:y",
            "v1:*",
        ] {
            assert!(is_valid_scope(ok), "{ok}");
        }
        let long = "a".repeat(129);
        for bad in [
            "",
            ":",
            "a:",
            ":a",
            "a::b",
            "A:b",
            "a:*:b",
            "*:a",
            "a*",
            "a:b*",
            "**",
            "a: b",
            "é",
            "-a",
            long.as_str(),
        ] {
            assert!(!is_valid_scope(bad), "{bad}");
        }
    }

    #[test]
    fn scope_matching() {
        assert!(scope_covers("chat:write", "chat:write"));
        assert!(!scope_covers("chat:write", "chat:read"));
        assert!(scope_covers("chat:*", "chat:write"));
        assert!(scope_covers("chat:*", "chat:write:stream"));
        assert!(!scope_covers("chat:*", "chat"));
        assert!(!scope_covers("chat:*", "chatx:write"));
        assert!(!scope_covers("chat", "chat:write"));
        assert!(scope_covers("*", "anything:at:all"));
        // Wildcards in the request never match, not even against themselves.
        assert!(!scope_covers("chat:*", "chat:*"));
        assert!(!scope_covers("*", "*"));
        // Invalid requests match nothing.
        assert!(!scope_covers("*", ""));
        assert!(!scope_covers("A", "A"));
    }

    #[test]
    fn model_patterns() {
        for ok in [
            "gpt-4o",
            "gpt-4o*",
            "*",
            "claude-sonnet-4@2025",
            "models/gemini-2.5",
        ] {
            assert!(is_valid_model_pattern(ok), "{ok}");
        }
        for bad in ["", "g*t", "**", "gpt 4", "gpt\n", "\u{0}"] {
            assert!(!is_valid_model_pattern(bad), "{bad:?}");
        }
        assert!(model_allowed("gpt-4o", "gpt-4o"));
        assert!(!model_allowed("gpt-4o", "gpt-4o-mini"));
        assert!(model_allowed("gpt-4o*", "gpt-4o-mini"));
        assert!(!model_allowed("gpt-4o*", "gpt-4"));
        assert!(model_allowed("*", ""));
        assert!(!model_allowed("GPT-4o", "gpt-4o"));
    }
}
