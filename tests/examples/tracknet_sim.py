#!/usr/bin/python3
"""tracknet-sim (examples/tracknet/TrackSim.cpp) writes sensible tracks.

500 training tracks of a fixed seed, into a temporary directory:
  - the header names s<s>_r, s<s>_phi, s<s>_z for every station, then pt,
    q, phi0, eta, z0, for 8 stations (the default) and for -S 6, and there
    are 500 rows of 3 S + 5 numbers;
  - the truth in range (pt in [0.5, 3], q +-1 with both present, phi0 in
    [-pi, pi), eta in [-1, 1], z0 spread about 5 cm); every hit's phi in
    [-pi, pi], r the station's radius 20 + 12 s cm, |z| < 150 cm;
  - the hits follow the helix: phi moves by a small step from station to
    station, the way -q says (the whole turn always, each step within the
    smearing), and z is linear in the transverse arc length 2 Rc asin(r /
    2 Rc) with the slope sinh(eta) and the intercept z0;
  - the smearing: the residuals of r phi and z about the true helix
    (computed from the truth columns) have deviations of 0.05 cm and 0.1 cm
    within 20%, and means near 0;
  - --events: the header event, station, phi, z, track; events numbered in
    order, stations sorted within an event, tracks + fakes hits per station
    with every track once, track ids in [-1, K), the track hits not always
    first (shuffled), and a track's hits on a smooth path;
  - the same seed gives the same bytes, also on the standard output, and in
    both modes, and another seed other tracks;
  - bad arguments (-S 5, -S 11, -n 0, an unknown option, --tracks -1, ...)
    are refused with one line on stderr, a non-zero status and no output
    file; -h prints the usage.
Usage: tracknet_sim.py TRACKNET_SIM
"""
import math
import os
import subprocess
import sys
import tempfile

TRUTH = ["pt", "q", "phi0", "eta", "z0"]
SIGMA_RPHI, SIGMA_Z = 0.05, 0.1
HALF_LENGTH = 150.0

failures = {}


def check(condition, message):
    if not condition:
        failures[message] = failures.get(message, 0) + 1


def run(sim, *args):
    return subprocess.run([sim, *args], capture_output=True, text=True,
                          timeout=60)


def columns(stations):
    names = []
    for s in range(stations):
        names += [f"s{s}_r", f"s{s}_phi", f"s{s}_z"]
    return names + TRUTH


def radius(s):
    return 20.0 + 12.0 * s


def curvature_radius(pt):
    """Transverse radius of curvature (cm) in the 1 T field."""
    return 100.0 * pt / 0.3


def wrap(phi):
    return (phi + math.pi) % (2 * math.pi) - math.pi


def mean(values):
    return sum(values) / len(values)


def spread(values):
    m = mean(values)
    return math.sqrt(mean([(v - m) ** 2 for v in values]))


def generate(sim, work, name, *args):
    """Runs the simulation into work/name; returns the text or None."""
    path = os.path.join(work, name)
    result = run(sim, *args, "-o", path)
    if result.returncode != 0 or result.stderr:
        check(False, f"tracknet-sim {' '.join(args)} failed "
                     f"({result.returncode}): {result.stderr.strip()}")
        return None
    with open(path) as f:
        return f.read()


def check_tracks(text, stations):
    lines = text.splitlines()
    check(lines[0].split(",") == columns(stations),
          f"S = {stations}: header {lines[0][:80]}...")
    check(len(lines) == 501, f"S = {stations}: {len(lines) - 1} tracks, "
                             f"not 500")
    rows = [[float(v) for v in line.split(",")] for line in lines[1:]]
    check(all(len(r) == 3 * stations + 5 for r in rows),
          f"S = {stations}: row lengths")
    rows = [r for r in rows if len(r) == 3 * stations + 5]

    rphi_residuals, z_residuals = [], []
    for r in rows:
        pt, q, phi0, eta, z0 = r[-5:]
        check(0.5 <= pt <= 3.0, f"pt {pt}")
        check(q in (1.0, -1.0), f"q {q}")
        check(-math.pi <= phi0 < math.pi, f"phi0 {phi0}")
        check(-1.0 <= eta <= 1.0, f"eta {eta}")
        check(abs(z0) < 40.0, f"z0 {z0}")
        rc = curvature_radius(pt)
        hits = [r[3 * s:3 * s + 3] for s in range(stations)]
        arcs = []
        for s, (hr, phi, z) in enumerate(hits):
            check(hr == radius(s), f"station {s} at r = {hr}")
            check(abs(phi) <= math.pi, f"phi {phi}")
            check(abs(z) < HALF_LENGTH, f"|z| = {abs(z)} not below 150")
            turn = math.asin(radius(s) / (2 * rc))
            arcs.append(2 * rc * turn)
            rphi_residuals.append(
                wrap(phi - (phi0 - q * turn)) * radius(s))
            z_residuals.append(z - (z0 + math.sinh(eta) * 2 * rc * turn))
        # phi steps: small, and as the charge bends (within the smearing).
        for s in range(stations - 1):
            step = wrap(hits[s + 1][1] - hits[s][1])
            expected = -q * (math.asin(radius(s + 1) / (2 * rc)) -
                             math.asin(radius(s) / (2 * rc)))
            noise = math.hypot(SIGMA_RPHI / radius(s),
                               SIGMA_RPHI / radius(s + 1))
            check(abs(step) < 0.06, f"phi step {step:.4f} rad")
            check(-q * step > -5 * noise,
                  f"phi step {step:.5f} against the charge {q:+.0f}")
            check(abs(step - expected) < 5 * noise,
                  f"phi step {step:.5f}, {expected:.5f} from pt")
        turn = wrap(hits[-1][1] - hits[0][1])
        check(-q * turn > 0, f"the track turns by {turn:.4f} with q {q:+.0f}")
        # z linear in the transverse arc length: slope sinh(eta), intercept
        # z0 (least squares).
        zs = [h[2] for h in hits]
        ma, mz = mean(arcs), mean(zs)
        slope = (sum((a - ma) * (z - mz) for a, z in zip(arcs, zs)) /
                 sum((a - ma) ** 2 for a in arcs))
        intercept = mz - slope * ma
        check(abs(slope - math.sinh(eta)) < 0.01,
              f"dz/ds {slope:.4f}, sinh(eta) {math.sinh(eta):.4f}")
        check(abs(intercept - z0) < 0.5,
              f"z at s = 0: {intercept:.3f}, z0 {z0:.3f}")

    check(0.4 <= mean([r[-4] > 0 for r in rows]) <= 0.6,
          "positive charges are not about half")
    check(4.0 <= spread([r[-1] for r in rows]) <= 6.0,
          f"z0 spread {spread([r[-1] for r in rows]):.2f} cm, not about 5")
    for label, values, sigma in (("r phi", rphi_residuals, SIGMA_RPHI),
                                 ("z", z_residuals, SIGMA_Z)):
        check(0.8 * sigma <= spread(values) <= 1.2 * sigma,
              f"S = {stations}: {label} resolution {spread(values):.4f} cm, "
              f"not {sigma}")
        check(abs(mean(values)) < 0.2 * sigma,
              f"S = {stations}: {label} residuals biased by "
              f"{mean(values):.4f} cm")


def check_events(text, events, tracks, fakes, stations):
    lines = text.splitlines()
    label = f"--events {events} --tracks {tracks} --fakes {fakes} -S " \
            f"{stations}"
    check(lines[0] == "event,station,phi,z,track", f"{label}: header "
                                                   f"{lines[0]}")
    check(len(lines) - 1 == events * stations * (tracks + fakes),
          f"{label}: {len(lines) - 1} hits")
    order, groups = [], {}
    for line in lines[1:]:
        fields = line.split(",")
        if len(fields) != 5:
            check(False, f"{label}: row {line}")
            continue
        event, station, track = int(fields[0]), int(fields[1]), int(fields[4])
        phi, z = float(fields[2]), float(fields[3])
        check(-1 <= track < tracks, f"{label}: track id {track}")
        check(abs(phi) <= math.pi, f"{label}: phi {phi}")
        check(abs(z) < HALF_LENGTH, f"{label}: z {z}")
        if not order or order[-1] != (event, station):
            order.append((event, station))
        groups.setdefault((event, station), []).append((track, phi, z))
    check(order == [(e, s) for e in range(events) for s in range(stations)],
          f"{label}: hits not grouped by event and station in order")
    first = 0
    for (event, station), hits in groups.items():
        ids = [h[0] for h in hits]
        check(len(hits) == tracks + fakes,
              f"{label}: {len(hits)} hits on a station")
        check(sorted(i for i in ids if i >= 0) == list(range(tracks)),
              f"{label}: tracks missing or twice on a station")
        check(ids.count(-1) == fakes, f"{label}: {ids.count(-1)} fakes")
        first += ids[:tracks] == list(range(tracks))
    if tracks and fakes:
        check(first < len(groups) / 2,
              f"{label}: the tracks come first, in order, on {first} of "
              f"{len(groups)} stations: not shuffled")
    for event in range(events):
        for t in range(tracks):
            path = [next((h for h in groups.get((event, s), ())
                          if h[0] == t), None) for s in range(stations)]
            if None in path:
                continue
            for a, b in zip(path, path[1:]):
                check(abs(wrap(b[1] - a[1])) < 0.06 and
                      abs(b[2] - a[2]) < 20.0,
                      f"{label}: a track jumps between stations")


def main():
    sim = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="tracknet-sim-") as work:
        text = generate(sim, work, "first.csv", "-n", "500", "-s", "7")
        if text is None:
            sys.exit(f"FAIL: {next(iter(failures))}")
        check_tracks(text, 8)
        six = generate(sim, work, "six.csv", "-n", "500", "-s", "3", "-S",
                       "6")
        if six is not None:
            check_tracks(six, 6)
        ten = generate(sim, work, "ten.csv", "-n", "500", "-s", "3", "-S",
                       "10")
        if ten is not None:
            check_tracks(ten, 10)

        lines = text.splitlines()
        # The seed frame: the same tracks, each rotated so that its first
        # hit is at phi = 0.
        framed = run(sim, "-n", "500", "-s", "7", "--seed-frame")
        check(framed.returncode == 0, "--seed-frame failed")
        if framed.returncode == 0:
            for lab, rot in zip(lines[1:], framed.stdout.splitlines()[1:]):
                lab = [float(v) for v in lab.split(",")]
                rot = [float(v) for v in rot.split(",")]
                check(rot[1] == 0.0, "--seed-frame: s0_phi is not 0")
                for s in range(8):
                    turn = math.remainder(lab[3 * s + 1] - lab[1], 2 * math.pi)
                    check(abs(math.remainder(rot[3 * s + 1] - turn,
                                             2 * math.pi)) < 1e-6 and
                          abs(rot[3 * s + 1]) <= math.pi and
                          rot[3 * s + 2] == lab[3 * s + 2],
                          "--seed-frame: a hit is not the rotated lab hit")
        # Deterministic for a seed, on stdout too; another seed differs.
        second = generate(sim, work, "second.csv", "-n", "500", "-s", "7")
        check(second == text, "the same seed gave other tracks")
        head = run(sim, "-n", "20", "-s", "7")
        check(head.returncode == 0 and
              head.stdout.splitlines() == lines[:21],
              "stdout differs from the file's first tracks")
        other = run(sim, "-n", "20", "-s", "8")
        check(other.returncode == 0 and
              other.stdout.splitlines()[1:] != lines[1:21],
              "seeds 7 and 8 gave the same tracks")
        default = run(sim, "-s", "7")
        check(default.returncode == 0 and
              len(default.stdout.splitlines()) == 10001,
              "not 10000 tracks by default")

        events = generate(sim, work, "events.csv", "--events", "30", "-s",
                          "5")
        if events is not None:
            check_events(events, 30, 10, 20, 8)
        small = generate(sim, work, "small.csv", "--events", "40",
                         "--tracks", "3", "--fakes", "5", "-S", "6")
        if small is not None:
            check_events(small, 40, 3, 5, 6)
        clean = generate(sim, work, "clean.csv", "--events", "5", "--fakes",
                         "0", "-S", "10")
        if clean is not None:
            check_events(clean, 5, 10, 0, 10)
        noise = generate(sim, work, "noise.csv", "--events", "5", "--tracks",
                         "0")
        if noise is not None:
            check_events(noise, 5, 0, 20, 8)
        again = run(sim, "--events", "30", "-s", "5")
        check(again.returncode == 0 and again.stdout == events,
              "--events: the same seed gave other bytes (stdout)")
        other = run(sim, "--events", "30", "-s", "6")
        check(other.returncode == 0 and other.stdout != events,
              "--events: seeds 5 and 6 gave the same events")

        bad = os.path.join(work, "bad.csv")
        for args in (["-S", "5"], ["-S", "11"], ["-S", "8.5"], ["-n", "0"],
                     ["-n", "abc"], ["-n", "-5"], ["-n", "1e3"],
                     ["-n", "99999999999999999999999"], ["-s", "1.5"],
                     ["--tracks", "-1", "--events", "2"],
                     ["--events", "2", "--tracks", "-1"],
                     ["--events", "0"], ["--fakes", "x", "--events", "2"],
                     ["--tracks", "3"], ["--events", "2", "-n", "5"],
                     ["--events", "2", "--tracks", "0", "--fakes", "0"],
                     ["--events", "2", "--seed-frame"],
                     ["-s"], ["-x"], ["--event", "3"], ["tracks.csv"]):
            result = run(sim, *args, "-o", bad) if args != ["-s"] else \
                run(sim, "-o", bad, *args)
            check(result.returncode != 0, f"{args} accepted")
            check(len(result.stderr.splitlines()) == 1 and
                  result.stderr.startswith("tracknet-sim: error:"),
                  f"{args}: stderr {result.stderr!r}")
            check(not os.path.exists(bad), f"{args} wrote {bad}")
        check(sorted(os.listdir(work)) ==
              sorted(["first.csv", "six.csv", "ten.csv", "second.csv",
                      "events.csv", "small.csv", "clean.csv", "noise.csv"]),
              f"stray files: {sorted(os.listdir(work))}")
        for flag in ("-h", "--help"):
            result = run(sim, flag)
            check(result.returncode == 0 and
                  result.stdout.startswith("usage:"),
                  f"{flag} is not answered with the usage")
        result = run(sim, "-n", "1", "-o",
                     os.path.join(work, "missing", "x.csv"))
        check(result.returncode != 0 and
              "cannot write" in result.stderr, "an unwritable -o accepted")

    for message, count in failures.items():
        print(f"FAIL: {message}" + (f" ({count} times)" if count > 1 else ""))
    if failures:
        sys.exit(1)
    print("tracknet-sim: all checks passed")


if __name__ == "__main__":
    main()
