#!/usr/bin/env python3
"""An independent SHA-256 tree hash, written from the Glacier developer guide's description:
hash each 1 MiB chunk, then hash pairs level by level, carrying an odd last digest up unchanged.

Usage: tree_hash.py FILE [START SIZE]...  prints "TREEHASH SHA256" per file (or per range).
"""
import hashlib
import sys

MIB = 1024 * 1024


def tree_hash(data: bytes) -> str:
    level = [hashlib.sha256(data[i:i + MIB]).digest() for i in range(0, len(data), MIB)] or [hashlib.sha256(b"").digest()]
    while len(level) > 1:
        paired = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def main(args):
    path, ranges = args[0], args[1:]
    with open(path, "rb") as f:
        data = f.read()
    if not ranges:
        ranges = ["0", str(len(data))]
    for i in range(0, len(ranges), 2):
        start, size = int(ranges[i]), int(ranges[i + 1])
        piece = data[start:start + size]
        print(tree_hash(piece), hashlib.sha256(piece).hexdigest())


if __name__ == "__main__":
    main(sys.argv[1:])
