#!/usr/bin/python3
"""The hit-set transformer example end to end (examples/hit_transformer).

hit-sim: the header names 16 hits of (x, z, e, m) and theta; a seed gives
the same events; every event has 3 to 16 real hits (mask 1, positive
energy) and padding hits that are all zero, and theta lies in [-1, 1]; bad
arguments are refused with exit status 2 and no output file.
run.sh with the `quick` configuration (6 epochs) on 4000 training events:
it trains, compiles the float and fixed-point packages and the HLS
project, and the angle program prints the resolution of both (fixed point
within 10 mrad of float, both better than guessing 0, 577 mrad), agrees
per event and batched in fixed point, and wrote one prediction per test
event. run.sh refuses a work folder that exists.
The float C++ package of the base model (bench/hit_transformer.onnx, whose
scratch arena is per thread) validates against the emulator on hit-sim's
events: GCC 12.2 once miscompiled its attention products with 512-bit
vectors (runtime/ariadne/platform.h, opaqueScratch).
Usage: hit_transformer_example.py ARIADNEC HIT_SIM RUN_SH WORKDIR BASE_ONNX
"""
import csv
import os
import re
import shutil
import subprocess
import sys


def check_sim(sim, work, failures):
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "sim.csv")
    subprocess.run([sim, "-n", "300", "-s", "9", "-o", path], check=True)
    again = subprocess.run([sim, "-n", "300", "-s", "9"], check=True,
                           capture_output=True, text=True).stdout
    text = open(path).read()
    if text != again:
        failures.append("hit-sim: the same seed gave other events")
    rows = list(csv.reader(text.splitlines()))
    header = [f"h{i}_{c}" for i in range(16) for c in "xzem"] + ["theta"]
    if rows[0] != header:
        failures.append(f"hit-sim: header {rows[0][:6]}...")
    for row in rows[1:]:
        values = [float(v) for v in row]
        hits = [values[4 * i:4 * i + 4] for i in range(16)]
        real = [h for h in hits if h[3] == 1]
        padding = [h for h in hits if h[3] == 0]
        if not 3 <= len(real) <= 16 or len(real) + len(padding) != 16 or \
                any(v != 0 for h in padding for v in h) or \
                not -1 <= values[-1] <= 1 or \
                any(h[2] <= 0 for h in real):
            failures.append(f"hit-sim: a bad event {row[:8]}...")
            break
    if len(rows) != 301:
        failures.append(f"hit-sim: {len(rows) - 1} events, expected 300")
    for args in (["-n", "0"], ["-n", "x"], ["--bogus"], ["-s"]):
        bad = os.path.join(work, "bad.csv")
        result = subprocess.run([sim] + args + ["-o", bad],
                                capture_output=True, text=True)
        if result.returncode != 2 or "hit-sim: error:" not in result.stderr \
                or os.path.exists(bad):
            failures.append(f"hit-sim {' '.join(args)}: not refused cleanly")


def check_base_float(ariadnec, model, work, failures):
    events = os.path.join(work, "sim.csv")
    inputs = os.path.join(work, "inputs.csv")
    with open(events) as src, open(inputs, "w") as dst:
        for line in src.read().splitlines()[1:]:
            dst.write(",".join(line.split(",")[:64]) + "\n")
    result = subprocess.run([ariadnec, "validate", model, "--target", "cpp",
                             "--input", inputs],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or "300 events x 1 outputs agree" not in \
            result.stdout + result.stderr:
        failures.append("the float C++ package of the base model: "
                        + (result.stdout + result.stderr).strip()[-300:])


def main():
    ariadnec, sim, script, work, base = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    failures = []
    check_sim(sim, work + "-sim", failures)
    check_base_float(ariadnec, base, work + "-sim", failures)
    result = subprocess.run([script, ariadnec, sim, work, "quick", "4000"],
                            capture_output=True, text=True, timeout=1200)
    print(result.stdout[-2500:])
    if result.returncode != 0:
        sys.exit(f"FAIL: run.sh exited {result.returncode}: "
                 f"{result.stderr[-2000:]}")
    match = re.search(r"angle resolution \(rms, mrad\): float ([\d.]+), "
                      r"fixed ([\d.]+)", result.stdout)
    if not match:
        failures.append("no resolution line")
    else:
        flt, fix = float(match.group(1)), float(match.group(2))
        if not (0 < flt < 400 and 0 < fix < 400):
            failures.append(f"resolution float {flt}, fixed {fix} mrad: no "
                            "better than guessing")
        if abs(flt - fix) > 10:
            failures.append(f"fixed point {fix} mrad far from float {flt}")
    if "batched vs per event: fixed 0 events differ" not in result.stdout:
        failures.append("the batched fixed-point kernel differs per event")
    predictions = os.path.join(work, "predictions.csv")
    if not os.path.exists(predictions) or \
            len(open(predictions).read().splitlines()) != 2001:
        failures.append("angle -o did not write 2000 predictions")
    if not os.path.exists(os.path.join(work, "hls", "report.json")):
        failures.append("no HLS project")
    again = subprocess.run([script, ariadnec, sim, work], capture_output=True,
                           text=True)
    if again.returncode == 0 or "exists" not in again.stderr:
        failures.append("run.sh reused an existing work folder")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: hit-set transformer example")


if __name__ == "__main__":
    main()
