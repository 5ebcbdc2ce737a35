#!/usr/bin/env python3
"""Independent check of a lastgate audit log (record schema v1), standard library only.

Reads JSON Lines on stdin (or from the file named as the first argument) and, for every
record, recomputes with Python's own json, hashlib and hmac modules:

  canonical bytes = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                    (equal to RFC 8785 for this float-free, ASCII-key profile); every stored
                    line must already be exactly these bytes
  event_hash = SHA-256("lastgate/audit/v1/event\\0" + canon(record minus prev, event_hash,
                                                           chain_hash, mac))
  genesis    = SHA-256("lastgate/audit/v1/genesis\\0" + log_id)
  chain_hash = SHA-256("lastgate/audit/v1/chain\\0" + prev + be64(seq) + event_hash)
  mac        = HMAC-SHA-256(K_e, "lastgate/audit/v1/mac\\0" + chain_hash)
  K_{e+1}    = HMAC-SHA-256(K_e, "lastgate/audit/v1/evolve\\0" + be32(e+1)),  K_0 = ROOT_KEY

Prints "ok N records" and exits 0, or prints one line per problem and exits 1.
"""
import hashlib
import hmac
import json
import sys

# The fixture's epoch-0 MAC key (tests/audit.rs: ROOT = [0x42; 32]). A test key, not a secret.
ROOT_KEY = bytes([0x42]) * 32
SEAL_FIELDS = ("prev", "event_hash", "chain_hash", "mac")


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def no_floats(text):
    raise ValueError("float in record")


def main():
    data = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    problems = []
    key, epoch = ROOT_KEY, 0
    prev_chain = None
    log_id = None
    for n, line in enumerate(lines):
        where = "line %d" % (n + 1)
        try:
            rec = json.loads(line.decode("utf-8"), object_pairs_hook=no_duplicates, parse_float=no_floats)
        except ValueError as e:
            problems.append("%s: not a JSON record (%s)" % (where, e))
            prev_chain = None
            continue
        if canon(rec) != line:
            problems.append("%s: stored bytes are not the canonical form" % where)
        if rec.get("v") != 1:
            problems.append("%s: unknown version" % where)
            continue
        if log_id is None:
            log_id = rec["log_id"]
            prev_chain = sha256(b"lastgate/audit/v1/genesis\0", log_id.encode("utf-8"))
        if rec["log_id"] != log_id:
            problems.append("%s: record of another log" % where)
        if rec["seq"] != n:
            problems.append("%s: seq %d, expected %d" % (where, rec["seq"], n))
        body = {k: v for k, v in rec.items() if k not in SEAL_FIELDS}
        event_hash = sha256(b"lastgate/audit/v1/event\0", canon(body))
        if event_hash.hex() != rec["event_hash"]:
            problems.append("%s: event hash differs" % where)
        prev = bytes.fromhex(rec["prev"])
        if prev_chain is not None and prev != prev_chain:
            problems.append("%s: prev does not link to the previous record" % where)
        chain = sha256(b"lastgate/audit/v1/chain\0", prev, rec["seq"].to_bytes(8, "big"), event_hash)
        if chain.hex() != rec["chain_hash"]:
            problems.append("%s: chain hash differs" % where)
        prev_chain = bytes.fromhex(rec["chain_hash"])
        mac = rec.get("mac")
        if mac is None:
            problems.append("%s: no MAC" % where)
            continue
        if mac["epoch"] < epoch:
            problems.append("%s: MAC epoch went backwards" % where)
            continue
        while epoch < mac["epoch"]:
            epoch += 1
            key = hmac.new(key, b"lastgate/audit/v1/evolve\0" + epoch.to_bytes(4, "big"), hashlib.sha256).digest()
        tag = hmac.new(key, b"lastgate/audit/v1/mac\0" + chain, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(tag, mac["tag"]):
            problems.append("%s: MAC differs" % where)
    for p in problems:
        print(p)
    if problems or not lines:
        sys.exit(1)
    print("ok %d records" % len(lines))


if __name__ == "__main__":
    main()
