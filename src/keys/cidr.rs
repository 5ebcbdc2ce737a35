//! [`IpCidr`]: one entry of a key's IP allow-list, IPv4 or IPv6, with IPv4-mapped IPv6
//! addresses folded to IPv4 on both sides.

use core::fmt;
use core::str::FromStr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a CIDR string was rejected. `Display` never quotes the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CidrError {
    /// The address part is not an IPv4 or IPv6 address (std rules: no leading zeros in
    /// octets, no zone ids).
    Address,
    /// The prefix length is not a decimal number within 0..=32 (IPv4) or 0..=128 (IPv6).
    Prefix,
    /// Bits are set after the prefix (`10.1.2.3/8`): write the network address (`10.0.0.0/8`)
    /// or the bare address (`10.1.2.3`), so that a typo cannot silently widen the list.
    HostBits,
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CidrError::Address => "not an IPv4 or IPv6 address",
            CidrError::Prefix => "prefix length out of range",
            CidrError::HostBits => "host bits set after the prefix",
        })
    }
}

impl std::error::Error for CidrError {}

/// An IPv4 or IPv6 network, `addr/len`, as in `10.0.0.0/8` or `2001:db8::/32`.
///
/// - A bare address means a single host (`/32` or `/128`).
/// - IPv4-mapped IPv6 networks (`::ffff:10.0.0.0/104`) are stored as their IPv4 form
///   (`10.0.0.0/8`), and [`IpCidr::contains`] folds a mapped peer address
///   (`::ffff:10.1.2.3`) to IPv4 first, so dual-stack sockets match IPv4 rules.
/// - Host bits after the prefix are rejected ([`CidrError::HostBits`]).
///
/// Serialized (feature `serde`) as its canonical string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpCidr {
    addr: IpAddr,
    prefix: u8,
}

/// IPv4 addresses as IPv4, IPv4-mapped IPv6 addresses as IPv4, the rest unchanged.
pub(crate) fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

fn mask4(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0)
}

fn mask6(prefix: u8) -> u128 {
    u128::MAX
        .checked_shl(128 - u32::from(prefix.min(128)))
        .unwrap_or(0)
}

impl IpCidr {
    /// The network `addr/prefix`. Mapped IPv6 networks become IPv4 ones.
    pub fn new(addr: IpAddr, prefix: u8) -> Result<IpCidr, CidrError> {
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) => match (v6.to_ipv4_mapped(), prefix.checked_sub(96)) {
                (Some(v4), Some(p4)) => (IpAddr::V4(v4), p4),
                _ => (IpAddr::V6(v6), prefix),
            },
            v4 => (v4, prefix),
        };
        match addr {
            IpAddr::V4(v4) => {
                if prefix > 32 {
                    return Err(CidrError::Prefix);
                }
                if u32::from(v4) & !mask4(prefix) != 0 {
                    return Err(CidrError::HostBits);
                }
            }
            IpAddr::V6(v6) => {
                if prefix > 128 {
                    return Err(CidrError::Prefix);
                }
                if u128::from(v6) & !mask6(prefix) != 0 {
                    return Err(CidrError::HostBits);
                }
            }
        }
        Ok(IpCidr { addr, prefix })
    }

    /// A single host.
    pub fn host(addr: IpAddr) -> IpCidr {
        let addr = canonical_ip(addr);
        let prefix = if addr.is_ipv4() { 32 } else { 128 };
        IpCidr { addr, prefix }
    }

    /// The network address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The prefix length.
    pub fn prefix_len(&self) -> u8 {
        self.prefix
    }

    /// True when `ip` (after folding IPv4-mapped IPv6 to IPv4) lies in this network.
    /// IPv4 networks never contain IPv6 addresses and vice versa.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical_ip(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let m = mask4(self.prefix);
                u32::from(ip) & m == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let m = mask6(self.prefix);
                u128::from(ip) & m == u128::from(net)
            }
            _ => false,
        }
    }
}

impl FromStr for IpCidr {
    type Err = CidrError;

    fn from_str(s: &str) -> Result<IpCidr, CidrError> {
        match s.split_once('/') {
            None => s
                .parse::<IpAddr>()
                .map(IpCidr::host)
                .map_err(|_| CidrError::Address),
            Some((a, p)) => {
                let addr = a.parse::<IpAddr>().map_err(|_| CidrError::Address)?;
                // Plain decimal only: no sign, no spaces, at most 3 digits.
                if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(CidrError::Prefix);
                }
                let prefix = p.parse::<u8>().map_err(|_| CidrError::Prefix)?;
                IpCidr::new(addr, prefix)
            }
        }
    }
}

impl fmt::Display for IpCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl fmt::Debug for IpCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IpCidr({self})")
    }
}

impl From<Ipv4Addr> for IpCidr {
    fn from(a: Ipv4Addr) -> IpCidr {
        IpCidr::host(IpAddr::V4(a))
    }
}

impl From<Ipv6Addr> for IpCidr {
    fn from(a: Ipv6Addr) -> IpCidr {
        IpCidr::host(IpAddr::V6(a))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for IpCidr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for IpCidr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IpCidr, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> IpCidr {
        s.parse().unwrap()
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(c("10.0.0.0/8").to_string(), "10.0.0.0/8");
        assert_eq!(c("10.1.2.3").to_string(), "10.1.2.3/32");
        assert_eq!(c("2001:db8::/32").to_string(), "2001:db8::/32");
        assert_eq!(c("::1").to_string(), "::1/128");
        assert_eq!(c("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert_eq!(c("::/0").to_string(), "::/0");
        // Mapped networks and hosts fold to IPv4.
        assert_eq!(c("::ffff:10.0.0.0/104").to_string(), "10.0.0.0/8");
        assert_eq!(c("::ffff:10.1.2.3").to_string(), "10.1.2.3/32");
        // A mapped address with a prefix shorter than 96 stays IPv6 (it spans more than v4).
        assert_eq!(c("::/64").prefix_len(), 64);
    }

    #[test]
    fn rejects() {
        assert_eq!("10.1.2.3/8".parse::<IpCidr>(), Err(CidrError::HostBits));
        assert_eq!("2001:db8::1/32".parse::<IpCidr>(), Err(CidrError::HostBits));
        assert_eq!("10.0.0.0/33".parse::<IpCidr>(), Err(CidrError::Prefix));
        assert_eq!("::/129".parse::<IpCidr>(), Err(CidrError::Prefix));
        assert_eq!("10.0.0.0/".parse::<IpCidr>(), Err(CidrError::Prefix));
        assert_eq!("10.0.0.0/+8".parse::<IpCidr>(), Err(CidrError::Prefix));
        assert_eq!("10.0.0.0/0008".parse::<IpCidr>(), Err(CidrError::Prefix));
        assert_eq!("010.0.0.1".parse::<IpCidr>(), Err(CidrError::Address));
        assert_eq!("10.0.0".parse::<IpCidr>(), Err(CidrError::Address));
        assert_eq!("".parse::<IpCidr>(), Err(CidrError::Address));
        assert_eq!("fe80::1%eth0".parse::<IpCidr>(), Err(CidrError::Address));
        assert_eq!("10.0.0.0/8/8".parse::<IpCidr>(), Err(CidrError::Prefix));
    }

    #[test]
    fn contains() {
        let net = c("10.0.0.0/8");
        assert!(net.contains(ip("10.0.0.0")));
        assert!(net.contains(ip("10.255.255.255")));
        assert!(!net.contains(ip("11.0.0.0")));
        assert!(!net.contains(ip("9.255.255.255")));
        // IPv4-mapped peers match IPv4 rules (ipnet gets this wrong).
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("::ffff:11.1.2.3")));
        // Families never mix: 0.0.0.0/0 does not contain ::1, ::/0 does not contain 1.2.3.4.
        assert!(c("0.0.0.0/0").contains(ip("255.255.255.255")));
        assert!(!c("0.0.0.0/0").contains(ip("::1")));
        assert!(c("::/0").contains(ip("::1")));
        assert!(!c("::/0").contains(ip("1.2.3.4")));
        assert!(!c("::/0").contains(ip("::ffff:1.2.3.4")));
        let v6 = c("2001:db8::/32");
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(c("::1").contains(ip("::1")));
        assert!(!c("::1").contains(ip("::2")));
        assert!(c("192.168.1.7").contains(ip("192.168.1.7")));
        assert!(!c("192.168.1.7").contains(ip("192.168.1.6")));
        // Mapped network, IPv4 peer.
        assert!(c("::ffff:192.168.0.0/112").contains(ip("192.168.3.4")));
    }

    #[test]
    fn contains_matches_a_naive_oracle() {
        // Bit-by-bit comparison of the first `prefix` bits, for many prefixes.
        let base: u32 = 0xC0A8_0100;
        for prefix in 0..=32u8 {
            let net_addr = base & mask4(prefix);
            let net = IpCidr::new(IpAddr::V4(Ipv4Addr::from(net_addr)), prefix).unwrap();
            for probe in [
                0u32,
                base,
                base ^ 1,
                base ^ 0x8000_0000,
                u32::MAX,
                0x0A00_0001,
            ] {
                let naive = (0..prefix).all(|i| {
                    let bit = 31 - u32::from(i);
                    (probe >> bit) & 1 == (net_addr >> bit) & 1
                });
                assert_eq!(net.contains(IpAddr::V4(Ipv4Addr::from(probe))), naive);
            }
        }
    }
}
