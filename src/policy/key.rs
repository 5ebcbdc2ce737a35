//! Host keys: their own types, zeroized on drop, never printed.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

/// The shortest key material accepted, in bytes.
pub const MIN_KEY_LEN: usize = 16;

/// Why key material was refused. Never holds the key bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError {
    len: usize,
}

impl KeyError {
    /// The length of the refused key material, in bytes (always below [`MIN_KEY_LEN`]).
    pub fn provided_len(&self) -> usize {
        self.len
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "key material is {} bytes; at least {MIN_KEY_LEN} are required",
            self.len
        )
    }
}

impl std::error::Error for KeyError {}

macro_rules! secret_key {
    ($(#[$doc:meta])* $name:ident, $domain:literal) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            bytes: Vec<u8>,
        }

        impl $name {
            /// A key from 32 bytes of host key material.
            pub fn new(bytes: [u8; 32]) -> $name {
                let mut b = bytes;
                let k = $name { bytes: b.to_vec() };
                b.zeroize();
                k
            }

            /// A key from host key material of at least [`MIN_KEY_LEN`] bytes.
            pub fn from_slice(bytes: &[u8]) -> Result<$name, KeyError> {
                if bytes.len() < MIN_KEY_LEN {
                    return Err(KeyError { len: bytes.len() });
                }
                Ok($name { bytes: bytes.to_vec() })
            }

            /// A fresh random key from the operating system's entropy source.
            ///
            /// Fails only when the operating system cannot provide entropy.
            #[cfg(feature = "os-rng")]
            pub fn random() -> Result<$name, getrandom::Error> {
                let mut b = [0u8; 32];
                getrandom::getrandom(&mut b)?;
                Ok($name::new(b))
            }

            /// HMAC-SHA256 of `parts` (length-prefixed, domain-separated) under this key.
            pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; 32] {
                // `new_from_slice` accepts any key length for HMAC.
                let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes) {
                    Ok(m) => m,
                    Err(_) => unreachable_hmac(),
                };
                m.update($domain);
                for p in parts {
                    m.update(&(p.len() as u64).to_be_bytes());
                    m.update(p);
                }
                m.finalize().into_bytes().into()
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.bytes.zeroize();
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }
    };
}

/// HMAC accepts keys of any length, so this is never reached; it exists so that no `unwrap` or
/// `expect` sits on a key path.
#[cold]
fn unreachable_hmac() -> ! {
    unreachable!("HMAC-SHA256 accepts keys of every length")
}

secret_key!(
    /// The host key of the [`Action::Hash`](crate::policy::Action::Hash) action: tags are
    /// HMAC-SHA256 under this key, so they are stable for one key and useless to anyone without
    /// it (never plain SHA-256, which a dictionary of phone numbers or SSNs reverses).
    ///
    /// Zeroized on drop; `Debug` prints `HashKey(<redacted>)`; there is no `Display`.
    HashKey,
    b"lastgate/hash/v1\0"
);

secret_key!(
    /// The per-conversation key of a [`Vault`](crate::pseudonymize::Vault): values are looked
    /// up through an HMAC under this key. Keep one per conversation (or per tenant and session).
    ///
    /// Zeroized on drop; `Debug` prints `VaultKey(<redacted>)`; there is no `Display`.
    VaultKey,
    b"lastgate/vault/v1\0"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_short_keys_refused() {
        let k = HashKey::new([7u8; 32]);
        assert_eq!(format!("{k:?}"), "HashKey(<redacted>)");
        let v = VaultKey::from_slice(b"0123456789abcdef").unwrap();
        assert_eq!(format!("{v:?}"), "VaultKey(<redacted>)");
        let e = HashKey::from_slice(b"short").unwrap_err();
        assert_eq!(e.provided_len(), 5);
        assert!(e.to_string().contains("at least 16"));
    }

    #[test]
    fn macs_are_keyed_and_domain_separated() {
        let a = HashKey::new([1u8; 32]);
        let b = HashKey::new([2u8; 32]);
        let v = VaultKey::new([1u8; 32]);
        assert_ne!(a.mac(&[b"x"]), b.mac(&[b"x"]));
        assert_ne!(a.mac(&[b"x"]), v.mac(&[b"x"]));
        assert_eq!(a.mac(&[b"x"]), a.clone().mac(&[b"x"]));
        // Length prefixes: ("ab","c") and ("a","bc") differ.
        assert_ne!(a.mac(&[b"ab", b"c"]), a.mac(&[b"a", b"bc"]));
    }
}
