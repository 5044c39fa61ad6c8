"""The external tools an end-to-end test needs, found or reported.

Under CI=true nothing skips: a missing tool is a failure that names it
(scripts/install-deps.sh installs every one). Elsewhere a missing tool
skips its checks, and the output says so and that CI would fail.
"""
import os
import shutil

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def find_tool(name, fallbacks=()):
    """The path of `name` on PATH or at one of `fallbacks`, or None."""
    found = shutil.which(name)
    if found:
        return found
    return next((p for p in fallbacks if os.access(p, os.X_OK)), None)


def missing_tool_message(name, what):
    """What to print for a missing tool: a failure under CI, else a skip."""
    if IN_CI:
        return (f"FAIL {what}: '{name}' not found; CI=true runs every check "
                f"(scripts/install-deps.sh installs it)")
    return (f"skip {what}: '{name}' not found (allowed outside CI only; "
            f"under CI=true this fails)")
