#!/usr/bin/python3
"""The track-following example end to end (examples/tracknet/run.sh).

With the `quick` configuration (5 epochs, wide ellipses) on 4000 training tracks and 50
events: the run trains, compiles the float and fixed<16,6> packages,
builds the follower against both and prints its table; every efficiency
lies in [0, 1], the fixed-point one within 0.05 of the float one, the
ellipses have a positive area, most seeds are followed to the last
station, and follow -o wrote one row per station. run.sh refuses a work
folder that exists.
Usage: tracknet_example.py ARIADNEC TRACKNET_SIM RUN_SH WORKDIR
"""
import os
import shutil
import subprocess
import sys


def main():
    ariadnec, sim, script, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    result = subprocess.run([script, ariadnec, sim, work, "quick", "4000",
                             "50"], capture_output=True, text=True,
                            timeout=900)
    print(result.stdout[-2500:])
    if result.returncode != 0:
        sys.exit(f"FAIL: run.sh exited {result.returncode}: "
                 f"{result.stderr[-2000:]}")
    failures = []
    rows = {}
    followed = None
    for line in result.stdout.splitlines():
        fields = line.split()
        if len(fields) == 7 and (fields[0].isdigit() or fields[0] == "all"):
            rows[fields[0]] = [float(v) for v in fields[1:]]
        if line.startswith("tracks followed to station 7:"):
            followed = [float(part.split()[-1])
                        for part in line.split(":")[1].split(",")]
    if sorted(rows) != sorted(["2", "3", "4", "5", "6", "7", "all"]):
        failures.append(f"the table has rows {sorted(rows)}")
    for name, (eff_float, eff_fixed, area_float, area_fixed, _, _) in \
            rows.items():
        if not (0 <= eff_float <= 1 and 0 <= eff_fixed <= 1):
            failures.append(f"station {name}: efficiency out of [0, 1]")
        if abs(eff_float - eff_fixed) > 0.05:
            failures.append(f"station {name}: fixed point {eff_fixed} far "
                            f"from float {eff_float}")
        if not (area_float > 0 and area_fixed > 0):
            failures.append(f"station {name}: an ellipse area is not > 0")
    if followed is None or len(followed) != 2 or min(followed) < 0.5:
        failures.append(f"tracks followed: {followed}")
    stations = os.path.join(work, "stations.csv")
    if not os.path.exists(stations) or \
            len(open(stations).read().splitlines()) != 7:
        failures.append("follow -o did not write 6 stations")
    again = subprocess.run([script, ariadnec, sim, work], capture_output=True,
                           text=True)
    if again.returncode == 0 or "exists" not in again.stderr:
        failures.append("run.sh reused an existing work folder")
    for failure in failures:
        print("FAIL:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
