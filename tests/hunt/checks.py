"""The check helper shared by the hunt integration tests: one ok/FAIL line per check; finish() exits
non-zero when any check failed."""
import sys

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def finish():
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)
