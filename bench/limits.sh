#!/usr/bin/env bash
# The performance limits, side by side in one run: each row measures one
# limit of the compiler or its generated code against its goal.
#
#   bench/limits.sh [--quick] BUILD [BENCH_BUILD] [WORK]
#
# BUILD is the build folder of ariadnec (BUILD/tools/ariadnec/ariadnec);
# BENCH_BUILD, if given, the build folder configured with
# -DARIADNE_BUILD_BENCH=ON (its ariadne-bench and ariadne-fixed-bench give
# the kernel rows); WORK (default: a new temporary folder) receives the
# packages and logs. --quick leaves out the Yosys pair (minutes of
# synthesis).
#
# Rows:
#   yosys     27-81-2 at fixed<16,6>, synth_xilinx of multiplier =
#             "shift_add" against "dsp": LUT + 55 DSP of each, the ratio and
#             the pipelines' latencies
#   csim      a 16-500-500-500-500-500-5 ReLU MLP (1.01 M weights):
#             compile --target hls --precision auto, then validate (the C
#             simulation's build and run): seconds and peak memory of the
#             process tree
#   sigma_z   the neurotrigger example: simulate, train expert 0's
#             configuration, emulate at fixed<16,6,RND,SAT> with the
#             tables sized by their function: z resolution against float
#   kernels   ariadne-fixed-bench (fixed<16,6> against float packages,
#             batch of 100,000) and ariadne-bench (single event and the
#             batched share of the FMA peak), as those programs print them
#
# Needs /usr/bin/python3 with numpy and onnx (Debian's python3-onnx) to
# write the MLP, and yosys for the first row.
set -euo pipefail

quick=0
if [[ ${1:-} == --quick ]]; then
  quick=1
  shift
fi
if [[ $# -lt 1 ]]; then
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "$1" && pwd)
bench_build=${2:+$(cd "$2" && pwd)}
work=${3:-$(mktemp -d /tmp/ariadnec-limits.XXXXXX)}
mkdir -p "$work"
ariadnec=$build/tools/ariadnec/ariadnec
[[ -x $ariadnec ]] || { echo "limits.sh: $ariadnec not found" >&2; exit 1; }
python=/usr/bin/python3
nt=$root/examples/neurotrigger

# Wall seconds and peak resident memory (GiB, the largest process of the
# tree) of a command; its output goes to $work/$1.log.
measure() {
  local log=$work/$1.log
  shift
  "$python" - "$log" "$@" <<'EOF'
import resource, subprocess, sys, time
log, cmd = sys.argv[1], sys.argv[2:]
start = time.monotonic()
with open(log, "w") as out:
    rc = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT)
seconds = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
print(f"{rc} {seconds:.1f} {peak:.2f}")
EOF
}

echo "ariadnec limits: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), work $work"
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
printf '%-8s %-58s %-26s %s\n' row measure now goal

# --- yosys: shift_add against dsp --------------------------------------
if [[ $quick == 0 ]]; then
  declare -A cost latency
  for m in dsp shift_add; do
    printf '[verilog]\nmultiplier = "%s"\n' "$m" >"$work/$m.toml"
    rm -rf "$work/rtl_$m"
    "$ariadnec" compile "$nt/neurotrigger.onnx" --target verilog \
      --precision 'fixed<16,6>' --config "$work/$m.toml" --synth yosys \
      -o "$work/rtl_$m" >"$work/yosys_$m.log" 2>&1 ||
      { echo "limits.sh: synthesis failed, see $work/yosys_$m.log" >&2; exit 1; }
    read -r luts dsps lat < <("$python" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(r["yosys"]["luts"], r["yosys"]["dsps"], r["totals"]["latency_cycles"])' "$work/rtl_$m/report.json")
    cost[$m]=$((luts + 55 * dsps))
    latency[$m]=$lat
    printf '%-8s %-58s %-26s %s\n' yosys "27-81-2 $m: LUT + 55 DSP ($luts LUT, $dsps DSP)" \
      "${cost[$m]}, ${lat} cycles" ""
  done
  ratio=$("$python" -c "print(f'{${cost[shift_add]} / ${cost[dsp]}:.2f}')")
  printf '%-8s %-58s %-26s %s\n' yosys "shift_add / dsp" \
    "$ratio, +$((latency[shift_add] - latency[dsp])) cycles" "<= 0.6, 0 DSP, <= +1 cycle"
fi

# --- csim: a million weights -------------------------------------------
"$python" - "$work" <<'EOF'
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
work = sys.argv[1]
rng = np.random.default_rng(2027)
dims = [16, 500, 500, 500, 500, 500, 5]
nodes, inits, x = [], [], "x"
for i, (a, b) in enumerate(zip(dims, dims[1:])):
    w = (rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32)
    bias = (0.1 * rng.standard_normal(b)).astype(np.float32)
    inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(bias, f"b{i}")]
    y = f"h{i}" if i + 2 < len(dims) else "y"
    nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [y + "_pre" if y != "y" else y], name=f"fc{i}"))
    if y != "y":
        nodes.append(helper.make_node("Relu", [y + "_pre"], [y], name=f"relu{i}"))
    x = y
graph = helper.make_graph(
    nodes, "mlp_1m",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 16])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 5])], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), f"{work}/mlp_1m.onnx")
np.savetxt(f"{work}/mlp_1m_events.csv", rng.standard_normal((200, 16)), delimiter=",", fmt="%.6f")
EOF
weights=$("$python" -c '
import onnx, sys, numpy as np
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
print(sum(numpy_helper.to_array(t).size for t in m.graph.initializer if t.name.startswith("w")))' "$work/mlp_1m.onnx")
rm -rf "$work/mlp_1m_hls"
read -r rc secs peak < <(measure csim_compile "$ariadnec" compile "$work/mlp_1m.onnx" \
  --target hls --precision auto --calibration "$work/mlp_1m_events.csv" -o "$work/mlp_1m_hls")
[[ $rc == 0 ]] || { echo "limits.sh: compile failed, see $work/csim_compile.log" >&2; exit 1; }
printf '%-8s %-58s %-26s %s\n' csim "compile --target hls, $weights weights" "${secs} s, ${peak} GiB" "<= 30 s"
read -r rc secs peak < <(measure csim_validate "$ariadnec" validate "$work/mlp_1m.onnx" \
  --target hls --precision auto --calibration "$work/mlp_1m_events.csv" \
  --input "$work/mlp_1m_events.csv")
[[ $rc == 0 ]] || { echo "limits.sh: validate failed, see $work/csim_validate.log" >&2; exit 1; }
printf '%-8s %-58s %-26s %s\n' csim "validate --target hls (C simulation), 200 events" "${secs} s, ${peak} GiB" "<= 120 s, <= 2 GiB"
grep -m1 '^validate:' "$work/csim_validate.log" | sed 's/^/         /'

# --- sigma_z: the neurotrigger's quantization loss ----------------------
sim=$build/examples/neurotrigger/neurotrigger-sim
if [[ -x $sim ]]; then
  "$sim" -n 40000 -s 1 -o "$work/nt_events.csv" >/dev/null
  "$ariadnec" train "$nt/neurotrigger.toml" --config base --data "$work/nt_events.csv" \
    -o "$work/nt_runs" --quiet
  run=$work/nt_runs/base
  "$ariadnec" emulate "$run/expert_0.onnx" --input "$run/expert_0_inputs.csv" \
    -o "$work/nt_float.csv" >/dev/null
  "$ariadnec" emulate "$run/expert_0.onnx" --input "$run/expert_0_inputs.csv" \
    --precision 'fixed<16,6,RND,SAT>' -o "$work/nt_fixed.csv" >"$work/nt_fixed.log" 2>&1
  read -r float fixed < <("$python" - "$run/expert_0_predictions.csv" "$work/nt_float.csv" "$work/nt_fixed.csv" <<'EOF'
import sys, statistics
def rows(path):
    return [l for l in open(path) if l.strip() and not l.startswith("#")]
truth = [float(l.split(",")[0]) for l in rows(sys.argv[1])]
def sigma(path):
    # The model's first output is z / 100 cm.
    return statistics.pstdev(float(l.split(",")[0]) * 100 - t for l, t in zip(rows(path), truth))
print(f"{sigma(sys.argv[2]):.3f} {sigma(sys.argv[3]):.3f}")
EOF
)
  loss=$("$python" -c "print(f'{100 * ($fixed / $float - 1):+.1f}')")
  printf '%-8s %-58s %-26s %s\n' sigma_z "neurotrigger expert 0, float -> fixed<16,6,RND,SAT>" \
    "$float -> $fixed cm (${loss}%)" "<= +5%"
else
  echo "sigma_z  (skipped: $sim not built)"
fi

# --- kernels: the benchmark programs ------------------------------------
if [[ -n $bench_build ]]; then
  echo "kernels: $bench_build/bench/ariadne-fixed-bench --events 100000"
  "$bench_build/bench/ariadne-fixed-bench" --events 100000 | sed 's/^/  /'
  echo "kernels: $bench_build/bench/ariadne-bench --cpu 1"
  "$bench_build/bench/ariadne-bench" --cpu 1 | sed 's/^/  /'
else
  echo "kernels  (skipped: no BENCH_BUILD given)"
fi
