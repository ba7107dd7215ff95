#!/usr/bin/env python3
"""Runs every tests/api/test_*.py with unittest (verbosity 2).

The last line printed is exactly "api: N passed, N failed" (", N skipped" appended when some
were skipped); the exit code is 0 only when nothing failed or errored. When a test fails, the
tail of the log of every ordo server it used is printed.

    ORDO_BIN=$PWD/build/ordo python3 tests/api/run.py [-k PATTERN] [test_module ...]
"""

import argparse
import os
import re
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ordo_server  # noqa: E402


class Result(unittest.TextTestResult):
    def startTest(self, test):
        ordo_server.reset_touched()
        super().startTest(test)

    def _tails(self, test):
        servers = ordo_server.touched_servers()
        srv = getattr(test, "srv", None)
        if isinstance(srv, ordo_server.OrdoServer) and srv not in servers:
            servers.append(srv)
        for s in servers:
            self.stream.write("\n---- ordo log tail (%s, port %s, %s) ----\n%s\n----\n"
                              % (s.dir, s.port, "running" if s.running() else
                                 "exit %s" % (s.proc.returncode if s.proc else "-"),
                                 s.log_tail()))
        self.stream.flush()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._tails(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._tails(test)


def iter_tests(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from iter_tests(t)
        else:
            yield t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", action="append", dest="patterns",
                    help="only tests matching this substring (unittest -k)")
    ap.add_argument("modules", nargs="*", help="test modules, e.g. test_orders")
    opts = ap.parse_args()

    loader = unittest.TestLoader()
    if opts.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in opts.patterns]
    if opts.modules:
        suite = unittest.TestSuite()
        for m in opts.modules:
            m = os.path.basename(m)
            m = m[:-3] if m.endswith(".py") else m
            suite.addTests(loader.loadTestsFromName(m))
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)

    per_class = {}
    for t in iter_tests(suite):
        k = "%s.%s" % (type(t).__module__, type(t).__qualname__)
        per_class[k] = per_class.get(k, 0) + 1

    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2, resultclass=Result)
    t0 = time.monotonic()
    result = runner.run(suite)
    sys.stdout.flush()

    skipped = len(result.skipped)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    # A failed setUpClass stops its tests from running: count each of them as failed.
    for t, _ in result.errors:
        if not isinstance(t, unittest.TestCase):
            m = re.match(r"setUpClass \((.+)\)", str(t))
            if m and m.group(1) in per_class:
                failed += per_class[m.group(1)] - 1
    # Errors in setUpClass/tearDownClass are reported against a holder, not a test that ran.
    # Failing subtests count as failures each; the test that holds them is not a pass.
    real = {id(getattr(t, "test_case", t)) for t, _ in result.failures + result.errors
            if isinstance(t, unittest.TestCase)}
    passed = result.testsRun - skipped - len(real) \
        - len(result.unexpectedSuccesses)
    passed = max(passed, 0)
    ordo_server._cleanup_all()
    line = "api: %d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print("(%.1f s)" % (time.monotonic() - t0))
    print(line)
    sys.stdout.flush()
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
