#!/usr/bin/python3
"""CUDA packages validated on a GPU that sits on another machine.

`ariadnec validate --target cuda` builds a package, runs its test bench on
the GPU (or on the host without one) and compares with the emulator, all
on one machine. Where the GPU is on a machine without ariadnec (a batch
node, a shared card), the same check runs in two halves:

  bench/cuda_validate.py generate ARIADNEC DIR   # here: packages + expected
  bench/cuda_validate.py run DIR [--jobs N] [--allow-host]
                                                 # there: nvcc, tb, compare

`generate` exports the end-to-end test models (tests/e2e/pytorch_models.py,
which needs python3-torch) and takes the two shipped benchmark models
(examples/neurotrigger, bench/jet_tagger.onnx). For each model it writes
one CUDA package per precision (float and the test's fixed-point
precisions) with events.csv (for fixed point, the model's events plus
events at and beyond the types' limits) and expected.csv, the emulator's
outputs for them.

`run` needs only CMake, nvcc and python3's standard library. It builds
every package for the GPU it finds (CUDAARCHS, default `native`), runs
`tb events.csv got.csv` and compares got.csv with expected.csv: fixed-point
outputs exactly (their raw integers of at most 24 bits read back as the
same float32), float outputs within validate's tolerance
(1e-5 + 1e-5 |expected|). It prints one line per package, where tb says
the kernel ran, and a summary; the exit status is 1 when any package
failed to build, disagreed, or ran on the host (unless --allow-host, which
checks the packages on a machine without a GPU).
"""
import concurrent.futures
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLOAT_TOLERANCE = 1e-5


def tag_of(precision):
    """A directory-safe name of a precision: fixed<10,4,RND,SAT> ->
    fixed10_4_RND_SAT."""
    if precision in ("float", "auto"):
        return precision
    inner = precision[len("fixed<"):-1]
    return "fixed" + inner.replace(",", "_")


def read_rows(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append([float(v) for v in line.split(",")])
    return rows


def generate(ariadnec, out_dir):
    sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
    import pytorch_models as e2e  # needs torch; only here

    models_dir = os.path.join(out_dir, "models")
    packages_dir = os.path.join(out_dir, "packages")
    os.makedirs(models_dir, exist_ok=True)
    os.makedirs(packages_dir, exist_ok=True)

    # (name, onnx, float events, fixed-point events, precisions, extra args)
    jobs = []
    for name, build, shapes, opset, dynamic in e2e.MODELS:
        onnx_path, in_csv, _ = e2e.export_model(models_dir, name, build,
                                                shapes, opset, dynamic)
        limits = (e2e.limits_events(models_dir, name, in_csv) if dynamic
                  else in_csv)
        precisions = (e2e.RECURRENT_PRECISIONS
                      if name in e2e.RECURRENT_MODELS
                      else e2e.FIXED_PRECISIONS)
        calibrated = name in e2e.CALIBRATED_MODELS
        jobs.append((name, onnx_path, in_csv, limits, precisions, calibrated))

    example = os.path.join(ROOT, "examples", "neurotrigger")
    nt_events = os.path.join(example, "events.csv")
    jet_events = os.path.join(models_dir, "jet_tagger_in.csv")
    with open(jet_events, "w") as f:
        f.write("# the first 16 columns of the neurotrigger events\n")
        for row in read_rows(nt_events):
            f.write(",".join(repr(v) for v in row[:16]) + "\n")
    for name, onnx_path, events in [
            ("neurotrigger", os.path.join(example, "neurotrigger.onnx"),
             nt_events),
            ("jet_tagger", os.path.join(HERE, "jet_tagger.onnx"),
             jet_events)]:
        jobs.append((name, onnx_path, events, events,
                     ["fixed<16,6>", "fixed<10,4,RND,SAT>", "auto"], False))

    def make(job):
        name, onnx_path, in_csv, limits, precision, calibrated = job
        package = os.path.join(packages_dir, f"{name}__{tag_of(precision)}")
        events = in_csv if precision == "float" else limits
        args = []
        if precision != "float":
            args += ["--precision", precision]
        if precision == "auto" or calibrated:
            args += ["--calibration", in_csv]
        shutil.rmtree(package, ignore_errors=True)
        for command in (
                [ariadnec, "compile", onnx_path, "--target", "cuda", "-o",
                 package] + args,
                [ariadnec, "emulate", onnx_path, "--input", events, "-o",
                 os.path.join(package, "expected.csv")] + args):
            result = subprocess.run(command, capture_output=True, text=True)
            if result.returncode != 0:
                return f"{name} {precision}: {result.stderr.strip()}"
        shutil.copyfile(events, os.path.join(package, "events.csv"))
        with open(os.path.join(package, "precision.txt"), "w") as f:
            f.write(precision + "\n")
        return None

    work = [(name, onnx_path, in_csv, limits, precision, calibrated)
            for name, onnx_path, in_csv, limits, precisions, calibrated in jobs
            for precision in ["float"] + precisions]
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        errors = [e for e in pool.map(make, work) if e]
    for error in errors:
        print("generate: " + error, file=sys.stderr)
    print(f"generate: {len(work) - len(errors)} packages in {packages_dir}")
    return 1 if errors else 0


def as_float32(value):
    return struct.unpack("f", struct.pack("f", value))[0]


def compare(expected, got, exact):
    """None when the tables agree, else where they first differ."""
    if len(expected) != len(got):
        return f"{len(got)} rows, expected {len(expected)}"
    worst = 0.0
    for r, (e_row, g_row) in enumerate(zip(expected, got)):
        if len(e_row) != len(g_row):
            return f"row {r}: {len(g_row)} values, expected {len(e_row)}"
        for c, (e, g) in enumerate(zip(e_row, g_row)):
            if e != e and g != g:  # both NaN
                continue
            if exact:
                ok = as_float32(e) == as_float32(g)
            else:
                ok = abs(g - e) <= FLOAT_TOLERANCE * (1 + abs(e))
            if not ok:
                return (f"event {r}, output {c}: emulator {e!r}, "
                        f"kernel {g!r}")
            worst = max(worst, abs(g - e))
    return None


def run(out_dir, jobs, allow_host):
    packages_dir = os.path.join(out_dir, "packages")
    packages = sorted(os.listdir(packages_dir))
    nvcc = shutil.which("nvcc") or "/usr/local/cuda/bin/nvcc"
    env = dict(os.environ)
    env.setdefault("CUDAARCHS", "native")

    def check(name):
        package = os.path.join(packages_dir, name)
        with open(os.path.join(package, "precision.txt")) as f:
            precision = f.read().strip()
        build = os.path.join(package, "build")
        log = os.path.join(package, "log.txt")
        with open(log, "w") as f:
            for command in (
                    ["cmake", "-S", package, "-B", build,
                     "-DCMAKE_BUILD_TYPE=Release",
                     "-DCMAKE_CUDA_COMPILER=" + nvcc],
                    ["cmake", "--build", build]):
                if subprocess.run(command, stdout=f, stderr=subprocess.STDOUT,
                                  env=env).returncode != 0:
                    return name, precision, "build failed (see log.txt)", ""
        got_csv = os.path.join(package, "got.csv")
        result = subprocess.run(
            [os.path.join(build, "tb"), os.path.join(package, "events.csv"),
             got_csv], capture_output=True, text=True)
        where = " ".join(l[len("tb: "):] for l in result.stderr.splitlines()
                         if l.startswith("tb: ran "))
        if result.returncode != 0:
            return name, precision, "tb: " + result.stderr.strip(), where
        if "on the GPU" not in where and not allow_host:
            return name, precision, "not run on the GPU", where
        error = compare(read_rows(os.path.join(package, "expected.csv")),
                        read_rows(got_csv), exact=precision != "float")
        return name, precision, error, where

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(check, packages))
    failed = 0
    for name, precision, error, where in results:
        model = name.split("__")[0]
        how = "within 1e-5" if precision == "float" else "bit for bit"
        if error:
            failed += 1
            print(f"FAIL {model:30} {precision:22} {error}")
        else:
            print(f"ok   {model:30} {precision:22} {how}; {where}")
    print(f"cuda_validate: {len(results) - failed} of {len(results)} packages "
          f"agree with the emulator, {failed} failed")
    return 1 if failed else 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "generate":
        return generate(argv[2], argv[3])
    if len(argv) >= 3 and argv[1] == "run":
        jobs, allow_host, rest = os.cpu_count() or 2, False, argv[3:]
        while rest:
            if rest[0] == "--allow-host":
                allow_host, rest = True, rest[1:]
            elif rest[0] == "--jobs" and len(rest) > 1:
                jobs, rest = int(rest[1]), rest[2:]
            else:
                print(f"cuda_validate: unknown argument '{rest[0]}'",
                      file=sys.stderr)
                return 2
        return run(argv[2], jobs, allow_host)
    print(__doc__.split("\n\n")[2], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
