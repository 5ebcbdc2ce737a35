//! The key format: `<brand>_<live|test>_<key id><secret><checksum>`, Base62 and CRC-32.
//!
//! Everything here is allocation-free and total: any `&str` gives either a [`ParsedKey`] or a
//! [`FormatError`], never a panic.

use core::fmt;

use super::error::KeyError;

/// The Base62 alphabet, in value order: digits, upper case, lower case.
pub(crate) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Value of a Base62 character, or `None` outside `[0-9A-Za-z]`.
#[inline]
pub(crate) const fn base62_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'Z' => Some(b - b'A' + 10),
        b'a'..=b'z' => Some(b - b'a' + 36),
        _ => None,
    }
}

/// Encodes a CRC-32 as exactly 6 Base62 characters, most significant first, zero-padded
/// (62^6 > 2^32, so every value fits).
pub(crate) fn encode_checksum(crc: u32) -> [u8; CHECKSUM_LEN] {
    let mut out = [b'0'; CHECKSUM_LEN];
    let mut v = crc;
    for slot in out.iter_mut().rev() {
        // `v % 62` is below 62, so the index is always in bounds; `get` keeps that visible.
        *slot = BASE62.get((v % 62) as usize).copied().unwrap_or(b'0');
        v /= 62;
    }
    out
}

/// Decodes 6 Base62 characters; `None` for a bad character. Values above `u32::MAX` are
/// returned as they are (they can never equal a CRC-32).
fn decode_checksum(s: &[u8]) -> Option<u64> {
    let mut v: u64 = 0;
    for &b in s {
        v = v * 62 + u64::from(base62_value(b)?);
    }
    Some(v)
}

/// The CRC-32 (IEEE, check value `0xCBF43926`) that the last 6 characters encode.
#[inline]
pub(crate) fn checksum(covered: &[u8]) -> u32 {
    crc32fast::hash(covered)
}

/// Length of the public key id, in Base62 characters (≈ 71 bits).
pub const KEY_ID_LEN: usize = 12;
/// Length of the secret, in Base62 characters (≈ 190 bits).
pub const SECRET_LEN: usize = 32;
/// Length of the checksum, in Base62 characters.
pub const CHECKSUM_LEN: usize = 6;
/// Length of everything after `<brand>_<env>_`: key id + secret + checksum = 50.
pub const BODY_LEN: usize = KEY_ID_LEN + SECRET_LEN + CHECKSUM_LEN;
/// Shortest brand, in bytes.
pub const BRAND_MIN_LEN: usize = 2;
/// Longest brand, in bytes.
pub const BRAND_MAX_LEN: usize = 16;
/// Length of the environment word (`live` and `test` both have 4 letters).
const ENV_LEN: usize = 4;
/// Shortest possible token: 2-byte brand + `_live_` + body = 58 bytes.
pub const MIN_TOKEN_LEN: usize = BRAND_MIN_LEN + ENV_LEN + 2 + BODY_LEN;
/// Longest possible token: 16-byte brand + `_live_` + body = 72 bytes.
pub const MAX_TOKEN_LEN: usize = BRAND_MAX_LEN + ENV_LEN + 2 + BODY_LEN;
/// A regex (for the `regex` crate) whose full matches are exactly the tokens that pass every
/// check of [`KeyFormat::check_any_brand`] except the checksum. Secret scanners use it to find
/// candidates (bounded by bytes outside `[0-9A-Za-z_]`), then confirm them with
/// [`KeyFormat::check_any_brand`].
pub const CANDIDATE_PATTERN: &str = r"[a-z][a-z0-9]{1,15}_(?:live|test)_[0-9A-Za-z]{50}";
/// The brand of [`KeyFormat::default`].
pub const DEFAULT_BRAND: &str = "lg";

/// Whether a key works against production (`live`) or test data (`test`).
///
/// The environment is part of the token, so a test key pasted into production is rejected
/// before any lookup (see [`KeyManager::accept_environments`](super::KeyManager::accept_environments)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Environment {
    /// Production keys: `<brand>_live_…`.
    Live,
    /// Test keys: `<brand>_test_…`.
    Test,
}

impl Environment {
    /// The word used in the token and in serde: `"live"` or `"test"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Environment::Live => "live",
            Environment::Test => "test",
        }
    }

    fn from_bytes(b: &[u8]) -> Option<Environment> {
        match b {
            b"live" => Some(Environment::Live),
            b"test" => Some(Environment::Test),
            _ => None,
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The public part of a key: 12 Base62 characters that the host indexes its records by.
///
/// It is not secret (it is fine in logs and dashboards) and it is `Copy`: no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; KEY_ID_LEN]);

impl KeyId {
    /// Parses a key id: exactly 12 characters of `[0-9A-Za-z]`.
    pub fn parse(s: &str) -> Result<KeyId, FormatError> {
        let b = s.as_bytes();
        if b.len() != KEY_ID_LEN {
            return Err(FormatError::Length);
        }
        let mut out = [0u8; KEY_ID_LEN];
        for (o, &c) in out.iter_mut().zip(b) {
            if base62_value(c).is_none() {
                return Err(FormatError::Alphabet);
            }
            *o = c;
        }
        Ok(KeyId(out))
    }

    pub(crate) fn from_validated(b: [u8; KEY_ID_LEN]) -> KeyId {
        KeyId(b)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only Base62 bytes ever get in (see the constructors), so this is always valid UTF-8.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.as_str())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for KeyId {
    type Err = FormatError;
    fn from_str(s: &str) -> Result<KeyId, FormatError> {
        KeyId::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KeyId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for KeyId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyId, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        KeyId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a token is not a well-formed key. Checked in this order, before any lookup.
///
/// `Display` explains the rule that failed; it never quotes the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FormatError {
    /// The token does not start with `<brand>_<env>_`, where the brand is 2–16 bytes of
    /// `[a-z0-9]` starting with a letter.
    Prefix,
    /// The prefix is well formed but names another brand than the configured one.
    Brand,
    /// The environment word is neither `live` nor `test`.
    Environment,
    /// The environment is valid but this deployment does not accept it (e.g. a test key in
    /// production). Only [`KeyManager`](super::KeyManager) reports this.
    EnvironmentNotAccepted,
    /// The part after the prefix is not exactly 50 bytes long.
    Length,
    /// The part after the prefix contains a byte outside `[0-9A-Za-z]`.
    Alphabet,
    /// The last 6 characters are not the CRC-32 of everything before them.
    Checksum,
}

impl FormatError {
    /// A stable snake_case code: `bad_prefix`, `wrong_brand`, `bad_environment`,
    /// `environment_not_accepted`, `bad_length`, `bad_alphabet` or `bad_checksum`.
    pub const fn code(self) -> &'static str {
        match self {
            FormatError::Prefix => "bad_prefix",
            FormatError::Brand => "wrong_brand",
            FormatError::Environment => "bad_environment",
            FormatError::EnvironmentNotAccepted => "environment_not_accepted",
            FormatError::Length => "bad_length",
            FormatError::Alphabet => "bad_alphabet",
            FormatError::Checksum => "bad_checksum",
        }
    }

    /// A one-line human explanation of the rule that failed.
    pub const fn reason(self) -> &'static str {
        match self {
            FormatError::Prefix => {
                "does not start with `<brand>_<live|test>_` (brand: 2-16 of [a-z0-9], starting with a letter)"
            }
            FormatError::Brand => "brand is not the one this deployment issues",
            FormatError::Environment => "environment must be `live` or `test`",
            FormatError::EnvironmentNotAccepted => "environment is not accepted here",
            FormatError::Length => {
                "expected 50 characters after the prefix (12 key id + 32 secret + 6 checksum)"
            }
            FormatError::Alphabet => "contains a character outside base62 [0-9A-Za-z]",
            FormatError::Checksum => "checksum does not match (typo or not a real key)",
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.reason())
    }
}

impl std::error::Error for FormatError {}

/// A token that passed the format check. Borrows the presented token.
///
/// `Debug` shows brand, environment and key id, never the secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ParsedKey<'a> {
    token: &'a str,
    brand: &'a str,
    environment: Environment,
    key_id: KeyId,
}

impl<'a> ParsedKey<'a> {
    /// The brand, e.g. `"lg"`.
    pub fn brand(&self) -> &'a str {
        self.brand
    }

    /// `live` or `test`.
    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The public key id: what the host looks its record up by.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The whole token, secret included. Named so that a reviewer notices it.
    pub fn expose_token(&self) -> &'a str {
        self.token
    }
}

impl fmt::Debug for ParsedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedKey")
            .field("brand", &self.brand)
            .field("environment", &self.environment)
            .field("key_id", &self.key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// True for a valid brand: 2–16 bytes, `[a-z][a-z0-9]*`.
fn is_valid_brand(b: &[u8]) -> bool {
    match b.split_first() {
        Some((first, rest)) => {
            (BRAND_MIN_LEN..=BRAND_MAX_LEN).contains(&b.len())
                && first.is_ascii_lowercase()
                && rest
                    .iter()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        }
        None => false,
    }
}

/// A key format: the brand that starts every token.
///
/// # Token grammar
///
/// ```text
/// token    = brand "_" env "_" key_id secret checksum
/// brand    = [a-z] [a-z0-9]{1,15}          ; 2–16 bytes, configurable, default "lg"
/// env      = "live" / "test"
/// key_id   = base62{12}                    ; public, the host's lookup key
/// secret   = base62{32}                    ; ≈ 190 bits from the entropy source
/// checksum = base62{6}                     ; CRC-32/IEEE of every byte before it,
///                                          ; prefix included, zero-padded, big-endian digits
/// base62   = [0-9A-Za-z]                   ; value order 0-9, A-Z, a-z
/// ```
///
/// A token is 56 + brand length bytes long: [`MIN_TOKEN_LEN`] (58) to [`MAX_TOKEN_LEN`] (72);
/// with the default brand, 58. A regex that finds candidates for any brand is
/// [`CANDIDATE_PATTERN`], `[a-z][a-z0-9]{1,15}_(?:live|test)_[0-9A-Za-z]{50}` (bound it by
/// bytes outside `[0-9A-Za-z_]`); [`KeyFormat::check_any_brand`] then confirms the checksum
/// without allocating.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyFormat {
    // At most 16 ASCII bytes; kept inline so the format is cheap to clone.
    brand: [u8; BRAND_MAX_LEN],
    brand_len: u8,
}

impl Default for KeyFormat {
    /// The format with brand [`DEFAULT_BRAND`] (`"lg"`).
    fn default() -> KeyFormat {
        let mut brand = [0u8; BRAND_MAX_LEN];
        brand[..DEFAULT_BRAND.len()].copy_from_slice(DEFAULT_BRAND.as_bytes());
        KeyFormat {
            brand,
            brand_len: DEFAULT_BRAND.len() as u8,
        }
    }
}

impl fmt::Debug for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyFormat")
            .field("brand", &self.brand())
            .finish()
    }
}

impl KeyFormat {
    /// A format with the given brand: 2–16 bytes of `[a-z0-9]`, starting with a letter.
    pub fn new(brand: &str) -> Result<KeyFormat, KeyError> {
        let b = brand.as_bytes();
        if !is_valid_brand(b) {
            return Err(KeyError::brand());
        }
        let mut buf = [0u8; BRAND_MAX_LEN];
        buf.get_mut(..b.len())
            .ok_or_else(KeyError::brand)?
            .copy_from_slice(b);
        Ok(KeyFormat {
            brand: buf,
            brand_len: b.len() as u8,
        })
    }

    /// The configured brand.
    pub fn brand(&self) -> &str {
        let b = self
            .brand
            .get(..usize::from(self.brand_len))
            .unwrap_or_default();
        core::str::from_utf8(b).unwrap_or_default()
    }

    /// The length of every token of this format.
    pub fn token_len(&self) -> usize {
        usize::from(self.brand_len) + ENV_LEN + 2 + BODY_LEN
    }

    /// Checks `token` against this format: prefix, brand, environment, length, alphabet,
    /// checksum, in that order. No allocation, no panic, linear in at most 72 bytes whatever
    /// the input length.
    pub fn parse<'a>(&self, token: &'a str) -> Result<ParsedKey<'a>, FormatError> {
        let parsed = KeyFormat::check_any_brand(token);
        match parsed {
            // A well-formed prefix with another brand reports `Brand` before the other checks
            // that would only confuse the caller.
            Err(FormatError::Prefix) => Err(FormatError::Prefix),
            _ => {
                let brand = split_brand(token.as_bytes()).ok_or(FormatError::Prefix)?;
                if brand != self.brand().as_bytes() {
                    return Err(FormatError::Brand);
                }
                parsed
            }
        }
    }

    /// Checks `token` against the grammar above for **any** valid brand, checksum included.
    ///
    /// This is the function secret scanners use: a candidate that passes is a key of *some*
    /// lastgate deployment (false acceptance of random text is about 2^-32). No allocation,
    /// no panic on any input.
    pub fn check_any_brand(token: &str) -> Result<ParsedKey<'_>, FormatError> {
        let bytes = token.as_bytes();
        let brand = split_brand(bytes).ok_or(FormatError::Prefix)?;
        let rest = bytes.get(brand.len() + 1..).ok_or(FormatError::Prefix)?;
        // The environment word and its separator.
        let environment = match (rest.get(..ENV_LEN), rest.get(ENV_LEN)) {
            (Some(word), Some(b'_')) => Environment::from_bytes(word),
            _ => None,
        };
        let environment = match environment {
            Some(env) => env,
            None => {
                // `lg_prod_…` is a bad environment; `lg-whatever` is no prefix at all.
                let limit = rest.len().min(BRAND_MAX_LEN + 1);
                let has_sep = rest.get(..limit).is_some_and(|r| r.contains(&b'_'));
                return Err(if has_sep {
                    FormatError::Environment
                } else {
                    FormatError::Prefix
                });
            }
        };
        let prefix_len = brand.len() + 1 + ENV_LEN + 1;
        let body = bytes.get(prefix_len..).ok_or(FormatError::Length)?;
        if body.len() != BODY_LEN {
            return Err(FormatError::Length);
        }
        if !body.iter().all(|&b| base62_value(b).is_some()) {
            return Err(FormatError::Alphabet);
        }
        let split = bytes.len() - CHECKSUM_LEN;
        let (covered, check) = (
            bytes.get(..split).ok_or(FormatError::Length)?,
            bytes.get(split..).ok_or(FormatError::Length)?,
        );
        let expected = u64::from(checksum(covered));
        if decode_checksum(check) != Some(expected) {
            return Err(FormatError::Checksum);
        }
        let mut id = [0u8; KEY_ID_LEN];
        id.copy_from_slice(body.get(..KEY_ID_LEN).ok_or(FormatError::Length)?);
        let brand = token.get(..brand.len()).ok_or(FormatError::Prefix)?;
        Ok(ParsedKey {
            token,
            brand,
            environment,
            key_id: KeyId(id),
        })
    }
}

/// The brand bytes before the first `_`, if they form a valid brand.
fn split_brand(bytes: &[u8]) -> Option<&[u8]> {
    let limit = bytes.len().min(BRAND_MAX_LEN + 1);
    let head = bytes.get(..limit)?;
    let pos = head.iter().position(|&b| b == b'_')?;
    let brand = head.get(..pos)?;
    is_valid_brand(brand).then_some(brand)
}

/// Assembles a token from its parts into `out` (which is cleared first).
pub(crate) fn assemble(
    format: &KeyFormat,
    env: Environment,
    key_id: &[u8; KEY_ID_LEN],
    secret: &[u8; SECRET_LEN],
    out: &mut String,
) {
    out.clear();
    out.reserve_exact(format.token_len());
    out.push_str(format.brand());
    out.push('_');
    out.push_str(env.as_str());
    out.push('_');
    for &b in key_id.iter().chain(secret.iter()) {
        out.push(char::from(b));
    }
    let crc = encode_checksum(checksum(out.as_bytes()));
    for &b in &crc {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(brand: &str, env: Environment) -> String {
        let f = KeyFormat::new(brand).unwrap();
        let mut s = String::new();
        assemble(
            &f,
            env,
            b"AbCdEf012345",
            b"0123456789abcdefghijABCDEFGHIJxy",
            &mut s,
        );
        s
    }

    #[test]
    fn crc_check_value() {
        assert_eq!(checksum(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn checksum_roundtrip_edges() {
        for v in [0u32, 1, 61, 62, 0xCBF4_3926, u32::MAX] {
            let e = encode_checksum(v);
            assert_eq!(decode_checksum(&e), Some(u64::from(v)));
        }
        assert_eq!(&encode_checksum(0), b"000000");
        assert_eq!(&encode_checksum(61), b"00000z");
        assert_eq!(&encode_checksum(62), b"000010");
    }

    #[test]
    fn valid_tokens_parse() {
        let t = make("lg", Environment::Test);
        assert_eq!(t.len(), 58);
        assert!(t.starts_with("lg_test_AbCdEf012345"));
        let p = KeyFormat::default().parse(&t).unwrap();
        assert_eq!(p.brand(), "lg");
        assert_eq!(p.environment(), Environment::Test);
        assert_eq!(p.key_id().as_str(), "AbCdEf012345");
        let long = make("abcdefghij012345", Environment::Live);
        assert_eq!(long.len(), MAX_TOKEN_LEN);
        assert!(KeyFormat::check_any_brand(&long).is_ok());
    }

    #[test]
    fn errors_in_order() {
        let f = KeyFormat::default();
        let t = make("lg", Environment::Live);
        let cases: &[(&str, FormatError)] = &[
            ("", FormatError::Prefix),
            ("_", FormatError::Prefix),
            ("lg", FormatError::Prefix),
            ("lg_", FormatError::Prefix),
            ("Lg_live_x", FormatError::Prefix),
            ("1g_live_x", FormatError::Prefix),
            ("l_live_x", FormatError::Prefix),
            ("lgabcdefghijklmnop_live_x", FormatError::Prefix),
            ("lg_prod_x", FormatError::Environment),
            ("lg_staging_x", FormatError::Environment),
            ("lg_livex", FormatError::Prefix),
            ("lg_live_", FormatError::Length),
            ("lg_live_abc", FormatError::Length),
            ("xx_live_abc", FormatError::Brand),
        ];
        for (s, e) in cases {
            assert_eq!(f.parse(s).unwrap_err(), *e, "{s:?}");
        }
        let mut bad = t.clone().into_bytes();
        bad[20] = b'-';
        assert_eq!(
            f.parse(core::str::from_utf8(&bad).unwrap()).unwrap_err(),
            FormatError::Alphabet
        );
        let mut bad = t.clone().into_bytes();
        bad[20] = if bad[20] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            f.parse(core::str::from_utf8(&bad).unwrap()).unwrap_err(),
            FormatError::Checksum
        );
        // The same key under another brand: the checksum covers the brand.
        let other = t.replacen("lg_", "lh_", 1);
        assert_eq!(
            KeyFormat::check_any_brand(&other).unwrap_err(),
            FormatError::Checksum
        );
        assert_eq!(f.parse(&other).unwrap_err(), FormatError::Brand);
    }

    #[test]
    fn checksum_above_u32_is_rejected() {
        let t = make("lg", Environment::Live);
        let bad = format!("{}zzzzzz", &t[..t.len() - 6]);
        assert_eq!(
            KeyFormat::default().parse(&bad).unwrap_err(),
            FormatError::Checksum
        );
    }

    #[test]
    fn multibyte_and_huge_inputs_do_not_panic() {
        let f = KeyFormat::default();
        for s in [
            "é",
            "lg_é",
            "lg_liveé",
            "lg_live_é",
            "ü_live_",
            "lg_test_ééééé",
        ] {
            assert!(f.parse(s).is_err());
        }
        let huge = "lg_live_".to_string() + &"a".repeat(1 << 20);
        assert_eq!(f.parse(&huge).unwrap_err(), FormatError::Length);
    }

    #[test]
    fn brand_rules() {
        for ok in ["lg", "lgw", "acme2", "abcdefghij012345"] {
            assert!(KeyFormat::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "l", "LG", "2lg", "l_g", "l-g", "abcdefghij0123456", "é"] {
            assert!(KeyFormat::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_id_parse() {
        assert!(KeyId::parse("AbCdEf012345").is_ok());
        assert_eq!(
            KeyId::parse("AbCdEf01234").unwrap_err(),
            FormatError::Length
        );
        assert_eq!(
            KeyId::parse("AbCdEf01234_").unwrap_err(),
            FormatError::Alphabet
        );
    }
}
