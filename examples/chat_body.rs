//! Scrub an OpenAI chat-completions request in place, then restore the model's answer.
//!
//! ```text
//! cargo run --example chat_body
//! ```
//!
//! Emails and phone numbers become vault placeholders (`[EMAIL_1]`), cards are masked, secrets
//! block the request; the tool-call arguments (JSON inside a string) are scrubbed leaf by leaf.
//! The findings carry JSON pointers and the summary holds no values.

use lastgate::chat;
use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::{Category, Kind, Scanner};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let scanner = Scanner::builtin();
    let policy = Policy::builder()
        .on(Category::Secret, Action::Block)
        .on(Kind::EMAIL, Action::Pseudonymize)
        .on(Kind::PHONE, Action::Pseudonymize)
        .on(Kind::CREDIT_CARD, Action::Mask { keep_last: 4 })
        .default(Action::Redact)
        .build()?;
    // One vault per conversation; a real host derives or stores the key per session.
    let mut vault = Vault::new(VaultKey::new([0x5a; 32]));

    let mut body = json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a billing assistant."},
            {"role": "user", "content": [
                {"type": "text", "text": "Refund maria.gonzalez@example-corp.com, card 4111 1111 1111 1111."},
                {"type": "image_url", "image_url": {"url": "https://example.com/receipt.png"}}
            ]},
            {"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "lookup_customer",
                             "arguments": "{\"email\":\"maria.gonzalez@example-corp.com\"}"}
            }]},
            {"role": "tool", "tool_call_id": "call_1",
             "content": "Found: Maria Gonzalez, maria.gonzalez@example-corp.com, plan Pro"}
        ]
    });

    println!(
        "request before:\n{}\n",
        serde_json::to_string_pretty(&body)?
    );
    let outcome = chat::scrub_request(&mut body, &scanner, &policy, &mut vault)?;
    println!("request after:\n{}\n", serde_json::to_string_pretty(&body)?);
    for f in outcome.findings() {
        println!(
            "  {} {} -> {} at {}{}",
            f.applied.kind,
            f.applied.detector,
            f.applied.action,
            f.pointer,
            f.inner
                .as_deref()
                .map(|i| format!(" (inside: {i})"))
                .unwrap_or_default()
        );
    }
    println!("verdict: {:?}", outcome.verdict());
    println!("summary: {}\n", serde_json::to_string(&outcome.summary())?);

    // The provider answers with placeholders; restore them before the user sees the answer.
    let mut response = json!({
        "id": "chatcmpl-1", "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant",
            "content": "I have issued the refund and will email [EMAIL_1] a receipt.",
            "tool_calls": [{"id": "call_2", "type": "function", "function": {
                "name": "send_receipt", "arguments": "{\"to\":\"[EMAIL_1]\",\"ref\":\"[EMAIL_7]\"}"}}]
        }}]
    });
    chat::restore_response(&mut response, &vault);
    println!(
        "response after restore:\n{}",
        serde_json::to_string_pretty(&response)?
    );
    Ok(())
}
