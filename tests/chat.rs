//! Chat bodies: scrubbing never changes a non-text field; pseudonymize then restore gives the
//! original texts back; malformed bodies are refused untouched.
#![cfg(feature = "json")]

mod common;

use common::text;
use lastgate::chat::{restore_response, scrub_request};
use lastgate::policy::{Action, Policy};
use lastgate::pseudonymize::{Vault, VaultKey};
use lastgate::Scanner;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Blanks every documented text field (string leaves of tool inputs and arguments included), so
/// that what remains is exactly the non-text part of the body.
fn blank_texts(body: &Value) -> Value {
    fn leaves(v: &mut Value) {
        match v {
            Value::String(s) => s.clear(),
            Value::Array(a) => a.iter_mut().for_each(leaves),
            Value::Object(o) => o.values_mut().for_each(leaves),
            _ => {}
        }
    }
    fn content(c: &mut Value) {
        match c {
            Value::String(s) => s.clear(),
            Value::Array(parts) => {
                for p in parts {
                    let ty = p["type"].as_str().unwrap_or("").to_string();
                    match ty.as_str() {
                        "text" | "input_text" => {
                            p["text"] = json!("");
                        }
                        "tool_use" => leaves(&mut p["input"]),
                        "tool_result" => content(&mut p["content"]),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    fn args(a: &mut Value) {
        if let Some(s) = a.as_str() {
            let mut v: Value = serde_json::from_str(s).unwrap();
            leaves(&mut v);
            *a = json!(serde_json::to_string(&v).unwrap());
        }
    }
    let mut b = body.clone();
    if b.get("system").is_some() {
        content(&mut b["system"]);
    }
    if let Some(ms) = b["messages"].as_array_mut() {
        for m in ms {
            content(&mut m["content"]);
            if let Some(calls) = m["tool_calls"].as_array_mut() {
                for c in calls {
                    args(&mut c["function"]["arguments"]);
                }
            }
        }
    }
    b
}

fn body(texts: Vec<String>, anthropic: bool) -> Value {
    let mut messages = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let secretish_meta = "meta ann@corp.example 4111 1111 1111 1111";
        let m = match (i % 4, anthropic) {
            (0, _) => json!({"role": "user", "content": t, "name": secretish_meta}),
            (1, false) => json!({"role": "user", "content": [
                {"type": "text", "text": t},
                {"type": "image_url", "image_url": {"url": format!("data:{secretish_meta}")}}
            ]}),
            (1, true) => json!({"role": "user", "content": [
                {"type": "text", "text": t, "cache_control": {"type": "ephemeral"}},
                {"type": "image", "source": {"type": "base64", "data": secretish_meta}}
            ]}),
            (2, false) => json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": secretish_meta, "type": "function", "function": {"name": "f",
                 "arguments": serde_json::to_string(&json!({"note": t, "n": i, "to": [t]})).unwrap()}}
            ]}),
            (2, true) => json!({"role": "assistant", "content": [
                {"type": "tool_use", "id": secretish_meta, "name": "f", "input": {"note": t, "n": i}}
            ]}),
            (_, false) => json!({"role": "tool", "tool_call_id": secretish_meta, "content": t}),
            (_, true) => json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": secretish_meta, "content": [{"type": "text", "text": t}]}
            ]}),
        };
        messages.push(m);
    }
    let mut b = json!({"model": "m", "temperature": 0.5, "metadata": {"user": "ann@corp.example"},
                       "messages": messages, "x_unknown": [1, "4111 1111 1111 1111"]});
    if anthropic {
        b["system"] = json!("system prompt for bob@corp.example");
    }
    b
}

proptest! {
    #![proptest_config(common::config(128))]

    #[test]
    fn scrubbing_never_changes_a_non_text_field(texts in prop::collection::vec(text(25), 1..9), anthropic in any::<bool>()) {
        let s = Scanner::builtin();
        for p in [Policy::default(), Policy::builder().default(Action::Pseudonymize).build().unwrap()] {
            let original = body(texts.clone(), anthropic);
            let mut b = original.clone();
            let mut v = Vault::new(VaultKey::new([4; 32]));
            scrub_request(&mut b, &s, &p, &mut v).unwrap();
            prop_assert_eq!(blank_texts(&b), blank_texts(&original));
            // And with pseudonyms, restoring the scrubbed request gives the original back.
            if p.default_action() == Action::Pseudonymize {
                restore_response(&mut b, &v);
                prop_assert_eq!(&b, &original);
            }
        }
    }

    #[test]
    fn arbitrary_json_never_panics(j in "[\\[\\]{}\":,a-z0-9@. ]{0,200}") {
        let s = Scanner::builtin();
        let p = Policy::default();
        if let Ok(mut v) = serde_json::from_str::<Value>(&j) {
            let before = v.clone();
            let mut vault = Vault::new(VaultKey::new([4; 32]));
            if scrub_request(&mut v, &s, &p, &mut vault).is_err() {
                prop_assert_eq!(v, before);
            }
        }
    }
}

#[test]
fn openai_parts_and_findings_pointers() {
    let s = Scanner::builtin();
    let p = Policy::default();
    let mut v = Vault::new(VaultKey::new([4; 32]));
    let mut b = json!({"messages": [
        {"role": "system", "content": "be nice"},
        {"role": "user", "content": [{"type": "text", "text": "card 4111 1111 1111 1111"}]}
    ]});
    let out = scrub_request(&mut b, &s, &p, &mut v).unwrap();
    assert_eq!(b["messages"][1]["content"][0]["text"], "card [CREDIT_CARD]");
    assert!(out.verdict().is_blocked());
    assert_eq!(out.findings()[0].pointer, "/messages/1/content/0/text");
    assert_eq!(out.summary().findings, 1);
}
