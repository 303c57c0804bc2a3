"""tapout.py - what the integration tests' Python helpers share: ok()
prints "ok - what" or "not ok - what" with "# " lines of detail (lib.sh's
script_tap numbers them into TAP), status() is the exit status."""

failed = 0


def ok(cond, what, detail=None):
    global failed
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failed += 1
        if detail is not None:
            for line in str(detail).splitlines()[:30]:
                print("# " + line)
    return cond


def status():
    return 1 if failed else 0
