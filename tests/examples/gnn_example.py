#!/usr/bin/python3
"""The edge-classifier example end to end (examples/gnn).

barrel-sim: the header, a seed gives the same events, hits lie on the
layers' radii inside the barrel, bad arguments are refused with exit
status 2 and no output file. graph-build: bad arguments are refused, a
file that is not barrel-sim's is refused naming its line 1.
run.sh with the `quick` configuration (6 epochs) on 3000 training events:
every stage writes its file; the classify program prints efficiency and
purity above 0.9 (graph building alone: purity 0.57) at a score cut of 0.5 for the float and the fixed-point
package, fixed point within 0.01 of float, the fixed-point kernel agrees
per event and batched, scores.csv holds every test edge; the trained model
validates bit for bit on cpp at fixed<16,6>. run.sh refuses a work folder
that exists.
Usage: gnn_example.py ARIADNEC BARREL_SIM GRAPH_BUILD RUN_SH WORKDIR
"""
import os
import re
import shutil
import subprocess
import sys

RADII = {40.0, 80.0, 120.0, 170.0, 230.0, 300.0}


def check_tools(sim, build, work, failures):
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "sim.csv")
    subprocess.run([sim, "-n", "200", "-s", "9", "-o", path], check=True)
    again = subprocess.run([sim, "-n", "200", "-s", "9"], check=True,
                           capture_output=True, text=True).stdout
    text = open(path).read()
    if text != again:
        failures.append("barrel-sim: the same seed gave other events")
    lines = text.splitlines()
    if lines[0] != "event,hit,layer,module,r,phi,z,particle":
        failures.append(f"barrel-sim: header {lines[0]}")
    events = set()
    for line in lines[1:]:
        event, hit, layer, module, r, phi, z, particle = \
            [float(v) for v in line.split(",")]
        events.add(event)
        if r not in RADII or abs(phi) > 3.1416 or abs(z) > 500 or \
                module // 10000 != layer or particle < -1:
            failures.append(f"barrel-sim: a bad hit {line}")
            break
    if len(events) < 190:
        failures.append(f"barrel-sim: {len(events)} events with hits of 200")
    for args in (["-n", "0"], ["-n", "x"], ["--bogus"], ["-s"]):
        bad = os.path.join(work, "bad.csv")
        result = subprocess.run([sim] + args + ["-o", bad],
                                capture_output=True, text=True)
        if result.returncode != 2 or "barrel-sim: error:" not in \
                result.stderr or os.path.exists(bad):
            failures.append(f"barrel-sim {' '.join(args)}: not refused")
    for args in ([], ["bogus"], ["graphs", path, "-o", "x"],
                 ["map", path, "-o", "x", "--max-nodes", "0"]):
        result = subprocess.run([build] + args, capture_output=True,
                                text=True, cwd=work)
        if result.returncode != 2 or "graph-build: error:" not in \
                result.stderr:
            failures.append(f"graph-build {' '.join(args)}: not refused")
    notes = os.path.join(work, "notes.csv")
    with open(notes, "w") as f:
        f.write("a,b\n1,2\n")
    result = subprocess.run([build, "map", notes, "-o",
                             os.path.join(work, "map.csv")],
                            capture_output=True, text=True)
    if result.returncode != 1 or f"{notes}:1: not a barrel-sim file" not in \
            result.stderr or os.path.exists(os.path.join(work, "map.csv")):
        failures.append("graph-build read a file that is not barrel-sim's: "
                        + result.stderr)


def main():
    ariadnec, sim, build, script, work = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(work + "-tools", ignore_errors=True)
    failures = []
    check_tools(sim, build, work + "-tools", failures)
    result = subprocess.run([script, ariadnec, sim, build, work, "quick",
                             "3000"], capture_output=True, text=True,
                            timeout=1200)
    print(result.stdout[-2500:])
    if result.returncode != 0:
        sys.exit(f"FAIL: run.sh exited {result.returncode}: "
                 f"{result.stderr[-2000:]}")
    for name in ("module_map.csv", "train_nodes.csv", "train_edges.csv",
                 "test_nodes.csv", "test_edges.csv", "scores.csv",
                 "curve.csv", "runs/quick/expert_0.onnx",
                 "runs/quick/expert_0_edges.csv", "hls/report.json"):
        if not os.path.exists(os.path.join(work, name)):
            failures.append(f"run.sh wrote no {name}")
    match = re.search(r"at score > 0.50: float efficiency ([\d.]+) purity "
                      r"([\d.]+); fixed efficiency ([\d.]+) purity ([\d.]+)",
                      result.stdout)
    if not match:
        failures.append("no efficiency line")
    else:
        fe, fp, qe, qp = (float(v) for v in match.groups())
        if min(fe, fp, qe, qp) < 0.9:
            failures.append(f"efficiency and purity {fe} {fp} (float), {qe} "
                            f"{qp} (fixed): below 0.9")
        if abs(fe - qe) > 0.01 or abs(fp - qp) > 0.01:
            failures.append("fixed point far from float")
    if "batched vs per event: fixed 0 scores differ" not in result.stdout:
        failures.append("the batched fixed-point kernel differs per event")
    edges = len(open(os.path.join(work, "test_edges.csv")).readlines())
    scores = os.path.join(work, "scores.csv")
    if os.path.exists(scores) and len(open(scores).readlines()) != edges:
        failures.append("scores.csv does not hold every test edge")
    run = os.path.join(work, "runs", "quick")
    check = subprocess.run(
        [ariadnec, "validate", os.path.join(run, "expert_0.onnx"), "--target",
         "cpp", "--precision", "fixed<16,6>", "--input",
         os.path.join(run, "expert_0_inputs.csv")],
        capture_output=True, text=True, timeout=600)
    if check.returncode != 0 or "bit for bit" not in check.stdout:
        failures.append("validate: " + (check.stdout + check.stderr)[-300:])
    again = subprocess.run([script, ariadnec, sim, build, work],
                           capture_output=True, text=True)
    if again.returncode == 0 or "exists" not in again.stderr:
        failures.append("run.sh reused an existing work folder")
    for failure in failures:
        print("FAIL:", failure)
    if failures:
        sys.exit(1)
    print("ok: edge-classifier example")


if __name__ == "__main__":
    main()
