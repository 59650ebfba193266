"""Summarise a py-spy raw (collapsed stacks) file: the functions with the most samples, inclusive and
self, optionally only in stacks that pass through a frame matching --under.

    .venv/bin/python bench/profile_top.py var/profile/embedded-base.txt [--under call_create] [--top 40]
"""

from __future__ import annotations

import argparse
import collections
import re


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--under", help="regex: only stacks with a frame matching it")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--idle", action="store_true", help="keep idle samples (the loop waiting)")
    args = parser.parse_args()
    inclusive: collections.Counter = collections.Counter()
    self_: collections.Counter = collections.Counter()
    total = kept = 0
    for line in open(args.path):
        stack, _, count = line.rstrip().rpartition(" ")
        n = int(count)
        total += n
        frames = stack.split(";")
        if not args.idle and re.search(r"^_worker \(concurrent/futures/thread.py:81\)|^Runner.run \(|"
                                       r"select \(selectors|wait \(threading", frames[-1]):
            continue
        if args.under and not any(re.search(args.under, f) for f in frames):
            continue
        kept += n
        for frame in set(frames):
            inclusive[frame] += n
        self_[frames[-1]] += n
    print(f"{kept} of {total} samples ({100 * kept / max(total, 1):.0f}%)")
    print("inclusive:")
    for frame, n in inclusive.most_common(args.top):
        print(f"  {100 * n / max(kept, 1):5.1f}%  {frame[:150]}")
    print("self:")
    for frame, n in self_.most_common(args.top // 2):
        print(f"  {100 * n / max(kept, 1):5.1f}%  {frame[:150]}")


if __name__ == "__main__":
    main()
