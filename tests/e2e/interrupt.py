#!/usr/bin/python3
"""An interrupted ariadnec leaves nothing behind.

For SIGINT, SIGTERM and SIGHUP, a real `validate` (HLS C simulation, the
C++ package) is interrupted while its child build runs, the signal sent to
ariadnec alone, as `kill PID` does. Then:
  - ariadnec exited with 128 + the signal;
  - no process of the child's process group is left (the compiler is not
    orphaned);
  - the -o directory does not exist, nor any OUT.partial-* beside it, nor
    the directories -o would have created;
  - the compiler ran with its TMPDIR inside ariadnec's scratch directory,
    and ariadnec's own TMPDIR (a fresh one per run) is empty afterwards:
    no scratch directory, and none of the killed compiler's temporary
    files;
and a SIGHUP that the caller ignores (nohup) leaves the run going.
Usage: interrupt.py ARIADNEC WORKDIR
"""
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
MODEL = os.path.join(SOURCE, "examples", "neurotrigger", "neurotrigger.onnx")
EVENTS = os.path.join(SOURCE, "examples", "neurotrigger", "events.csv")


def process_table():
    """pid -> (ppid, pgid, command name) of every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold blanks.
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] == "Z":
            continue
        table[int(entry)] = (int(fields[1]), int(fields[2]), name)
    return table


def child_groups(pid):
    """The process groups of `pid`'s children that differ from its own."""
    table = process_table()
    own = table.get(pid, (0, 0, ""))[1]
    return {pgid for (ppid, pgid, _) in table.values()
            if ppid == pid and pgid != own}


def group_members(pgid):
    return [(p, name) for p, (_, g, name) in process_table().items()
            if g == pgid]


def child_tmpdirs(groups):
    """The TMPDIR values in the environments of the groups' processes."""
    seen = set()
    for g in groups:
        for p, _ in group_members(g):
            try:
                with open(f"/proc/{p}/environ", "rb") as f:
                    entries = f.read().split(b"\0")
            except OSError:
                continue
            for e in entries:
                if e.startswith(b"TMPDIR="):
                    seen.add(e[7:].decode())
    return seen


def check(ariadnec, work, sig, target):
    name = signal.Signals(sig).name
    case = os.path.join(work, f"{name}-{target}")
    tmp = os.path.join(case, "tmp")
    os.makedirs(tmp)
    out = os.path.join(case, "made", "by", "o", "pkg")
    env = dict(os.environ, TMPDIR=tmp)
    command = [ariadnec, "validate", MODEL, "--target", target,
               "--precision", "fixed<16,6>", "--input", EVENTS, "-o", out]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    # Wait for the build: a child in a process group of its own that has
    # started a compiler (or at least cmake).
    groups, deadline = set(), time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        groups = child_groups(proc.pid)
        names = [n for g in groups for _, n in group_members(g)]
        if any(n in ("cc1plus", "c++", "g++", "ninja", "make", "gmake")
               for n in names):
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        return f"{name}: validate ended before its build was seen: " \
               f"{proc.stderr.read().strip()}"
    if not groups:
        return f"{name}: no child process group of its own seen"
    tmpdirs = child_tmpdirs(groups)
    proc.send_signal(sig)
    try:
        _, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return f"{name}: ariadnec did not exit within 30 s"
    problems = []
    if proc.returncode != 128 + sig:
        problems.append(f"exit {proc.returncode}, expected {128 + sig}")
    # The children end with their group; give the kernel a moment.
    for _ in range(50):
        left = [m for g in groups for m in group_members(g)]
        if not left:
            break
        time.sleep(0.1)
    if left:
        problems.append(f"processes left: {left}")
        for g in groups:
            try:
                os.killpg(g, signal.SIGKILL)
            except ProcessLookupError:
                pass
    if os.path.exists(os.path.join(case, "made")):
        problems.append("the directories on the way to -o were left: " +
                        str(sorted(os.listdir(case))))
    # The children's temporary files (g++'s cc*.s of a compiler killed
    # with its group) belong in the scratch tree, which goes with it.
    if not tmpdirs:
        problems.append("no child's TMPDIR could be read")
    for t in sorted(tmpdirs):
        inside = os.path.dirname(t)
        if not (os.path.dirname(inside) == tmp and
                os.path.basename(inside).startswith("ariadnec-") and
                os.path.basename(t) == "tmp"):
            problems.append(f"a child ran with TMPDIR={t}, not inside "
                            f"ariadnec's scratch directory in {tmp}")
    left_in_tmp = sorted(os.listdir(tmp))
    if left_in_tmp:
        problems.append(f"TMPDIR holds {left_in_tmp}")
    if "interrupted by " + name not in stderr:
        problems.append(f"stderr does not say it was interrupted: {stderr!r}")
    return f"{name} {target}: " + "; ".join(problems) if problems else None


def check_ignored(ariadnec, work):
    """A signal the caller ignores (nohup) stays ignored: the run goes on
    and its package lands."""
    case = os.path.join(work, "ignored")
    tmp = os.path.join(case, "tmp")
    os.makedirs(tmp)
    out = os.path.join(case, "pkg")
    proc = subprocess.Popen(
        [ariadnec, "validate", MODEL, "--precision", "fixed<16,6>",
         "--input", EVENTS, "-o", out],
        env=dict(os.environ, TMPDIR=tmp), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if child_groups(proc.pid):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGHUP)
    try:
        _, stderr = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        return "validate did not finish"
    if proc.returncode != 0 or not os.path.isdir(out):
        return f"exit {proc.returncode}, package {os.path.isdir(out)}: " \
               f"{stderr.strip()}"
    return None


def main():
    ariadnec, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cases = [(signal.SIGINT, "hls"), (signal.SIGTERM, "cpp"),
             (signal.SIGHUP, "hls")]
    failed = 0
    for sig, target in cases:
        error = check(ariadnec, work, sig, target)
        label = f"{signal.Signals(sig).name} during validate --target {target}"
        if error:
            failed += 1
            print(f"FAIL {label}: {error}")
        else:
            print(f"ok   {label}: exit {128 + sig}, no child, no partial "
                  f"output, children's TMPDIR in the scratch, TMPDIR empty")
    error = check_ignored(ariadnec, work)
    if error:
        failed += 1
        print(f"FAIL SIGHUP ignored by the caller (nohup): {error}")
    else:
        print("ok   SIGHUP ignored by the caller (nohup): the run completed "
              "and its package landed")
    print(f"{len(cases) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
