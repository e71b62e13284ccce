#!/usr/bin/env python3
"""Does a capture (tcpwatch --pcap) say what its recording (--json --segments) says?

pcapagree.py RUN.pcapng RUN.json reads the capture with tshark, a reader of
its own, and holds it against the recording of the same run:

- one packet per segment line, in the same order, with the same namespace
  (the interface is named NETNS/IFNAME), ends, seq, ack, flags and length;
- a comment 'SIDE OLD -> NEW (TRIGGER / ACTION)' for each step, on the
  segment the step names by its numbers (cause_seq: received, sent_seq:
  sent) in the step's namespace; 'dropped: REASON' for each drop, on a
  segment with the drop's ends and numbers in its namespace; no other
  comment.

It prints what it found as one JSON object (packets, interfaces, step and
drop comments) and fails, saying why, at the first disagreement.
"""
import json
import subprocess
import sys

FIELDS = ["frame.interface_name", "frame.comment", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst",
          "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len"]
FLAG_NAMES = {0x02: "SYN", 0x12: "SYN,ACK", 0x11: "FIN,ACK", 0x01: "FIN", 0x14: "RST,ACK", 0x04: "RST", 0x10: "ACK"}


def fail(why):
    print("pcapagree: " + why, file=sys.stderr)
    sys.exit(1)


def endpoint(addr, port):
    return ("[%s]:%s" if ":" in addr else "%s:%s") % (addr, port)


def packets(path):
    cmd = ["tshark", "-r", path, "-T", "json"]
    for field in FIELDS:
        cmd += ["-e", field]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    found = []
    for frame in json.loads(out or "[]"):
        layer = frame["_source"]["layers"]

        def one(*names):
            for name in names:
                if name in layer:
                    return layer[name][0]
            fail("a packet without %s: %s" % (" or ".join(names), layer))

        found.append({
            "netns": one("frame.interface_name").rsplit("/", 1)[0],
            "interface": one("frame.interface_name"),
            "src": endpoint(one("ip.src", "ipv6.src"), one("tcp.srcport")),
            "dst": endpoint(one("ip.dst", "ipv6.dst"), one("tcp.dstport")),
            "seq": int(one("tcp.seq_raw")),
            "ack": int(one("tcp.ack_raw")),
            "segment": FLAG_NAMES.get(int(one("tcp.flags"), 16) & 0x17, "?"),
            "len": int(one("tcp.len")),
            "comments": layer.get("frame.comment", []),
        })
    return found


def step_comment(step):
    who = step["side"] if step["side"] != "-" else step["local"]
    return "%s %s -> %s (%s / %s)" % (who, step["old"], step["new"], step["trigger"], step["action"])


def expected_comments(recording):
    """(text, which packets may carry it) for every step and drop of the recording."""
    wanted = []
    for e in recording:
        if e["event"] == "state" and "cause_seq" in e:
            wanted.append((step_comment(e), lambda p, e=e: p["netns"] == e["netns"] and p["src"] == e["remote"]
                           and p["dst"] == e["local"] and p["seq"] == e["cause_seq"]))
        if e["event"] == "state" and "sent_seq" in e:
            wanted.append((step_comment(e), lambda p, e=e: p["netns"] == e["netns"] and p["src"] == e["local"]
                           and p["dst"] == e["remote"] and p["seq"] == e["sent_seq"]))
        if e["event"] == "drop":
            wanted.append(("dropped: " + e["reason"], lambda p, e=e: p["netns"] == e["netns"]
                           and p["src"] == e["src"] and p["dst"] == e["dst"] and p["seq"] == e["seq"]
                           and p["ack"] == e["ack"] and p["segment"] == e["segment"]))
    return wanted


def main():
    if len(sys.argv) != 3:
        fail("usage: pcapagree.py RUN.pcapng RUN.json")
    caught = packets(sys.argv[1])
    with open(sys.argv[2]) as f:
        recording = [json.loads(line) for line in f if line.strip()]
    segments = [e for e in recording if e["event"] == "segment"]
    if len(caught) != len(segments):
        fail("%d packets in the capture, %d segment lines in the recording" % (len(caught), len(segments)))
    for n, (p, s) in enumerate(zip(caught, segments), 1):
        for key in ("netns", "src", "dst", "seq", "ack", "segment", "len"):
            if p[key] != s[key]:
                fail("packet %d: %s %r, the recording's segment says %r" % (n, key, p[key], s[key]))
    left = [list(p["comments"]) for p in caught]
    wanted = expected_comments(recording)
    for text, fits in wanted:
        for n, p in enumerate(caught):
            if text in left[n] and fits(p):
                left[n].remove(text)
                break
        else:
            fail("no packet carries %r where the recording puts it" % text)
    for n, rest in enumerate(left, 1):
        if rest:
            fail("packet %d has comments the recording has no step or drop for: %r" % (n, rest))
    print(json.dumps({
        "packets": len(caught),
        "interfaces": sorted({p["interface"] for p in caught}),
        "steps": sum(1 for text, _ in wanted if not text.startswith("dropped: ")),
        "drops": sum(1 for text, _ in wanted if text.startswith("dropped: ")),
        "comments": [p["comments"] for p in caught],
    }))


if __name__ == "__main__":
    main()
