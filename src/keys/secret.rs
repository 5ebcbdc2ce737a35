//! Secret material: [`PlaintextKey`], [`Pepper`], [`PepperSet`] and the stored [`KeyDigest`].

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use super::error::KeyError;
use super::format::KeyId;

/// Domain separation: the digest of a key is `HMAC-SHA256(pepper, DOMAIN || token)`.
const DOMAIN: &[u8] = b"lastgate/keys/v1\n";

/// Minimum pepper length in bytes.
pub const MIN_PEPPER_LEN: usize = 32;

/// A freshly issued key, in clear. Shown to the user once; the host stores only the
/// [`KeyRecord`](super::KeyRecord).
///
/// The buffer is zeroized on drop. There is no `Display`, no `Clone`, and `Debug` prints only
/// the key id; read the key with [`PlaintextKey::expose_secret`].
pub struct PlaintextKey {
    key_id: KeyId,
    token: Zeroizing<String>,
}

impl PlaintextKey {
    pub(crate) fn new(key_id: KeyId, token: Zeroizing<String>) -> PlaintextKey {
        PlaintextKey { key_id, token }
    }

    /// The whole key, to hand to the user exactly once.
    pub fn expose_secret(&self) -> &str {
        &self.token
    }

    /// The public key id inside it.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }
}

impl fmt::Debug for PlaintextKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlaintextKey")
            .field("key_id", &self.key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A versioned server-side secret that keys the stored digests (OWASP "pepper"). Keep it out of
/// the database that holds the records (a vault, a KMS, the environment).
///
/// Zeroized on drop; `Debug` prints the version only.
#[derive(Clone)]
pub struct Pepper {
    version: u32,
    secret: Zeroizing<Vec<u8>>,
}

impl Pepper {
    /// A pepper of at least [`MIN_PEPPER_LEN`] (32) bytes, e.g. 32 random bytes.
    pub fn new(version: u32, secret: &[u8]) -> Result<Pepper, KeyError> {
        if secret.len() < MIN_PEPPER_LEN {
            return Err(KeyError::pepper_too_short());
        }
        Ok(Pepper {
            version,
            secret: Zeroizing::new(secret.to_vec()),
        })
    }

    /// Its version, stored beside every digest made with it.
    pub fn version(&self) -> u32 {
        self.version
    }

    fn digest(&self, token: &[u8]) -> KeyDigest {
        // HMAC accepts keys of any length, so this never fails; the fallback keeps the code
        // panic-free anyway and yields a digest that matches nothing real.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            return KeyDigest([0u8; 32]);
        };
        mac.update(DOMAIN);
        mac.update(token);
        let mut out = [0u8; 32];
        out.copy_from_slice(&mac.finalize().into_bytes());
        KeyDigest(out)
    }
}

impl fmt::Debug for Pepper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pepper")
            .field("version", &self.version)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The current pepper (new digests) and older ones (verification only; a match under an old
/// version asks the host to re-digest, see [`Effect::Redigest`](super::Effect::Redigest)).
#[derive(Clone, Debug)]
pub struct PepperSet {
    current: Pepper,
    previous: Vec<Pepper>,
}

impl PepperSet {
    /// A set whose current pepper is `current`.
    pub fn new(current: Pepper) -> PepperSet {
        PepperSet {
            current,
            previous: Vec::new(),
        }
    }

    /// Adds an older pepper, still accepted for verification. Versions must be distinct.
    pub fn with_previous(mut self, pepper: Pepper) -> Result<PepperSet, KeyError> {
        if self.get(pepper.version).is_some() {
            return Err(KeyError::duplicate_pepper(pepper.version));
        }
        self.previous.push(pepper);
        Ok(self)
    }

    /// The version new digests are made with.
    pub fn current_version(&self) -> u32 {
        self.current.version
    }

    /// The pepper with this version, if the set has it.
    pub fn get(&self, version: u32) -> Option<&Pepper> {
        if self.current.version == version {
            return Some(&self.current);
        }
        self.previous.iter().find(|p| p.version == version)
    }

    pub(crate) fn current(&self) -> &Pepper {
        &self.current
    }

    /// Digest of `token` under the current pepper.
    pub(crate) fn digest_current(&self, token: &str) -> KeyDigest {
        self.current.digest(token.as_bytes())
    }

    /// Digest of `token` under `pepper`.
    pub(crate) fn digest_with(pepper: &Pepper, token: &str) -> KeyDigest {
        pepper.digest(token.as_bytes())
    }
}

/// HMAC-SHA256 of a key under a pepper: what the host stores instead of the key.
///
/// Compared in constant time; `Debug` does not print it. Serialized (feature `serde`) as 64
/// lower-case hex characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyDigest(pub(crate) [u8; 32]);

impl KeyDigest {
    /// The raw 32 bytes, for hosts that store binary columns.
    pub fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// From raw bytes (as returned by [`KeyDigest::to_bytes`]).
    pub fn from_bytes(bytes: [u8; 32]) -> KeyDigest {
        KeyDigest(bytes)
    }

    /// 64 lower-case hex characters.
    pub fn to_hex(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }

    /// Parses 64 hex characters (either case).
    pub fn from_hex(s: &str) -> Option<KeyDigest> {
        let b = s.as_bytes();
        if b.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
            let hi = (*pair.first()? as char).to_digit(16)?;
            let lo = (*pair.get(1)? as char).to_digit(16)?;
            *o = (hi * 16 + lo) as u8;
        }
        Some(KeyDigest(out))
    }

    pub(crate) fn ct_eq(&self, other: &KeyDigest) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl Zeroize for KeyDigest {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for KeyDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyDigest(<redacted>)")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KeyDigest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for KeyDigest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyDigest, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        KeyDigest::from_hex(&s)
            .ok_or_else(|| serde::de::Error::custom("a key digest is 64 hex characters"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pepper_rules() {
        assert!(Pepper::new(1, &[0u8; 31]).is_err());
        let p = Pepper::new(1, &[7u8; 32]).unwrap();
        let set = PepperSet::new(p.clone());
        assert!(set.clone().with_previous(p).is_err());
        let set = set
            .with_previous(Pepper::new(0, &[8u8; 40]).unwrap())
            .unwrap();
        assert_eq!(set.current_version(), 1);
        assert!(set.get(0).is_some() && set.get(2).is_none());
        assert!(!format!("{set:?}").contains('7'));
    }

    #[test]
    fn digest_depends_on_pepper_and_token() {
        let a = Pepper::new(1, &[1u8; 32]).unwrap();
        let b = Pepper::new(2, &[2u8; 32]).unwrap();
        let da = PepperSet::digest_with(&a, "lg_test_x");
        assert_ne!(da, PepperSet::digest_with(&b, "lg_test_x"));
        assert_ne!(da, PepperSet::digest_with(&a, "lg_test_y"));
        assert_eq!(da, PepperSet::digest_with(&a, "lg_test_x"));
        assert!(bool::from(da.ct_eq(&da)));
    }

    #[test]
    fn hex_roundtrip() {
        let d = KeyDigest([0xAB; 32]);
        assert_eq!(KeyDigest::from_hex(&d.to_hex()), Some(d));
        assert_eq!(KeyDigest::from_hex(&d.to_hex().to_uppercase()), Some(d));
        assert_eq!(KeyDigest::from_hex("ab"), None);
        assert_eq!(KeyDigest::from_hex(&"g".repeat(64)), None);
        assert_eq!(KeyDigest::from_hex(&"é".repeat(32)), None);
        assert_eq!(format!("{d:?}"), "KeyDigest(<redacted>)");
    }
}
