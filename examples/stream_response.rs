//! A scripted model response streamed in small chunks and restored live.
//!
//! ```text
//! cargo run --example stream_response
//! ```
//!
//! The prompt is scrubbed with pseudonyms (here through the streaming scrubber, as an upload
//! would arrive); the "model" then answers with placeholders, cut into 1–7 byte pieces so that
//! placeholders are split across chunks. The restorer prints each piece as soon as it is final:
//! it only ever holds back a partial `[…` that may still become a placeholder.

use std::io::Write;

use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::stream::{StreamRestorer, StreamScrubber};
use lastgate::Scanner;

fn main() {
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .default(Action::Pseudonymize)
        .build()
        .expect("a valid policy");
    let mut vault = Vault::new(VaultKey::new([0x33; 32]));

    let prompt = "Write a short note to ann.lee@example.org and cc raj@example.net \
                  about the invoice; ann.lee@example.org is the owner.";
    let mut scrubbed = String::new();
    {
        let mut s = StreamScrubber::new(&scanner, &policy, Some(&mut vault));
        for piece in prompt.as_bytes().chunks(5) {
            // ASCII prompt: every 5-byte piece is valid UTF-8.
            scrubbed.push_str(&s.push(std::str::from_utf8(piece).unwrap_or_default()));
        }
        scrubbed.push_str(&s.finish());
    }
    println!("prompt sent to the model:\n  {scrubbed}\n");

    let scripted = "Dear [EMAIL_1],\n\nas discussed with [EMAIL_2], the invoice is attached. \
                    Placeholders the vault never issued stay as they are: [EMAIL_3], [EMAIL_10].\n";
    println!("model stream, restored live (chunk boundaries shown as |):");
    let mut r = StreamRestorer::new(&vault);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let sizes = [3usize, 1, 7, 2, 5, 4, 6];
    let mut i = 0;
    let mut k = 0;
    let mut restored = String::new();
    while i < scripted.len() {
        let j = (i + sizes[k % sizes.len()]).min(scripted.len());
        k += 1;
        let piece = r.push(&scripted[i..j]);
        let _ = write!(out, "{piece}|");
        restored.push_str(&piece);
        i = j;
    }
    let tail = r.finish();
    let _ = writeln!(out, "{tail}");
    restored.push_str(&tail);
    assert_eq!(restored, vault.restore(scripted));
    println!("\nfinal text:\n{restored}");
}
