"""The check helper shared by the hunt integration tests: one ok/FAIL line per check; finish() exits
non-zero when any check failed."""
import sys

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def references_hold(db, what):
    """Every foreign key of the case resolves (the recorder writes without SQLite's own checks)."""
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    check(not broken, f"{what}: every reference in the case resolves ({len(broken)} broken, e.g. {broken[:1]})")


def finish():
    print("%d failures" % len(failures))
    sys.exit(1 if failures else 0)
