//! The hash chain: domain-separated hashes, the forward-secure MAC key, the appender
//! ([`Chain`]) and checkpoints.

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::canon::{self, ObjWriter, Value, MAX_SAFE_INT};
use super::hex;
use super::record::{
    check_log_id, splice_line, Record, RecordMac, Seal, SealedRecord, MAX_LINE_LEN,
};
use super::AuditError;

pub(crate) const EVENT_DOMAIN: &[u8] = b"lastgate/audit/v1/event\0";
pub(crate) const GENESIS_DOMAIN: &[u8] = b"lastgate/audit/v1/genesis\0";
pub(crate) const CHAIN_DOMAIN: &[u8] = b"lastgate/audit/v1/chain\0";
pub(crate) const MAC_DOMAIN: &[u8] = b"lastgate/audit/v1/mac\0";
pub(crate) const EVOLVE_DOMAIN: &[u8] = b"lastgate/audit/v1/evolve\0";

/// `SHA-256("lastgate/audit/v1/event\0" ‖ canonical bytes)`.
pub fn event_hash(canonical: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(EVENT_DOMAIN);
    h.update(canonical);
    h.finalize().into()
}

/// The `prev` of record 0: `SHA-256("lastgate/audit/v1/genesis\0" ‖ log_id)`.
pub fn genesis(log_id: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(GENESIS_DOMAIN);
    h.update(log_id.as_bytes());
    h.finalize().into()
}

/// `SHA-256("lastgate/audit/v1/chain\0" ‖ prev ‖ be64(seq) ‖ event_hash)`.
pub fn chain_hash(prev: &[u8; 32], seq: u64, event_hash: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CHAIN_DOMAIN);
    h.update(prev);
    h.update(seq.to_be_bytes());
    h.update(event_hash);
    h.finalize().into()
}

fn hmac(key: &[u8; 32]) -> Hmac<Sha256> {
    // HMAC-SHA256 takes keys of any length; 32 bytes cannot fail.
    <Hmac<Sha256> as hmac::Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!())
}

/// A MAC key for the keyed chain mode, at one epoch.
///
/// Forward secure: [`MacKey::evolve`] replaces `K_e` with
/// `K_{e+1} = HMAC-SHA256(K_e, "lastgate/audit/v1/evolve\0" ‖ be32(e+1))` and zeroizes `K_e`,
/// so a writer compromised at epoch `e` cannot forge tags of earlier epochs. A verifier holding
/// `K_0` derives every later epoch. `Debug` never shows the key.
#[derive(Clone)]
pub struct MacKey {
    epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl MacKey {
    /// The epoch-0 key from 32 bytes of host-provided secret.
    pub fn new(root: [u8; 32]) -> MacKey {
        MacKey {
            epoch: 0,
            key: Zeroizing::new(root),
        }
    }

    /// A key the host persisted at `epoch` (for resuming a writer).
    pub fn at(epoch: u32, key: [u8; 32]) -> MacKey {
        MacKey {
            epoch,
            key: Zeroizing::new(key),
        }
    }

    /// The current epoch.
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The raw key bytes, for the host to persist (sealed storage). Handle with care.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.key
    }

    /// Moves to the next epoch, erasing the current key. Returns `false` (and does nothing) at
    /// epoch `u32::MAX`.
    pub fn evolve(&mut self) -> bool {
        let Some(next) = self.epoch.checked_add(1) else {
            return false;
        };
        let mut m = hmac(&self.key);
        m.update(EVOLVE_DOMAIN);
        m.update(&next.to_be_bytes());
        // Assigning through Zeroizing overwrites the old bytes in place.
        self.key.copy_from_slice(&m.finalize().into_bytes());
        self.epoch = next;
        true
    }

    /// The key at a later (or the same) epoch; `None` for an earlier one, which forward
    /// security makes underivable.
    pub fn derive(&self, epoch: u32) -> Option<MacKey> {
        if epoch < self.epoch {
            return None;
        }
        let mut k = self.clone();
        while k.epoch < epoch {
            k.evolve();
        }
        Some(k)
    }

    pub(crate) fn tag(&self, chain_hash: &[u8; 32]) -> [u8; 32] {
        let mut m = hmac(&self.key);
        m.update(MAC_DOMAIN);
        m.update(chain_hash);
        m.finalize().into_bytes().into()
    }

    /// The keyed HMAC state (inner and outer pads absorbed), for verifiers that check many
    /// tags under one key. Writers do not keep it: it is key-equivalent and not zeroized.
    pub(crate) fn prepared(&self) -> Hmac<Sha256> {
        hmac(&self.key)
    }

    /// Checks a tag with a state from [`MacKey::prepared`].
    pub(crate) fn check_prepared(
        state: &Hmac<Sha256>,
        chain_hash: &[u8; 32],
        tag: &[u8; 32],
    ) -> bool {
        let mut m = state.clone();
        m.update(MAC_DOMAIN);
        m.update(chain_hash);
        m.verify_slice(tag).is_ok()
    }

    pub(crate) fn check(&self, chain_hash: &[u8; 32], tag: &[u8; 32]) -> bool {
        let mut m = hmac(&self.key);
        m.update(MAC_DOMAIN);
        m.update(chain_hash);
        m.verify_slice(tag).is_ok()
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MacKey")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

/// What a writer must persist (atomically with the record it just wrote) to continue the
/// chain: the log id, the next sequence number, the head and the key epoch.
///
/// It can also be recovered from the last stored record with [`ChainState::after`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainState {
    log_id: String,
    next_seq: u64,
    head: [u8; 32],
    epoch: u32,
}

impl ChainState {
    /// The state of a new, empty log.
    pub fn genesis(log_id: &str) -> Result<ChainState, AuditError> {
        check_log_id(log_id)?;
        Ok(ChainState {
            log_id: log_id.to_string(),
            next_seq: 0,
            head: genesis(log_id),
            epoch: 0,
        })
    }

    /// The state right after `last` (crash recovery from the last persisted record). Trust it
    /// only after verifying the log up to `last`.
    pub fn after(last: &SealedRecord) -> ChainState {
        ChainState {
            log_id: last.log_id.clone(),
            next_seq: last.seq + 1,
            head: last.seal.chain_hash,
            epoch: last.seal.mac.map_or(0, |m| m.epoch),
        }
    }

    /// The log id.
    pub fn log_id(&self) -> &str {
        &self.log_id
    }
    /// The sequence number the next record gets (= records so far).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }
    /// The chain hash of the last record (the genesis hash when empty).
    pub fn head(&self) -> &[u8; 32] {
        &self.head
    }
    /// The MAC key epoch (0 in unkeyed mode).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }
}

/// The appender: seals records into one log's chain.
///
/// One `Chain` per writer (gateway instance or shard); several writers appending to one chain
/// would fork it. The chain does no I/O: the host stores each sealed line and the
/// [`ChainState`], and hands [`Checkpoint`]s to a signer out of the writer's reach.
#[derive(Debug)]
pub struct Chain {
    state: ChainState,
    key: Option<MacKey>,
    sealed_since_evolve: bool,
    buf: String,
}

impl Chain {
    /// A new unkeyed log (hash chain only; pair it with signed checkpoints).
    pub fn new(log_id: &str) -> Result<Chain, AuditError> {
        Chain::resume(ChainState::genesis(log_id)?, None)
    }

    /// A new keyed log: every record also carries an HMAC under a forward-secure key.
    pub fn keyed(log_id: &str, key: MacKey) -> Result<Chain, AuditError> {
        let mut st = ChainState::genesis(log_id)?;
        st.epoch = key.epoch;
        Chain::resume(st, Some(key))
    }

    /// Continues a log from a persisted state. In keyed mode the key must be at the state's
    /// epoch or later (a key evolved after the last record, e.g. at a checkpoint); the state
    /// takes the key's epoch.
    pub fn resume(mut state: ChainState, key: Option<MacKey>) -> Result<Chain, AuditError> {
        check_log_id(&state.log_id)?;
        let mut evolved = false;
        if let Some(k) = &key {
            if k.epoch < state.epoch {
                return Err(AuditError::new(
                    "mac",
                    "key epoch is older than the chain state",
                ));
            }
            evolved = k.epoch > state.epoch;
            state.epoch = k.epoch;
        }
        if state.next_seq > MAX_SAFE_INT {
            return Err(AuditError::new("seq", "exceeds 2^53 - 1"));
        }
        Ok(Chain {
            state,
            key,
            sealed_since_evolve: !evolved,
            buf: String::with_capacity(512),
        })
    }

    /// The state to persist with the last sealed record.
    pub fn state(&self) -> &ChainState {
        &self.state
    }

    /// True in keyed mode.
    pub fn is_keyed(&self) -> bool {
        self.key.is_some()
    }

    /// The current MAC key (keyed mode), for the host to persist with the state.
    pub fn key(&self) -> Option<&MacKey> {
        self.key.as_ref()
    }

    /// Assigns the next sequence number, computes the event and chain hashes (and the MAC in
    /// keyed mode) and advances the chain.
    pub fn seal(&mut self, record: Record) -> Result<SealedRecord, AuditError> {
        let (seq, seal, _) = self.next_seal(&record)?;
        Ok(SealedRecord {
            record,
            log_id: self.state.log_id.clone(),
            seq,
            seal,
        })
    }

    /// Like [`Chain::seal`], but appends the sealed line (no newline) to `out` instead of
    /// returning a [`SealedRecord`]: the fast path for a writer that only stores lines. The
    /// record is encoded once; the line is spliced from the hashed bytes.
    pub fn append(&mut self, record: &Record, out: &mut String) -> Result<(), AuditError> {
        let (_, seal, marks) = self.next_seal(record)?;
        let start = out.len();
        splice_line(&self.buf, marks, &seal, out);
        debug_assert_eq!(out.get(start..), {
            let mut full = String::new();
            record.encode(
                &mut full,
                &self.state.log_id,
                self.state.next_seq - 1,
                Some(&seal),
            );
            Some(full).as_deref()
        });
        Ok(())
    }

    /// Encodes the preimage into `self.buf`, hashes it, and advances the state.
    fn next_seal(&mut self, record: &Record) -> Result<(u64, Seal, [usize; 4]), AuditError> {
        let seq = self.state.next_seq;
        if seq > MAX_SAFE_INT {
            return Err(AuditError::new("seq", "log is full (2^53 records)"));
        }
        self.buf.clear();
        let marks = record.encode(&mut self.buf, &self.state.log_id, seq, None);
        // The sealed line adds ~330 bytes of hashes to the preimage.
        if self.buf.len() + 400 > MAX_LINE_LEN {
            return Err(AuditError::new("record", "sealed line would exceed 64 KiB"));
        }
        let eh = event_hash(self.buf.as_bytes());
        let ch = chain_hash(&self.state.head, seq, &eh);
        let mac = self.key.as_ref().map(|k| RecordMac {
            epoch: k.epoch,
            tag: k.tag(&ch),
        });
        let seal = Seal {
            prev: self.state.head,
            event_hash: eh,
            chain_hash: ch,
            mac,
        };
        self.state.head = ch;
        self.state.next_seq = seq + 1;
        self.sealed_since_evolve = true;
        Ok((seq, seal, marks))
    }

    /// Keyed mode: moves the MAC key to the next epoch and erases the old key (do it at every
    /// checkpoint, or every N records). At most one evolution between two records, so verifiers
    /// can bound their work; returns `false` when nothing happened (unkeyed, no record since the
    /// last evolution, or the last epoch).
    pub fn evolve_key(&mut self) -> bool {
        if !self.sealed_since_evolve {
            return false;
        }
        let Some(k) = &mut self.key else {
            return false;
        };
        if !k.evolve() {
            return false;
        }
        self.state.epoch = k.epoch;
        self.sealed_since_evolve = false;
        true
    }

    /// A checkpoint of the log as it is now, for the host to sign and publish out of the
    /// writer's reach.
    pub fn checkpoint(&self, ts_ms: i64) -> Checkpoint {
        Checkpoint {
            log_id: self.state.log_id.clone(),
            size: self.state.next_seq,
            head: self.state.head,
            ts_ms,
        }
    }
}

/// A commitment to a log prefix: the first `size` records end at chain hash `head`.
///
/// Signed (through [`CheckpointSigner`]) and kept where the writer cannot rewrite it, a
/// checkpoint turns tail truncation and whole-log rewrites into detectable events. Its signed
/// body follows the C2SP checkpoint note shape: `log_id\nsize\nbase64(head)\n` followed by the
/// extension lines `lastgate-audit-v1` and `ts_ms <n>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    log_id: String,
    size: u64,
    head: [u8; 32],
    ts_ms: i64,
}

impl Checkpoint {
    /// A checkpoint from its parts (e.g. read back from the host's store).
    pub fn new(
        log_id: &str,
        size: u64,
        head: [u8; 32],
        ts_ms: i64,
    ) -> Result<Checkpoint, AuditError> {
        check_log_id(log_id)?;
        if size > MAX_SAFE_INT + 1 || ts_ms.unsigned_abs() > MAX_SAFE_INT {
            return Err(AuditError::new(
                "checkpoint",
                "size or timestamp out of range",
            ));
        }
        Ok(Checkpoint {
            log_id: log_id.to_string(),
            size,
            head,
            ts_ms,
        })
    }

    /// The log id (the checkpoint's origin).
    pub fn log_id(&self) -> &str {
        &self.log_id
    }
    /// Number of records committed to.
    pub fn size(&self) -> u64 {
        self.size
    }
    /// Chain hash of record `size - 1` (the genesis hash for size 0).
    pub fn head(&self) -> &[u8; 32] {
        &self.head
    }
    /// Host clock when the checkpoint was taken.
    pub fn ts_ms(&self) -> i64 {
        self.ts_ms
    }

    /// The bytes a signer signs.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\nlastgate-audit-v1\nts_ms {}\n",
            self.log_id,
            self.size,
            base64::engine::general_purpose::STANDARD.encode(self.head),
            self.ts_ms
        )
    }

    /// Parses a body produced by [`Checkpoint::body`] (exactly).
    pub fn parse_body(body: &str) -> Result<Checkpoint, AuditError> {
        let bad = || AuditError::new("checkpoint", "not a lastgate checkpoint body");
        let mut lines = body.strip_suffix('\n').ok_or_else(bad)?.split('\n');
        let log_id = lines.next().ok_or_else(bad)?;
        let size: u64 = lines.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        let head = base64::engine::general_purpose::STANDARD
            .decode(lines.next().ok_or_else(bad)?)
            .map_err(|_| bad())?;
        let head: [u8; 32] = head.try_into().map_err(|_| bad())?;
        if lines.next() != Some("lastgate-audit-v1") {
            return Err(bad());
        }
        let ts_ms: i64 = lines
            .next()
            .and_then(|l| l.strip_prefix("ts_ms "))
            .ok_or_else(bad)?
            .parse()
            .map_err(|_| bad())?;
        if lines.next().is_some() {
            return Err(bad());
        }
        let cp = Checkpoint::new(log_id, size, head, ts_ms)?;
        if cp.body() != body {
            return Err(bad());
        }
        Ok(cp)
    }

    /// Signs the body.
    pub fn sign<S: CheckpointSigner + ?Sized>(
        self,
        signer: &S,
    ) -> Result<SignedCheckpoint, S::Error> {
        let signature = signer.sign(self.body().as_bytes())?;
        Ok(SignedCheckpoint {
            checkpoint: self,
            signature,
        })
    }
}

/// Signs checkpoint bodies. Implemented by the host (an HSM, a KMS, an Ed25519 key in another
/// service): the signing key should be out of the log writer's reach.
pub trait CheckpointSigner {
    /// The signer's error.
    type Error;
    /// Signs `body` (the output of [`Checkpoint::body`]).
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, Self::Error>;
}

/// Checks checkpoint signatures (the public half of a [`CheckpointSigner`]).
pub trait CheckpointVerifier {
    /// True when `signature` is valid for `body`.
    fn verify(&self, body: &[u8], signature: &[u8]) -> bool;
}

/// A symmetric checkpoint signer/verifier: `HMAC-SHA256(key, "lastgate/audit/v1/checkpoint\0" ‖
/// body)`. For tests, demos and hosts whose signing service is already trusted by every
/// verifier; prefer a public-key signature so verifiers hold no secret. `Debug` hides the key.
#[derive(Clone)]
pub struct HmacCheckpointKey {
    key: Zeroizing<[u8; 32]>,
}

const CHECKPOINT_DOMAIN: &[u8] = b"lastgate/audit/v1/checkpoint\0";

impl HmacCheckpointKey {
    /// A signer from 32 secret bytes.
    pub fn new(key: [u8; 32]) -> HmacCheckpointKey {
        HmacCheckpointKey {
            key: Zeroizing::new(key),
        }
    }

    fn mac(&self, body: &[u8]) -> Hmac<Sha256> {
        let mut m = hmac(&self.key);
        m.update(CHECKPOINT_DOMAIN);
        m.update(body);
        m
    }
}

impl fmt::Debug for HmacCheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacCheckpointKey { .. }")
    }
}

impl CheckpointSigner for HmacCheckpointKey {
    type Error = core::convert::Infallible;
    fn sign(&self, body: &[u8]) -> Result<Vec<u8>, Self::Error> {
        Ok(self.mac(body).finalize().into_bytes().to_vec())
    }
}

impl CheckpointVerifier for HmacCheckpointKey {
    fn verify(&self, body: &[u8], signature: &[u8]) -> bool {
        self.mac(body).verify_slice(signature).is_ok()
    }
}

/// A checkpoint with its signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    checkpoint: Checkpoint,
    signature: Vec<u8>,
}

impl SignedCheckpoint {
    /// The checkpoint, unverified.
    pub fn checkpoint_unverified(&self) -> &Checkpoint {
        &self.checkpoint
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The checkpoint if the signature verifies.
    pub fn verify<V: CheckpointVerifier + ?Sized>(&self, verifier: &V) -> Option<&Checkpoint> {
        verifier
            .verify(self.checkpoint.body().as_bytes(), &self.signature)
            .then_some(&self.checkpoint)
    }

    /// One canonical JSON line: `{"body":…,"sig":hex}`.
    pub fn to_line(&self) -> String {
        let mut s = String::new();
        ObjWriter::new(&mut s)
            .str("body", &self.checkpoint.body())
            .str("sig", &hex::encode(&self.signature))
            .end();
        s
    }

    /// Parses [`SignedCheckpoint::to_line`] output (the signature is not checked here).
    pub fn parse_line(line: &str) -> Result<SignedCheckpoint, AuditError> {
        let bad = || AuditError::new("checkpoint", "not a signed checkpoint line");
        let Ok(Value::Obj(m)) = canon::parse(line) else {
            return Err(bad());
        };
        let mut it = m.into_iter();
        let (Some(("body", Value::Str(body))), Some(("sig", Value::Str(sig))), None) =
            (it.next(), it.next(), it.next())
        else {
            return Err(bad());
        };
        if sig.len() > 2048 {
            return Err(bad());
        }
        Ok(SignedCheckpoint {
            checkpoint: Checkpoint::parse_body(&body)?,
            signature: hex::decode(&sig).ok_or_else(bad)?,
        })
    }
}

/// Equality of two public digests (event, chain and checkpoint hashes are not secrets; MAC
/// tags, which are, are compared in constant time by `hmac`'s `verify_slice`).
pub(crate) fn digest_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::EventType;

    #[test]
    fn key_evolution_is_forward_only() {
        let mut k = MacKey::new([7; 32]);
        let k0 = k.clone();
        assert!(k.evolve());
        assert_eq!(k.epoch(), 1);
        assert_ne!(k.expose_secret(), k0.expose_secret());
        assert_eq!(k0.derive(1).unwrap().expose_secret(), k.expose_secret());
        assert!(k.derive(0).is_none());
        assert!(!format!("{k:?}").contains("7"));
    }

    #[test]
    fn evolve_at_most_once_between_records() {
        let mut c = Chain::keyed("t", MacKey::new([1; 32])).unwrap();
        assert!(c.evolve_key());
        assert!(!c.evolve_key());
        c.seal(
            Record::builder(EventType::LogStarted, "a", 0)
                .build()
                .unwrap(),
        )
        .unwrap();
        assert!(c.evolve_key());
        assert_eq!(c.state().epoch(), 2);
    }

    #[test]
    fn checkpoint_body_roundtrip_and_signature() {
        let cp = Checkpoint::new("gw/eu-1", 42, [3; 32], 1_700_000_000_000).unwrap();
        assert_eq!(Checkpoint::parse_body(&cp.body()).unwrap(), cp);
        let key = HmacCheckpointKey::new([9; 32]);
        let s = cp.clone().sign(&key).unwrap();
        assert_eq!(s.verify(&key), Some(&cp));
        let s2 = SignedCheckpoint::parse_line(&s.to_line()).unwrap();
        assert_eq!(s2, s);
        assert!(s2.verify(&HmacCheckpointKey::new([8; 32])).is_none());
        let forged = Checkpoint::new("gw/eu-1", 41, [3; 32], 1_700_000_000_000).unwrap();
        let mut line = s.to_line();
        line = line.replace("\\n42\\n", "\\n41\\n");
        let s3 = SignedCheckpoint::parse_line(&line).unwrap();
        assert_eq!(s3.checkpoint_unverified(), &forged);
        assert!(s3.verify(&key).is_none());
    }
}
