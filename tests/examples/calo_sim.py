#!/usr/bin/python3
"""calo-sim (examples/calo_cnn/CaloSim.cpp) writes sensible events.

500 events of a fixed seed, into a temporary directory:
  - the header names tower_0 ... tower_63, energy, x, y, is_em, sum, and
    there are 500 rows of 69 numbers;
  - energies in [5, 100] GeV, impact points in the central 2 x 2 towers,
    is_em 0 or 1 and both kinds present;
  - towers zero or above the 0.5 GeV threshold, and sum their sum;
  - the tower sum of an e/gamma is close to its energy (on average and
    event by event above 20 GeV); a pion's is lower and spreads more;
  - e/gamma showers are the more compact, and their energy-weighted
    centroid is the impact point (row = x, column = y);
  - the same seed gives the same bytes, also on the standard output, and
    another seed other events;
  - bad arguments are refused with one line on stderr, a non-zero status
    and no output file; -h prints the usage.
Usage: calo_sim.py CALO_SIM
"""
import math
import os
import subprocess
import sys
import tempfile

SIDE = 8
THRESHOLD = 0.5
COLUMNS = [f"tower_{t}" for t in range(SIDE * SIDE)] + [
    "energy", "x", "y", "is_em", "sum"]

failures = {}


def check(condition, message):
    if not condition:
        failures[message] = failures.get(message, 0) + 1


def run(sim, *args):
    return subprocess.run([sim, *args], capture_output=True, text=True,
                          timeout=60)


def main():
    sim = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="calo-sim-") as work:
        first = os.path.join(work, "first.csv")
        result = run(sim, "-n", "500", "-s", "7", "-o", first)
        if result.returncode != 0 or result.stderr:
            sys.exit(f"calo-sim failed ({result.returncode}): {result.stderr}")
        with open(first) as f:
            text = f.read()
        lines = text.splitlines()
        check(lines[0].split(",") == COLUMNS, f"header: {lines[0][:80]}...")
        check(len(lines) == 501, f"{len(lines) - 1} events, not 500")
        rows = [[float(v) for v in line.split(",")] for line in lines[1:]]
        check(all(len(r) == len(COLUMNS) for r in rows), "row lengths")

        em_ratio, pi_ratio, em_core, pi_core = [], [], [], []
        offsets = []
        for r in rows:
            towers, (energy, x, y, is_em, total) = r[:SIDE * SIDE], r[-5:]
            check(5.0 <= energy <= 100.0, f"energy {energy}")
            check(-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0, f"impact {x} {y}")
            check(is_em in (0.0, 1.0), f"is_em {is_em}")
            check(all(t == 0.0 or t >= THRESHOLD for t in towers),
                  "a tower below the threshold is not zero")
            check(abs(sum(towers) - total) <= 1e-3 + 1e-5 * total,
                  f"sum {total} but the towers add up to {sum(towers)}")
            (em_ratio if is_em else pi_ratio).append((energy, total / energy))
            if total <= 0:
                continue
            # Share of the sum in the 3 x 3 towers around the hottest one.
            hot = max(range(SIDE * SIDE), key=lambda t: towers[t])
            i, j = divmod(hot, SIDE)
            core = sum(towers[a * SIDE + b]
                       for a in range(max(0, i - 1), min(SIDE, i + 2))
                       for b in range(max(0, j - 1), min(SIDE, j + 2)))
            (em_core if is_em else pi_core).append(core / total)
            if is_em:
                cx = sum(towers[t] * (t // SIDE - 3.5) for t in
                         range(SIDE * SIDE)) / total
                cy = sum(towers[t] * (t % SIDE - 3.5) for t in
                         range(SIDE * SIDE)) / total
                offsets.append(math.hypot(cx - x, cy - y))

        def mean(values):
            return sum(values) / len(values)

        def spread(values):
            m = mean(values)
            return math.sqrt(mean([(v - m) ** 2 for v in values]))

        fraction = len(em_ratio) / max(1, len(rows))
        check(0.4 <= fraction <= 0.6, f"e/gamma fraction {fraction}")
        if em_ratio and pi_ratio:
            em = [q for _, q in em_ratio]
            pi = [q for _, q in pi_ratio]
            check(0.9 <= mean(em) <= 1.05, f"e/gamma sum/E {mean(em):.3f}")
            hard = [q for e, q in em_ratio if e >= 20.0]
            check(all(0.75 <= q <= 1.2 for q in hard),
                  f"e/gamma above 20 GeV: sum/E in [{min(hard):.3f}, "
                  f"{max(hard):.3f}]")
            check(0.5 <= mean(pi) <= 0.85, f"pion sum/E {mean(pi):.3f}")
            check(mean(pi) < mean(em) - 0.15,
                  f"pion sum/E {mean(pi):.3f}, e/gamma {mean(em):.3f}")
            check(spread(pi) > 2 * spread(em),
                  f"spread of sum/E: pion {spread(pi):.3f}, "
                  f"e/gamma {spread(em):.3f}")
            check(mean(em_core) > mean(pi_core) + 0.05,
                  f"3x3 share: e/gamma {mean(em_core):.3f}, "
                  f"pion {mean(pi_core):.3f}")
            check(mean(offsets) < 0.25,
                  f"e/gamma centroid {mean(offsets):.3f} cells from (x, y)")

        # Deterministic for a seed, on stdout too; another seed differs.
        second = os.path.join(work, "second.csv")
        run(sim, "-n", "500", "-s", "7", "-o", second)
        with open(second) as f:
            check(f.read() == text, "the same seed gave other events")
        head = run(sim, "-n", "20", "-s", "7")
        check(head.returncode == 0 and
              head.stdout.splitlines() == lines[:21],
              "stdout differs from the file's first events")
        other = run(sim, "-n", "20", "-s", "8")
        check(other.stdout.splitlines()[1:] != lines[1:21],
              "seeds 7 and 8 gave the same events")

        bad = os.path.join(work, "bad.csv")
        for args in (["-n", "abc"], ["-n", "-5"], ["-n", "1e3"],
                     ["-n", "99999999999999999999999"], ["-s", "1.5"],
                     ["-s"], ["-x"], ["events.csv"]):
            result = run(sim, *args, "-o", bad) if args != ["-s"] else \
                run(sim, "-o", bad, *args)
            check(result.returncode != 0, f"{args} accepted")
            check(len(result.stderr.splitlines()) == 1 and
                  result.stderr.startswith("calo-sim: error:"),
                  f"{args}: stderr {result.stderr!r}")
            check(not os.path.exists(bad), f"{args} wrote {bad}")
        result = run(sim, "-h")
        check(result.returncode == 0 and result.stdout.startswith("usage:"),
              "-h is not answered with the usage")
        result = run(sim, "-n", "1", "-o",
                     os.path.join(work, "missing", "x.csv"))
        check(result.returncode != 0 and
              "cannot write" in result.stderr, "an unwritable -o accepted")

    for message, count in failures.items():
        print(f"FAIL: {message}" + (f" ({count} times)" if count > 1 else ""))
    if failures:
        sys.exit(1)
    print("calo-sim: all checks passed")


if __name__ == "__main__":
    main()
