//! Server-sent events (feature `json`): restore vault placeholders in OpenAI and Anthropic
//! streaming responses, event by event.
//!
//! ```
//! use lastgate::pseudonymize::{Vault, VaultKey};
//! use lastgate::stream::sse::SseRestorer;
//! use lastgate::Kind;
//!
//! let mut vault = Vault::new(VaultKey::new([2; 32]));
//! vault.placeholder(Kind::EMAIL, "ann@corp.example");
//!
//! let mut r = SseRestorer::new(&vault);
//! let mut out = String::new();
//! out += &r.push("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi [EMA\"}}]}\n\n");
//! out += &r.push("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"IL_1]!\"}}]}\n\n");
//! out += &r.push("data: [DONE]\n\n");
//! out += &r.finish();
//! assert!(out.contains("\"content\":\"Hi \""));
//! assert!(out.contains("\"content\":\"ann@corp.example!\""));
//! ```
//!
//! Text deltas are restored with one [`StreamRestorer`] per stream slot, so a placeholder split
//! across events is restored exactly; a partial `[…` is held back and emitted with the slot's
//! next delta. Slots:
//!
//! - OpenAI chat completions: `choices[i].delta.content`, and
//!   `choices[i].delta.tool_calls[j].function.arguments` (JSON text: values JSON-escaped).
//! - OpenAI Responses: `response.output_text.delta` and
//!   `response.function_call_arguments.delta` events (`delta`).
//! - Anthropic messages: `content_block_delta` with `text_delta` (`text`) or `input_json_delta`
//!   (`partial_json`).
//!
//! Before a slot ends (a `finish_reason`, `content_block_stop`, a `*.done` event, `[DONE]`,
//! `message_stop`, `response.completed`, or [`SseRestorer::finish`]) anything still held back is
//! emitted in a synthetic delta event of the same shape. Every other event payload is restored
//! as a whole with [`crate::chat::restore_response`]. Events that need no
//! change pass through byte for byte; changed payloads are re-encoded by `serde_json`.
//!
//! Memory: one partial event (until its blank line arrives) plus at most one partial placeholder
//! per slot. A stream that never ends an event grows the buffer; hosts cap request and
//! response sizes upstream.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{json, Value};

use super::StreamRestorer;
use crate::chat::restore_response;
use crate::pseudonymize::Vault;

/// How to emit held-back text of a slot as a synthetic event.
struct Slot<'v> {
    restorer: StreamRestorer<'v>,
    event: Option<String>,
    template: Value,
    pointer: String,
}

/// Restores placeholders in an SSE byte stream (as text). See the [module docs](self).
pub struct SseRestorer<'v> {
    vault: &'v Vault,
    buf: String,
    slots: BTreeMap<String, Slot<'v>>,
}

impl fmt::Debug for SseRestorer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseRestorer")
            .field("buffered", &self.buf.len())
            .field("slots", &self.slots.len())
            .finish()
    }
}

fn find_event_end(s: &str) -> Option<(usize, usize)> {
    let a = s.find("\n\n").map(|i| (i, i + 2));
    let b = s.find("\r\n\r\n").map(|i| (i, i + 4));
    match (a, b) {
        (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
        (x, y) => x.or(y),
    }
}

impl<'v> SseRestorer<'v> {
    /// A restorer for placeholders issued by `vault`.
    pub fn new(vault: &'v Vault) -> SseRestorer<'v> {
        SseRestorer {
            vault,
            buf: String::new(),
            slots: BTreeMap::new(),
        }
    }

    /// Feeds raw SSE text (any cut); returns the complete events, restored.
    pub fn push(&mut self, chunk: &str) -> String {
        self.buf.push_str(chunk);
        let mut out = String::new();
        while let Some((end, next)) = find_event_end(&self.buf) {
            let raw: String = self.buf[..next].to_string();
            let body = &raw[..end];
            self.event(body, &raw, &mut out);
            self.buf.drain(..next);
        }
        out
    }

    /// Ends the stream: processes a trailing event without its blank line and flushes every slot.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        let rest = std::mem::take(&mut self.buf);
        if !rest.trim().is_empty() {
            self.event(&rest, &rest, &mut out);
        }
        self.flush_where(|_| true, &mut out);
        out
    }

    fn flush_where(&mut self, pred: impl Fn(&str) -> bool, out: &mut String) {
        let keys: Vec<String> = self.slots.keys().filter(|k| pred(k)).cloned().collect();
        for k in keys {
            let Some(mut slot) = self.slots.remove(&k) else {
                continue;
            };
            let text = slot.restorer.finish();
            if text.is_empty() {
                continue;
            }
            let mut v = slot.template;
            if let Some(t) = v.pointer_mut(&slot.pointer) {
                *t = Value::String(text);
            }
            write_event(slot.event.as_deref(), &v, out);
        }
    }

    /// Restores one delta string through its slot's restorer.
    fn delta(
        &mut self,
        key: String,
        json_mode: bool,
        event: Option<&str>,
        template: impl FnOnce() -> Value,
        pointer: &str,
        text: &mut String,
    ) {
        let vault = self.vault;
        let slot = self.slots.entry(key).or_insert_with(|| Slot {
            restorer: if json_mode {
                StreamRestorer::json(vault)
            } else {
                StreamRestorer::new(vault)
            },
            event: event.map(str::to_string),
            template: template(),
            pointer: pointer.to_string(),
        });
        let restored = slot.restorer.push(text);
        *text = restored;
    }

    fn event(&mut self, body: &str, raw: &str, out: &mut String) {
        let mut name: Option<&str> = None;
        let mut data = String::new();
        let mut has_data = false;
        for line in body.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("data:") {
                if has_data {
                    data.push('\n');
                }
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
                has_data = true;
            }
        }
        if !has_data {
            out.push_str(raw);
            return;
        }
        if data.trim() == "[DONE]" {
            self.flush_where(|_| true, out);
            out.push_str(raw);
            return;
        }
        let Ok(mut v) = serde_json::from_str::<Value>(&data) else {
            // Not JSON: restore as text.
            out.push_str(&self.vault.restore(raw));
            return;
        };
        let original = v.clone();
        let ty = v
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut before = String::new();
        match ty.as_str() {
            "content_block_delta" => {
                let idx = v.get("index").and_then(Value::as_u64).unwrap_or(0);
                let dty = v
                    .pointer("/delta/type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let (field, json_mode) = match dty.as_str() {
                    "text_delta" => ("text", false),
                    "input_json_delta" => ("partial_json", true),
                    _ => ("", false),
                };
                if !field.is_empty() {
                    let ptr = format!("/delta/{field}");
                    if let Some(Value::String(s)) = v.pointer_mut(&ptr) {
                        let mut text = std::mem::take(s);
                        let tpl = json!({"type": "content_block_delta", "index": idx,
                                         "delta": {"type": dty, field: ""}});
                        self.delta(format!("a{idx}"), json_mode, name, || tpl, &ptr, &mut text);
                        if let Some(s) = v.pointer_mut(&ptr) {
                            *s = Value::String(text);
                        }
                    }
                }
            }
            "content_block_stop" => {
                let idx = v.get("index").and_then(Value::as_u64).unwrap_or(0);
                let key = format!("a{idx}");
                self.flush_where(|k| k == key, &mut before);
            }
            "message_stop" | "response.completed" | "response.incomplete" | "response.failed" => {
                self.flush_where(|_| true, &mut before);
                restore_response(&mut v, self.vault);
            }
            "response.output_text.delta" | "response.function_call_arguments.delta" => {
                let json_mode = ty == "response.function_call_arguments.delta";
                let key = format!(
                    "r{}/{}/{}",
                    v.get("item_id").and_then(Value::as_str).unwrap_or_default(),
                    v.get("content_index").and_then(Value::as_u64).unwrap_or(0),
                    json_mode
                );
                if let Some(Value::String(s)) = v.get_mut("delta") {
                    let mut text = std::mem::take(s);
                    let mut tpl = v.clone();
                    if let Some(o) = tpl.as_object_mut() {
                        o.remove("sequence_number");
                    }
                    self.delta(key, json_mode, name, || tpl, "/delta", &mut text);
                    v["delta"] = Value::String(text);
                }
            }
            "response.output_text.done" | "response.function_call_arguments.done" => {
                let json_mode = ty == "response.function_call_arguments.done";
                let key = format!(
                    "r{}/{}/{}",
                    v.get("item_id").and_then(Value::as_str).unwrap_or_default(),
                    v.get("content_index").and_then(Value::as_u64).unwrap_or(0),
                    json_mode
                );
                self.flush_where(|k| k == key, &mut before);
                restore_response(&mut v, self.vault);
            }
            _ if v.get("choices").is_some() => self.openai_chunk(&mut v, name, &mut before),
            _ => {
                restore_response(&mut v, self.vault);
            }
        }
        // Synthetic events come first, then this event (re-encoded only if it changed).
        out.push_str(&before);
        if v == original {
            out.push_str(raw);
        } else {
            write_event(name, &v, out);
        }
    }

    fn openai_chunk(&mut self, v: &mut Value, name: Option<&str>, before: &mut String) {
        let head: Value = {
            let mut h = v.clone();
            if let Some(o) = h.as_object_mut() {
                o.remove("choices");
                o.remove("usage");
            }
            h
        };
        let Some(Value::Array(choices)) = v.get_mut("choices") else {
            return;
        };
        let mut finished: Vec<u64> = Vec::new();
        for c in choices.iter_mut() {
            let i = c.get("index").and_then(Value::as_u64).unwrap_or(0);
            if let Some(Value::String(s)) = c.pointer_mut("/delta/content") {
                let mut text = std::mem::take(s);
                let mut tpl = head.clone();
                tpl["choices"] = json!([{"index": i, "delta": {"content": ""}}]);
                self.delta(
                    format!("c{i}"),
                    false,
                    name,
                    || tpl,
                    "/choices/0/delta/content",
                    &mut text,
                );
                if let Some(s) = c.pointer_mut("/delta/content") {
                    *s = Value::String(text);
                }
            }
            if let Some(Value::Array(calls)) = c.pointer_mut("/delta/tool_calls") {
                for call in calls.iter_mut() {
                    let j = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                    if let Some(Value::String(s)) = call.pointer_mut("/function/arguments") {
                        let mut text = std::mem::take(s);
                        let mut tpl = head.clone();
                        tpl["choices"] = json!([{"index": i, "delta": {"tool_calls": [
                            {"index": j, "function": {"arguments": ""}}]}}]);
                        self.delta(
                            format!("c{i}/t{j}"),
                            true,
                            name,
                            || tpl,
                            "/choices/0/delta/tool_calls/0/function/arguments",
                            &mut text,
                        );
                        if let Some(s) = call.pointer_mut("/function/arguments") {
                            *s = Value::String(text);
                        }
                    }
                }
            }
            if c.get("finish_reason").is_some_and(|f| !f.is_null()) {
                finished.push(i);
            }
            if let Some(m) = c.get_mut("message") {
                restore_response(m, self.vault);
            }
        }
        for i in finished {
            let own = format!("c{i}");
            let pre = format!("c{i}/");
            self.flush_where(|k| k == own || k.starts_with(&pre), before);
        }
    }
}

fn write_event(name: Option<&str>, v: &Value, out: &mut String) {
    if let Some(n) = name {
        out.push_str("event: ");
        out.push_str(n);
        out.push('\n');
    }
    out.push_str("data: ");
    out.push_str(&serde_json::to_string(v).unwrap_or_default());
    out.push_str("\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::VaultKey;
    use crate::Kind;

    fn vault() -> Vault {
        let mut v = Vault::new(VaultKey::new([2; 32]));
        v.placeholder(Kind::EMAIL, "ann@corp.example");
        v.placeholder(Kind::PASSWORD, "p\"w");
        v
    }

    /// Concatenated text of a slot, as a client would assemble it.
    fn collect(out: &str, ptr: &str) -> String {
        out.split("\n\n")
            .filter_map(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
            .filter_map(|d| serde_json::from_str::<Value>(d).ok())
            .filter_map(|v| v.pointer(ptr).and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    fn run(v: &Vault, stream: &str, n: usize) -> String {
        let mut r = SseRestorer::new(v);
        let mut out = String::new();
        let b = stream.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let mut j = (i + n).min(b.len());
            while !stream.is_char_boundary(j) {
                j -= 1;
            }
            out.push_str(&r.push(&stream[i..j]));
            i = j;
        }
        out.push_str(&r.finish());
        out
    }

    #[test]
    fn anthropic_text_and_json_deltas() {
        let v = vault();
        let pieces = ["Hi [EM", "AIL_1", "], pw [PASSW", "ORD_1]."];
        let mut s = String::from("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[]}}\n\n");
        for p in pieces {
            s.push_str(&format!("event: content_block_delta\ndata: {}\n\n",
                json!({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":p}})));
        }
        s.push_str(
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        );
        for p in ["{\"pw\": \"[PASSWORD", "_1]\"}"] {
            s.push_str(&format!("event: content_block_delta\ndata: {}\n\n",
                json!({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":p}})));
        }
        s.push_str(
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
        );
        s.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        for n in [1, 3, 17, 1000] {
            let out = run(&v, &s, n);
            assert_eq!(
                collect(&out, "/delta/text"),
                "Hi ann@corp.example, pw p\"w."
            );
            let j = collect(&out, "/delta/partial_json");
            let parsed: Value = serde_json::from_str(&j).unwrap();
            assert_eq!(parsed["pw"], "p\"w");
            assert!(out.starts_with("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[]}}\n\n"));
        }
    }

    #[test]
    fn openai_chat_chunks_and_held_tail() {
        let v = vault();
        let mut s = String::new();
        for p in ["Mail [EMAIL_1", "] now [EMAIL_"] {
            s.push_str(&format!(
                "data: {}\n\n",
                json!({"id":"x","choices":[{"index":0,"delta":{"content":p}}]})
            ));
        }
        s.push_str(&format!(
            "data: {}\n\n",
            json!({"id":"x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})
        ));
        s.push_str("data: [DONE]\n\n");
        let out = run(&v, &s, 7);
        assert_eq!(
            collect(&out, "/choices/0/delta/content"),
            "Mail ann@corp.example now [EMAIL_"
        );
        let finish = out.find("finish_reason").unwrap();
        let held = out.find("now ").unwrap();
        assert!(held < finish, "held text flushed before the finish chunk");
        assert!(out.ends_with("data: [DONE]\n\n"));
    }

    #[test]
    fn responses_deltas() {
        let v = vault();
        let mut s = String::new();
        for p in ["to [EMAI", "L_1]"] {
            s.push_str(&format!("event: response.output_text.delta\ndata: {}\n\n",
                json!({"type":"response.output_text.delta","item_id":"m1","output_index":0,"content_index":0,"delta":p})));
        }
        s.push_str(&format!("event: response.output_text.done\ndata: {}\n\n",
            json!({"type":"response.output_text.done","item_id":"m1","output_index":0,"content_index":0,"text":"to [EMAIL_1]"})));
        let out = run(&v, &s, 5);
        assert_eq!(collect(&out, "/delta"), "to ann@corp.example");
        assert_eq!(collect(&out, "/text"), "to ann@corp.example");
    }
}
