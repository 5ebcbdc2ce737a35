//! Pure checksum and structure functions: no regex, no allocation, no panic on any input.
//!
//! Detectors use them to confirm what a pattern proposes. They are public because hosts often
//! want the same checks on values they already hold (a card number typed into a form, an IBAN in
//! a database column).
//!
//! ```
//! use lastgate::validate;
//!
//! assert!(validate::luhn("4111 1111 1111 1111"));
//! assert!(validate::iban("GB82 WEST 1234 5698 7654 32"));
//! assert!(validate::aba_routing("011000015"));
//! assert!(!validate::us_ssn("078-05-1120")); // the famous Woolworth wallet number
//! ```

/// Iterates over the ASCII digits of `s` as values, skipping everything else.
fn digit_values(s: &str) -> impl DoubleEndedIterator<Item = u32> + '_ {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| u32::from(b - b'0'))
}

/// Luhn (mod 10) check over the ASCII digits of `s`; other characters are ignored. False when
/// there are fewer than two digits.
pub fn luhn(s: &str) -> bool {
    luhn_values(digit_values(s))
}

/// Luhn over digit values (0-9), most significant first: the one implementation that
/// [`luhn`], [`npi`] and the card detector share. False with fewer than two digits.
pub(crate) fn luhn_values<I>(digits: I) -> bool
where
    I: DoubleEndedIterator<Item = u32>,
{
    let mut sum = 0u32;
    let mut n = 0usize;
    for (i, d) in digits.rev().enumerate() {
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 {
                x - 9
            } else {
                x
            }
        } else {
            d
        };
        n += 1;
    }
    n >= 2 && sum.is_multiple_of(10)
}

/// Expected IBAN length by country (ISO 13616 registry, SWIFT release 2024).
fn iban_length(cc: [u8; 2]) -> Option<usize> {
    Some(match &cc {
        b"AD" => 24,
        b"AE" => 23,
        b"AL" => 28,
        b"AT" => 20,
        b"AZ" => 28,
        b"BA" => 20,
        b"BE" => 16,
        b"BG" => 22,
        b"BH" => 22,
        b"BI" => 27,
        b"BR" => 29,
        b"BY" => 28,
        b"CH" => 21,
        b"CR" => 22,
        b"CY" => 28,
        b"CZ" => 24,
        b"DE" => 22,
        b"DJ" => 27,
        b"DK" => 18,
        b"DO" => 28,
        b"EE" => 20,
        b"EG" => 29,
        b"ES" => 24,
        b"FI" => 18,
        b"FK" => 18,
        b"FO" => 18,
        b"FR" => 27,
        b"GB" => 22,
        b"GE" => 22,
        b"GI" => 23,
        b"GL" => 18,
        b"GR" => 27,
        b"GT" => 28,
        b"HN" => 28,
        b"HR" => 21,
        b"HU" => 28,
        b"IE" => 22,
        b"IL" => 23,
        b"IQ" => 23,
        b"IS" => 26,
        b"IT" => 27,
        b"JO" => 30,
        b"KW" => 30,
        b"KZ" => 20,
        b"LB" => 28,
        b"LC" => 32,
        b"LI" => 21,
        b"LT" => 20,
        b"LU" => 20,
        b"LV" => 21,
        b"LY" => 25,
        b"MC" => 27,
        b"MD" => 24,
        b"ME" => 22,
        b"MK" => 19,
        b"MN" => 20,
        b"MR" => 27,
        b"MT" => 31,
        b"MU" => 30,
        b"NI" => 28,
        b"NL" => 18,
        b"NO" => 15,
        b"OM" => 23,
        b"PK" => 24,
        b"PL" => 28,
        b"PS" => 29,
        b"PT" => 25,
        b"QA" => 29,
        b"RO" => 24,
        b"RS" => 22,
        b"RU" => 33,
        b"SA" => 24,
        b"SC" => 31,
        b"SD" => 18,
        b"SE" => 24,
        b"SI" => 19,
        b"SK" => 24,
        b"SM" => 27,
        b"SO" => 23,
        b"ST" => 25,
        b"SV" => 28,
        b"TL" => 23,
        b"TN" => 24,
        b"TR" => 26,
        b"UA" => 29,
        b"VA" => 22,
        b"VG" => 24,
        b"XK" => 20,
        b"YE" => 30,
        _ => return None,
    })
}

/// IBAN check: known country, the national length, alphanumeric body, mod-97 == 1. Spaces and
/// dashes between characters are ignored; letters may be lower case.
pub fn iban(s: &str) -> bool {
    let mut buf = [0u8; 34];
    let mut n = 0;
    for b in s.bytes() {
        match b {
            b' ' | b'-' => continue,
            b if b.is_ascii_alphanumeric() => {
                if n == buf.len() {
                    return false;
                }
                buf[n] = b.to_ascii_uppercase();
                n += 1;
            }
            _ => return false,
        }
    }
    if n < 15 {
        return false;
    }
    let cc = [buf[0], buf[1]];
    if !cc.iter().all(u8::is_ascii_uppercase)
        || !buf[2].is_ascii_digit()
        || !buf[3].is_ascii_digit()
    {
        return false;
    }
    if iban_length(cc) != Some(n) {
        return false;
    }
    // Rotate the first four characters to the end and reduce mod 97 on the fly.
    let mut rem = 0u32;
    for &b in buf[4..n].iter().chain(buf[..4].iter()) {
        if b.is_ascii_digit() {
            rem = (rem * 10 + u32::from(b - b'0')) % 97;
        } else {
            let v = u32::from(b - b'A') + 10;
            rem = (rem * 100 + v) % 97;
        }
    }
    rem == 1
}

/// Collects exactly `N` ASCII digits from `s`, ignoring spaces and dashes; `None` otherwise.
fn exact_digits<const N: usize>(s: &str) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    let mut n = 0;
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => {
                if n == N {
                    return None;
                }
                out[n] = b - b'0';
                n += 1;
            }
            b' ' | b'-' => {}
            _ => return None,
        }
    }
    (n == N).then_some(out)
}

/// US ABA routing number: nine digits, a valid Federal Reserve prefix and the 3-7-1 checksum.
pub fn aba_routing(s: &str) -> bool {
    let Some(d) = exact_digits::<9>(s) else {
        return false;
    };
    let prefix = d[0] * 10 + d[1];
    let prefix_ok = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let sum: u32 = d
        .iter()
        .zip([3u32, 7, 1, 3, 7, 1, 3, 7, 1])
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    prefix_ok && sum.is_multiple_of(10) && d.iter().any(|&x| x != 0)
}

/// US National Provider Identifier: ten digits starting with 1 or 2, Luhn over `80840` + the
/// number.
pub fn npi(s: &str) -> bool {
    let Some(d) = exact_digits::<10>(s) else {
        return false;
    };
    if d[0] != 1 && d[0] != 2 {
        return false;
    }
    // Luhn of "80840" followed by the ten digits.
    luhn_values(
        [8u8, 0, 8, 4, 0]
            .iter()
            .chain(d.iter())
            .map(|&x| u32::from(x)),
    )
}

/// US DEA registration number: two letters (registrant type, then the registrant's initial or
/// `9`) and seven digits whose last is the checksum `(d1+d3+d5 + 2*(d2+d4+d6)) % 10`.
pub fn dea(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let t = b[0].to_ascii_uppercase();
    // Registrant types in use: A B C D E F G H J K L M P R S T U X.
    if !b"ABCDEFGHJKLMPRSTUX".contains(&t) {
        return false;
    }
    if !(b[1].is_ascii_alphabetic() || b[1] == b'9') {
        return false;
    }
    let Some(d) = exact_digits::<7>(s.get(2..).unwrap_or("")) else {
        return false;
    };
    let sum = u32::from(d[0] + d[2] + d[4]) + 2 * u32::from(d[1] + d[3] + d[5]);
    sum % 10 == u32::from(d[6])
}

/// US Social Security number rules (SSA): nine digits (dashes or spaces allowed), area not
/// 000, 666 or 900-999, group not 00, serial not 0000, and none of the numbers the SSA or
/// advertisers made public (078-05-1120, 219-09-9999, 123-45-6789).
pub fn us_ssn(s: &str) -> bool {
    let Some(d) = exact_digits::<9>(s) else {
        return false;
    };
    let area = u32::from(d[0]) * 100 + u32::from(d[1]) * 10 + u32::from(d[2]);
    let group = u32::from(d[3]) * 10 + u32::from(d[4]);
    let serial =
        u32::from(d[5]) * 1000 + u32::from(d[6]) * 100 + u32::from(d[7]) * 10 + u32::from(d[8]);
    if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
        return false;
    }
    let n = area * 1_000_000 + group * 10_000 + serial;
    // Publicly known or test numbers, and one-digit repeats such as 111-11-1111.
    let repeated = d.iter().all(|&x| x == d[0]);
    !repeated && !matches!(n, 78_051_120 | 219_099_999 | 123_456_789)
}

/// US ITIN: nine digits starting with 9, the fourth and fifth digits in 50-65, 70-88, 90-92 or
/// 94-99.
pub fn us_itin(s: &str) -> bool {
    let Some(d) = exact_digits::<9>(s) else {
        return false;
    };
    let mid = d[3] * 10 + d[4];
    d[0] == 9 && matches!(mid, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

/// Shannon entropy of the bytes of `s`, in bits per byte (0 for an empty string).
pub fn shannon_entropy(s: &str) -> f64 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &x in b {
        counts[usize::from(x)] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

// -- validate: secrets --
mod secrets;
pub use secrets::{github_token_checksum, jwt, looks_random, pem_private_key_label};

// -- validate: pii/phi/financial --

/// The national IBAN length for a two-letter country code (either case), or `None` when the
/// country does not use IBANs.
///
/// ```
/// assert_eq!(lastgate::validate::iban_length_for("GB"), Some(22));
/// assert_eq!(lastgate::validate::iban_length_for("us"), None);
/// ```
pub fn iban_length_for(country: &str) -> Option<usize> {
    let b = country.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    iban_length([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn luhn_known() {
        assert!(luhn("4111111111111111"));
        assert!(luhn("5500-0000-0000-0004"));
        assert!(luhn("378282246310005"));
        assert!(!luhn("4111111111111112"));
        assert!(!luhn("0"));
        assert!(!luhn(""));
    }

    proptest! {
        #[test]
        fn luhn_agrees_with_luhn_crate(digits in "[0-9]{2,24}") {
            prop_assert_eq!(luhn(&digits), ::luhn::valid(&digits));
        }

        #[test]
        fn validators_never_panic(s in "\\PC{0,40}") {
            let _ = (luhn(&s), iban(&s), aba_routing(&s), npi(&s), dea(&s), us_ssn(&s), us_itin(&s));
            let e = shannon_entropy(&s);
            prop_assert!((0.0..=8.0).contains(&e));
        }
    }

    #[test]
    fn iban_known() {
        assert!(iban("GB82WEST12345698765432"));
        assert!(iban("DE89 3704 0044 0532 0130 00"));
        assert!(iban("fr1420041010050500013m02606"));
        assert!(iban("NO9386011117947"));
        assert!(!iban("GB82WEST12345698765433"));
        assert!(!iban("DE89 3704 0044 0532 0130 0"));
        assert!(!iban("XX82WEST12345698765432"));
        assert!(!iban("GB82WEST1234569876543€"));
    }

    #[test]
    fn aba_known() {
        assert!(aba_routing("011000015"));
        assert!(aba_routing("121000358"));
        assert!(aba_routing("0110-0001-5"));
        assert!(!aba_routing("011000016"));
        assert!(!aba_routing("000000000"));
        assert!(!aba_routing("991000015"));
    }

    #[test]
    fn npi_known() {
        assert!(npi("1234567893"));
        assert!(npi("1245319599"));
        assert!(!npi("1234567890"));
        assert!(!npi("3234567893"));
    }

    #[test]
    fn dea_known() {
        assert!(dea("AB1234563"));
        assert!(dea("BJ6125341"));
        assert!(!dea("AB1234564"));
        assert!(!dea("ZB1234563"));
        assert!(!dea("AB123456"));
    }

    #[test]
    fn ssn_rules() {
        assert!(us_ssn("536-22-1234"));
        assert!(us_ssn("536221234"));
        assert!(!us_ssn("000-12-3456"));
        assert!(!us_ssn("666-12-3456"));
        assert!(!us_ssn("912-12-3456"));
        assert!(!us_ssn("536-00-1234"));
        assert!(!us_ssn("536-22-0000"));
        assert!(!us_ssn("078-05-1120"));
        assert!(!us_ssn("123-45-6789"));
        assert!(!us_ssn("111-11-1111"));
    }

    #[test]
    fn itin_rules() {
        assert!(us_itin("912-70-1234"));
        assert!(us_itin("900-50-1234"));
        assert!(!us_itin("912-40-1234"));
        assert!(!us_itin("812-70-1234"));
    }

    #[test]
    fn entropy() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
