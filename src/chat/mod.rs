//! Chat bodies (feature `json`): scrub requests and restore responses in place, for the formats
//! that cross an LLM gateway.
//!
//! ```
//! use lastgate::chat;
//! use lastgate::policy::{Action, Policy};
//! use lastgate::pseudonymize::{Vault, VaultKey};
//! use lastgate::Scanner;
//! use serde_json::json;
//!
//! let scanner = Scanner::builtin();
//! let policy = Policy::builder().default(Action::Pseudonymize).build()?;
//! let mut vault = Vault::new(VaultKey::new([5; 32]));
//!
//! let mut body = json!({
//!     "model": "gpt-4o",
//!     "messages": [
//!         {"role": "user", "content": "Write to ann@corp.example"},
//!         {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
//!             "function": {"name": "send", "arguments": "{\"to\":\"ann@corp.example\"}"}}]}
//!     ]
//! });
//! let out = chat::scrub_request(&mut body, &scanner, &policy, &mut vault)?;
//! assert_eq!(body["messages"][0]["content"], "Write to [EMAIL_1]");
//! assert_eq!(body["messages"][1]["tool_calls"][0]["function"]["arguments"], "{\"to\":\"[EMAIL_1]\"}");
//! assert_eq!(out.findings()[0].pointer, "/messages/0/content");
//!
//! let mut response = json!({"choices": [{"message": {"role": "assistant",
//!     "content": "Sent to [EMAIL_1]."}}]});
//! chat::restore_response(&mut response, &vault);
//! assert_eq!(response["choices"][0]["message"]["content"], "Sent to ann@corp.example.");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is scrubbed
//!
//! | format | fields |
//! |---|---|
//! | OpenAI chat completions | `messages[].content` (string, or parts of type `text` / `input_text` / `output_text`), `messages[].tool_calls[].function.arguments` and the legacy `function_call.arguments` (JSON inside a string: each string leaf is scrubbed and the JSON re-encoded only when something changed) |
//! | OpenAI Responses | `instructions`, `input` (a string, or items with `content` as above), `function_call` items' `arguments`, `function_call_output` items' `output` |
//! | Anthropic messages | `system` (string or text blocks), `messages[].content` (string or blocks): `text` blocks, `tool_use` `input` (every string leaf), `tool_result` `content` (string or blocks), `document` blocks with a `text` source (`source.data`) |
//!
//! Everything else (model, roles, ids, names, images, unknown fields and part types, object
//! keys, numbers) passes through untouched. String leaves inside tool arguments and `tool_use`
//! inputs are scanned with their key as context (`"ssn": "…"` is scanned as `ssn: …`), so key
//! names act as the context words they are.
//!
//! A body that does not have this shape (`messages` not an array, a content part that is not an
//! object, `arguments` that is not a string, …) is rejected with a [`ChatError`] naming the JSON
//! pointer, and the body and the vault are left unchanged: the check runs before any rewrite.
//!
//! [`restore_response`] restores every string in a response body (OpenAI, Responses and
//! Anthropic alike, including stream event payloads): JSON-in-string fields (`arguments`,
//! `partial_json`) get JSON-escaped values.

use std::fmt;

use serde_json::Value;

use crate::finding::Finding;
use crate::policy::{Acc, Applied, Policy, Summary, Verdict};
use crate::pseudonymize::Vault;
use crate::Scanner;

/// One action taken in a chat body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ChatFinding {
    /// JSON pointer (RFC 6901) to the string that held the value.
    pub pointer: String,
    /// For JSON inside that string (tool-call `arguments`), the pointer within it.
    pub inner: Option<String>,
    /// What was found and done; spans are byte offsets in the decoded string (the inner string
    /// leaf when `inner` is set), before and after the rewrite.
    pub applied: Applied,
}

/// The result of [`scrub_request`].
#[derive(Clone, Debug, Default)]
pub struct ChatOutcome {
    findings: Vec<ChatFinding>,
    acc: Acc,
}

impl ChatOutcome {
    /// Every action, in document order.
    pub fn findings(&self) -> &[ChatFinding] {
        &self.findings
    }

    /// Allowed or blocked (with the kinds and counts that caused it).
    pub fn verdict(&self) -> Verdict {
        self.acc.verdict()
    }

    /// Counts without values.
    pub fn summary(&self) -> Summary {
        self.acc.summary()
    }
}

/// Why a body was refused: where and what. Never holds body text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatError {
    pointer: String,
    reason: &'static str,
}

impl ChatError {
    fn new(pointer: &str, reason: &'static str) -> ChatError {
        ChatError {
            pointer: pointer.to_string(),
            reason,
        }
    }

    /// JSON pointer to the offending value (`""` for the body itself).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl fmt::Display for ChatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed chat body at `{}`: {}",
            self.pointer, self.reason
        )
    }
}

impl std::error::Error for ChatError {}

/// The request formats [`scrub_request`] recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// OpenAI chat completions or Anthropic messages (both have `messages`; their part types are
    /// handled together).
    Messages,
    /// OpenAI Responses (`input`).
    Responses,
}

/// The format of `body`, if it is one [`scrub_request`] handles.
pub fn detect_format(body: &Value) -> Option<Format> {
    let o = body.as_object()?;
    if o.contains_key("messages") {
        Some(Format::Messages)
    } else if o.contains_key("input") {
        Some(Format::Responses)
    } else {
        None
    }
}

/// Scrubs every text field of a chat request in place (see the module docs for the fields).
///
/// On error the body and the vault are unchanged.
pub fn scrub_request(
    body: &mut Value,
    scanner: &Scanner,
    policy: &Policy,
    vault: &mut Vault,
) -> Result<ChatOutcome, ChatError> {
    walk_request(body, &mut Check)?;
    let mut s = Scrub {
        scanner,
        policy,
        vault,
        out: ChatOutcome::default(),
    };
    walk_request(body, &mut s)?;
    Ok(s.out)
}

/// Restores vault placeholders in every string of a response body (or a stream event payload);
/// returns how many strings changed. Object keys and non-string values are untouched.
pub fn restore_response(body: &mut Value, vault: &Vault) -> usize {
    fn go(v: &mut Value, key: Option<&str>, vault: &Vault, n: &mut usize) {
        match v {
            Value::String(s) => {
                let json_text = matches!(key, Some("arguments") | Some("partial_json"));
                let r = if json_text {
                    vault.restore_json_fragment(s)
                } else {
                    vault.restore(s)
                };
                if let std::borrow::Cow::Owned(r) = r {
                    *s = r;
                    *n += 1;
                }
            }
            Value::Array(a) => {
                for x in a {
                    go(x, key, vault, n);
                }
            }
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    go(x, Some(k.as_str()), vault, n);
                }
            }
            _ => {}
        }
    }
    let mut n = 0;
    go(body, None, vault, &mut n);
    n
}

/// What the walker does at each text field.
trait Visit {
    /// A plain text field.
    fn text(&mut self, ptr: &str, s: &mut String);
    /// A string holding JSON (tool-call arguments).
    fn json_text(&mut self, ptr: &str, s: &mut String);
    /// A JSON value whose string leaves are all text (`tool_use` input).
    fn leaves(&mut self, ptr: &str, v: &mut Value);
}

/// Structure check only.
struct Check;

impl Visit for Check {
    fn text(&mut self, _: &str, _: &mut String) {}
    fn json_text(&mut self, _: &str, _: &mut String) {}
    fn leaves(&mut self, _: &str, _: &mut Value) {}
}

struct Scrub<'a> {
    scanner: &'a Scanner,
    policy: &'a Policy,
    vault: &'a mut Vault,
    out: ChatOutcome,
}

impl Scrub<'_> {
    /// Scrubs `s` with `context` (a key name) scanned in front of it; returns the new text when
    /// something changed.
    fn scrub(&mut self, ptr: &str, inner: Option<&str>, context: &str, s: &str) -> Option<String> {
        let findings: Vec<Finding> = if context.is_empty() {
            self.scanner.scan(s)
        } else {
            let mut joined = String::with_capacity(context.len() + 2 + s.len());
            joined.push_str(context);
            joined.push_str(": ");
            let off = joined.len();
            joined.push_str(s);
            self.scanner
                .scan(&joined)
                .into_iter()
                .filter(|f| f.end() > off)
                .map(|f| {
                    Finding::new(
                        f.kind(),
                        crate::Span::new(f.start().max(off) - off, f.end() - off),
                        f.score(),
                        f.detector(),
                    )
                })
                .collect()
        };
        if findings.is_empty() {
            return None;
        }
        let mut acc = Acc::default();
        let mut out = String::new();
        let changed = self
            .policy
            .rewrite(s, &findings, 0, 0, &mut out, Some(self.vault), &mut acc);
        for a in acc.applied {
            self.out.acc.record(a);
            self.out.findings.push(ChatFinding {
                pointer: ptr.to_string(),
                inner: inner.map(str::to_string),
                applied: a,
            });
        }
        changed.then_some(out)
    }

    fn leaves_in(
        &mut self,
        ptr: &str,
        inner: &mut String,
        key: &str,
        v: &mut Value,
        in_args: bool,
    ) -> bool {
        match v {
            Value::String(s) => {
                let (outer, inner_ptr) = if in_args {
                    (ptr, Some(inner.as_str()))
                } else {
                    (inner.as_str(), None)
                };
                let outer = outer.to_string();
                let inner_ptr = inner_ptr.map(str::to_string);
                match self.scrub(&outer, inner_ptr.as_deref(), key, s) {
                    Some(n) => {
                        *s = n;
                        true
                    }
                    None => false,
                }
            }
            Value::Array(a) => {
                let mut changed = false;
                for (i, x) in a.iter_mut().enumerate() {
                    let len = inner.len();
                    inner.push('/');
                    inner.push_str(&i.to_string());
                    changed |= self.leaves_in(ptr, inner, key, x, in_args);
                    inner.truncate(len);
                }
                changed
            }
            Value::Object(o) => {
                let mut changed = false;
                for (k, x) in o.iter_mut() {
                    let len = inner.len();
                    inner.push('/');
                    push_escaped_token(k, inner);
                    changed |= self.leaves_in(ptr, inner, k, x, in_args);
                    inner.truncate(len);
                }
                changed
            }
            _ => false,
        }
    }
}

impl Visit for Scrub<'_> {
    fn text(&mut self, ptr: &str, s: &mut String) {
        if let Some(n) = self.scrub(ptr, None, "", s) {
            *s = n;
        }
    }

    fn json_text(&mut self, ptr: &str, s: &mut String) {
        match serde_json::from_str::<Value>(s) {
            Ok(mut v) if v.is_object() || v.is_array() => {
                let mut inner = String::new();
                if self.leaves_in(ptr, &mut inner, "", &mut v, true) {
                    if let Ok(n) = serde_json::to_string(&v) {
                        *s = n;
                    }
                }
            }
            // Not JSON (or a bare scalar): scrub it as text.
            _ => self.text(ptr, s),
        }
    }

    fn leaves(&mut self, ptr: &str, v: &mut Value) {
        let mut p = ptr.to_string();
        self.leaves_in(ptr, &mut p, "", v, false);
    }
}

fn push_escaped_token(k: &str, out: &mut String) {
    for c in k.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

fn child(ptr: &str, key: &str) -> String {
    let mut s = String::with_capacity(ptr.len() + key.len() + 1);
    s.push_str(ptr);
    s.push('/');
    push_escaped_token(key, &mut s);
    s
}

fn walk_request(body: &mut Value, v: &mut dyn Visit) -> Result<(), ChatError> {
    let Some(o) = body.as_object_mut() else {
        return Err(ChatError::new("", "the body is not a JSON object"));
    };
    let has_messages = o.contains_key("messages");
    let has_input = o.contains_key("input");
    if !has_messages && !has_input {
        return Err(ChatError::new(
            "",
            "the body has neither `messages` nor `input`",
        ));
    }
    if let Some(sys) = o.get_mut("system") {
        content(sys, "/system", v)?;
    }
    if let Some(ins) = o.get_mut("instructions") {
        match ins {
            Value::String(s) => v.text("/instructions", s),
            Value::Null => {}
            _ => return Err(ChatError::new("/instructions", "expected a string")),
        }
    }
    if let Some(m) = o.get_mut("messages") {
        let Value::Array(items) = m else {
            return Err(ChatError::new("/messages", "expected an array"));
        };
        for (i, item) in items.iter_mut().enumerate() {
            message(item, &format!("/messages/{i}"), v)?;
        }
    }
    if let Some(inp) = o.get_mut("input") {
        match inp {
            Value::String(s) => v.text("/input", s),
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    message(item, &format!("/input/{i}"), v)?;
                }
            }
            _ => return Err(ChatError::new("/input", "expected a string or an array")),
        }
    }
    Ok(())
}

/// A message (chat, Anthropic) or a Responses input item.
fn message(m: &mut Value, ptr: &str, v: &mut dyn Visit) -> Result<(), ChatError> {
    let Some(o) = m.as_object_mut() else {
        return Err(ChatError::new(ptr, "expected an object"));
    };
    let ty = o
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(c) = o.get_mut("content") {
        content(c, &child(ptr, "content"), v)?;
    }
    if let Some(calls) = o.get_mut("tool_calls") {
        let p = child(ptr, "tool_calls");
        match calls {
            Value::Array(calls) => {
                for (i, call) in calls.iter_mut().enumerate() {
                    let cp = format!("{p}/{i}");
                    let Some(co) = call.as_object_mut() else {
                        return Err(ChatError::new(&cp, "expected an object"));
                    };
                    if let Some(f) = co.get_mut("function") {
                        function(f, &child(&cp, "function"), v)?;
                    }
                }
            }
            Value::Null => {}
            _ => return Err(ChatError::new(&p, "expected an array")),
        }
    }
    if let Some(f) = o.get_mut("function_call") {
        if !f.is_null() {
            function(f, &child(ptr, "function_call"), v)?;
        }
    }
    match ty.as_str() {
        "function_call" | "custom_tool_call" => {
            if let Some(a) = o.get_mut("arguments") {
                json_string(a, &child(ptr, "arguments"), v)?;
            }
            if let Some(Value::String(s)) = o.get_mut("input") {
                v.text(&child(ptr, "input"), s);
            }
        }
        "function_call_output" | "custom_tool_call_output" => {
            if let Some(out) = o.get_mut("output") {
                content(out, &child(ptr, "output"), v)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn function(f: &mut Value, ptr: &str, v: &mut dyn Visit) -> Result<(), ChatError> {
    let Some(fo) = f.as_object_mut() else {
        return Err(ChatError::new(ptr, "expected an object"));
    };
    if let Some(a) = fo.get_mut("arguments") {
        json_string(a, &child(ptr, "arguments"), v)?;
    }
    Ok(())
}

fn json_string(a: &mut Value, ptr: &str, v: &mut dyn Visit) -> Result<(), ChatError> {
    match a {
        Value::String(s) => {
            v.json_text(ptr, s);
            Ok(())
        }
        Value::Null => Ok(()),
        _ => Err(ChatError::new(ptr, "expected a string holding JSON")),
    }
}

/// Content: a string, null, or an array of parts / blocks.
fn content(c: &mut Value, ptr: &str, v: &mut dyn Visit) -> Result<(), ChatError> {
    match c {
        Value::String(s) => {
            v.text(ptr, s);
            Ok(())
        }
        Value::Null => Ok(()),
        Value::Array(parts) => {
            for (i, part) in parts.iter_mut().enumerate() {
                block(part, &format!("{ptr}/{i}"), v)?;
            }
            Ok(())
        }
        _ => Err(ChatError::new(
            ptr,
            "expected a string, null or an array of parts",
        )),
    }
}

/// One content part or block.
fn block(b: &mut Value, ptr: &str, v: &mut dyn Visit) -> Result<(), ChatError> {
    let Some(o) = b.as_object_mut() else {
        return Err(ChatError::new(ptr, "expected an object"));
    };
    let ty = match o.get("type") {
        Some(Value::String(t)) => t.clone(),
        None => String::new(),
        Some(_) => return Err(ChatError::new(&child(ptr, "type"), "expected a string")),
    };
    match ty.as_str() {
        "text" | "input_text" | "output_text" => match o.get_mut("text") {
            Some(Value::String(s)) => v.text(&child(ptr, "text"), s),
            Some(_) => return Err(ChatError::new(&child(ptr, "text"), "expected a string")),
            None => return Err(ChatError::new(ptr, "a text part needs a `text` string")),
        },
        "tool_use" | "server_tool_use" => {
            if let Some(input) = o.get_mut("input") {
                v.leaves(&child(ptr, "input"), input);
            }
        }
        "tool_result" => {
            if let Some(c) = o.get_mut("content") {
                content(c, &child(ptr, "content"), v)?;
            }
        }
        "document" => {
            // Anthropic plain-text documents: `source: {"type": "text", "data": "..."}`.
            if let Some(src) = o.get_mut("source").and_then(Value::as_object_mut) {
                if src.get("type").and_then(Value::as_str) == Some("text") {
                    if let Some(Value::String(d)) = src.get_mut("data") {
                        v.text(&format!("{}/source/data", ptr), d);
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Action, VaultKey};
    use serde_json::json;

    fn setup() -> (Scanner, Policy, Vault) {
        (
            Scanner::builtin(),
            Policy::builder()
                .default(Action::Pseudonymize)
                .build()
                .unwrap(),
            Vault::new(VaultKey::new([8; 32])),
        )
    }

    #[test]
    fn anthropic_blocks_and_system() {
        let (s, p, mut v) = setup();
        let mut body = json!({
            "model": "claude", "max_tokens": 10,
            "system": [{"type": "text", "text": "Owner: ann@corp.example", "cache_control": {"type": "ephemeral"}}],
            "messages": [
                {"role": "user", "content": [
                    {"type": "text", "text": "hi ann@corp.example"},
                    {"type": "image", "source": {"type": "base64", "data": "ann@corp.example"}}
                ]},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "t1", "name": "lookup", "input": {"who": "bob@corp.example", "n": 3, "tags": ["ann@corp.example"]}}
                ]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "bob@corp.example found"}]},
                    {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "doc ann@corp.example"}},
                    {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "ann@corp.example"}}
                ]}
            ]
        });
        let out = scrub_request(&mut body, &s, &p, &mut v).unwrap();
        assert_eq!(body["system"][0]["text"], "Owner: [EMAIL_1]");
        assert_eq!(body["messages"][0]["content"][0]["text"], "hi [EMAIL_1]");
        assert_eq!(
            body["messages"][0]["content"][1]["source"]["data"],
            "ann@corp.example"
        );
        assert_eq!(
            body["messages"][1]["content"][0]["input"]["who"],
            "[EMAIL_2]"
        );
        assert_eq!(
            body["messages"][1]["content"][0]["input"]["tags"][0],
            "[EMAIL_1]"
        );
        assert_eq!(body["messages"][1]["content"][0]["input"]["n"], 3);
        assert_eq!(
            body["messages"][2]["content"][0]["content"][0]["text"],
            "[EMAIL_2] found"
        );
        let ptrs: Vec<&str> = out.findings().iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(
            ptrs,
            [
                "/system/0/text",
                "/messages/0/content/0/text",
                "/messages/1/content/0/input/tags/0",
                "/messages/1/content/0/input/who",
                "/messages/2/content/0/content/0/text",
                "/messages/2/content/1/source/data"
            ]
        );
    }

    #[test]
    fn responses_input_and_arguments() {
        let (s, p, mut v) = setup();
        let mut body = json!({
            "model": "gpt", "instructions": "cc ann@corp.example",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "to bob@corp.example"}]},
                {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{\"to\": \"bob@corp.example\", \"x\": 1}"},
                {"type": "function_call_output", "call_id": "c", "output": "sent to bob@corp.example"}
            ]
        });
        let out = scrub_request(&mut body, &s, &p, &mut v).unwrap();
        assert_eq!(body["instructions"], "cc [EMAIL_1]");
        assert_eq!(body["input"][0]["content"][0]["text"], "to [EMAIL_2]");
        assert_eq!(
            body["input"][1]["arguments"],
            "{\"to\":\"[EMAIL_2]\",\"x\":1}"
        );
        assert_eq!(body["input"][2]["output"], "sent to [EMAIL_2]");
        let f = &out.findings()[2];
        assert_eq!(f.pointer, "/input/1/arguments");
        assert_eq!(f.inner.as_deref(), Some("/to"));
        // Unchanged arguments keep their exact bytes.
        let mut b2 = json!({"input": [{"type": "function_call", "arguments": "{ \"x\" : 1 }"}]});
        scrub_request(&mut b2, &s, &p, &mut v).unwrap();
        assert_eq!(b2["input"][0]["arguments"], "{ \"x\" : 1 }");
    }

    #[test]
    fn malformed_bodies_are_refused_untouched() {
        let (s, p, mut v) = setup();
        for (body, ptr) in [
            (json!([1]), ""),
            (json!({"model": "x"}), ""),
            (json!({"messages": {"a": 1}}), "/messages"),
            (
                json!({"messages": [{"content": "a@b.example"}, 3]}),
                "/messages/1",
            ),
            (
                json!({"messages": [{"content": "a@b.example"}, {"content": 5}]}),
                "/messages/1/content",
            ),
            (
                json!({"messages": [{"content": [{"type": "text", "text": 1}]}]}),
                "/messages/0/content/0/text",
            ),
            (
                json!({"messages": [{"content": "a@b.example", "tool_calls": [{"function": {"arguments": {}}}]}]}),
                "/messages/0/tool_calls/0/function/arguments",
            ),
            (json!({"input": 7}), "/input"),
        ] {
            let mut b = body.clone();
            let e = scrub_request(&mut b, &s, &p, &mut v).unwrap_err();
            assert_eq!(e.pointer(), ptr, "{body}");
            assert_eq!(b, body);
        }
        assert!(v.is_empty(), "a refused body never touches the vault");
    }

    #[test]
    fn restore_response_handles_formats() {
        let (_, _, mut v) = setup();
        let t = v.placeholder(crate::Kind::PASSWORD, "p\"w");
        let mut r = json!({
            "content": [{"type": "text", "text": format!("pw {t}")},
                        {"type": "tool_use", "input": {"pw": t.clone()}}],
            "delta": {"type": "input_json_delta", "partial_json": format!("{{\"pw\": \"{t}")},
            "choices": [{"message": {"tool_calls": [{"function": {"arguments": format!("{{\"pw\":\"{t}\"}}")}}]}}]
        });
        assert_eq!(restore_response(&mut r, &v), 4);
        assert_eq!(r["content"][0]["text"], "pw p\"w");
        assert_eq!(r["content"][1]["input"]["pw"], "p\"w");
        assert_eq!(r["delta"]["partial_json"], "{\"pw\": \"p\\\"w");
        let args = r["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
            .as_str()
            .unwrap();
        let parsed: Value = serde_json::from_str(args).unwrap();
        assert_eq!(parsed["pw"], "p\"w");
    }
}
