"""Verifies a COMPLETE lyceum-export-v1 file (docs/audit-format.md) against a trusted key.

Usage: python3 verify.py <public key, 64 hex> <file>. Prints OK, or exits 1 with
"FAILED at position P: <name>: <reason>". Partial exports need the Rust lyceum-verify.
"""
import hashlib, itertools, json, struct, sys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

def sha256(*parts): return hashlib.sha256(b"".join(parts)).digest()
def node(left, right): return sha256(b"\x01", left, right)
def text(s): return struct.pack(">I", len(s.encode())) + s.encode()
def optional(s): return b"\x00" if s is None else b"\x01" + text(s)
def fail(position, reason):
    sys.exit(f"FAILED{'' if position is None else f' at position {position}'}: {reason}")

def event_hash(e):  # lyceum-event-v1, section 2
    fields = [text(e["event_id"]), text(e["aggregate_type"]), text(e["aggregate_id"]),
              struct.pack(">q", e["version"]), text(e["event_type"]),
              struct.pack(">q", e["event_version"]), text(e["payload"]), optional(e["space_id"]),
              text(e["actor"]), text(e["correlation_id"]), optional(e["causation_id"]),
              text(e["request_id"]), text(e["recorded_at"])]
    if e.get("occurred_at") is not None: fields.append(text(e["occurred_at"]))  # field 14
    return sha256(b"lyceum-event-v1\x00", bytes.fromhex(e["previous"]), *fields)

def consistent(m, old, n, new, proof):  # RFC 9162 2.1.4.2, for 0 < m < n
    path = ([old] if m & (m - 1) == 0 else []) + proof
    fn, sn, fr, sr = m - 1, n - 1, path[0], path[0]
    while fn & 1: fn, sn = fn >> 1, sn >> 1
    for c in path[1:]:
        if sn == 0: return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn: fn, sn = fn >> 1, sn >> 1
        else: sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old and sr == new

key_hex, path = sys.argv[1:3]
lines = (json.loads(line) for line in open(path, encoding="utf-8"))
header = next(lines, {})
expected = ("header", "lyceum-export-v1", True)
if (header.get("kind"), header.get("format"), header.get("complete")) != expected:
    fail(None, "malformed: line 1: not the header of a complete lyceum-export-v1 export")
if bytes.fromhex(header["public_key"]) != bytes.fromhex(key_hex):
    fail(None, "key-mismatch: the export claims another key than the trusted one")
key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(key_hex))
seals, k = [], 0          # (tree_size, root) of each checkpoint; seals[k] is the next to reach
heads, edge, n = {}, [], 0  # stream -> (version, hash); the tree's right edge; its size
last = since = None       # last position; first position since the last root matched
for e in itertools.chain(lines, [{"kind": "end"}]):
    if e["kind"] == "checkpoint":
        size, root = e["tree_size"], bytes.fromhex(e["root"])
        if last is not None or (seals and size <= seals[-1][0]):
            fail(None, "malformed: checkpoint line out of order")
        signed = f"lyceum-checkpoint-v1\n{size}\n{root.hex()}\n{e['time']}\n".encode()
        try: key.verify(bytes.fromhex(e["signature"]), signed)
        except InvalidSignature: fail(None, f"bad-signature: checkpoint {size} is not signed by the key")
        proof = [bytes.fromhex(c) for c in e["consistency"]]
        if seals and not consistent(*seals[-1], size, root, proof):
            fail(None, f"inconsistent: checkpoint {size} does not extend checkpoint {seals[-1][0]}")
        seals.append((size, root)); continue
    while k < len(seals) and seals[k][0] == n:  # the tree reached a checkpoint: compare roots
        root = edge[-1] if edge else sha256()
        for left in reversed(edge[:-1]): root = node(left, root)
        if root != seals[k][1]: fail(since, f"root-mismatch: the first {n} events give another root")
        k, since = k + 1, None
    if e["kind"] == "end": break
    p, v, h, previous = e["position"], e["version"], event_hash(e), bytes.fromhex(e["previous"])
    if last is not None and p <= last: fail(p, "reordered: the position does not increase")
    if e["leaf_index"] > n: fail(p, "missing: a leaf index is skipped")
    if e["leaf_index"] < n: fail(p, "reordered: the leaf index goes back")
    if h != bytes.fromhex(e["hash"]): fail(p, "edited: the contents do not give the hash")
    head = heads.get((e["aggregate_type"], e["aggregate_id"]))
    if head is None and (v != 1 or previous != bytes(32)): fail(p, "missing: stream without version 1")
    if head and v <= head[0]: fail(p, "reordered: the stream already reached this version")
    if head and v > head[0] + 1: fail(p, "missing: the stream skips a version")
    if head and previous != head[1]: fail(p, "edited: previous is not the stream's prior hash")
    heads[(e["aggregate_type"], e["aggregate_id"])] = (v, h)
    leaf, bits = sha256(b"\x00", h), n  # append the leaf, merging subtrees of equal size
    while bits & 1: leaf, bits = node(edge.pop(), leaf), bits >> 1
    edge.append(leaf)
    n, last, since = n + 1, p, p if since is None else since
if k < len(seals): fail(last, f"truncated: the export ends before the {seals[k][0]} events sealed")
print(f"OK: {n} events in {len(heads)} streams; {len(seals)} checkpoints verified")
