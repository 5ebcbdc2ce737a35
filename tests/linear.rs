//! Worst-case inputs scan in linear time: a megabyte of each trigger repeated, and 100 MB of
//! prose. Time bounds are generous (the test profile is optimised, but CI machines are slow and
//! busy); a quadratic detector misses them by orders of magnitude.

use std::time::{Duration, Instant};

use lastgate::Scanner;

fn time_scan(label: &str, text: &str, limit: Duration) {
    let s = Scanner::builtin();
    let t0 = Instant::now();
    let n = s.scan(text).len();
    let el = t0.elapsed();
    println!("{label}: {} bytes, {n} findings, {el:?}", text.len());
    assert!(el < limit, "{label}: {el:?} exceeds {limit:?}");
}

const MB: usize = 1 << 20;

#[test]
fn repeated_triggers_scan_in_linear_time() {
    let limit = Duration::from_secs(5);
    for (label, unit) in [
        ("digits", "1"),
        ("digit-dash", "1-"),
        ("digit-dot", "1."),
        ("digit-space", "12 "),
        ("at", "@"),
        ("word-at", "a@"),
        ("email-ish", "ab.cd@ef.gh "),
        ("colons", "::"),
        ("hex-colon", "ab:"),
        ("pem", "-----BEGIN"),
        ("pem-line", "-----BEGIN RSA PRIVATE KEY-----\n"),
        ("jwt", "eyJ"),
        ("jwt-dot", "eyJhbGciOiJIUzI1NiJ9."),
        ("password", "password="),
        ("slack", "xoxb-"),
        ("url", "://"),
        ("aws", "AKIA"),
        ("sk", "sk-"),
        ("base64", "QUJD"),
        // X12: transaction-set headers and segments, HTML header-like cells.
        ("x12-st", "ST*837*1~"),
        (
            "x12-bpr",
            "ST*835*1~BPR*I*1*C*ACH*CCP*01*021000021*DA*12345678~",
        ),
        ("html-th", "<tr><th>dob</th>"),
        // Names in prose on one long line; JSON escapes; escaped CSV lines; C-CDA ids.
        ("password-spaced", "password "),
        ("password-for", "password for "),
        ("escapes", "\\n"),
        ("escaped-csv", "a,dob\\n1,2\\n"),
        (
            "cda-id",
            "<id extension=\"123456789\" root=\"2.16.840.1.113883.4.1\"/>",
        ),
        ("swift", ":59:/12345678\n"),
    ] {
        let text = unit.repeat(MB / unit.len());
        time_scan(label, &text, limit);
    }
}

#[test]
fn large_inputs_scan_in_linear_time() {
    let para = "Please review the Q3 report by 5:30pm and email jane.doe@example.org, \
                or call (415) 555-0132. Budget is $12,400.50 for 2024. ";
    let text = para.repeat(100 * MB / para.len());
    time_scan("100MB prose", &text, Duration::from_secs(60));
}
