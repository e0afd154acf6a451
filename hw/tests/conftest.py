import os
import sys

HW = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if HW not in sys.path:
    sys.path.insert(0, HW)

import shlex

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "pty_only: needs the socat pty pair (skipped on real adapters)")


@pytest.fixture
def rig(request):
    """registerd on PAIRPAY_TERMINAL_PORT and our register on PAIRPAY_REGISTER_PORT, or on a fresh
    socat pty pair when those are unset. Skips when the registerd binary is missing."""
    from harness import PtyPair, Rig, registerd_path

    binary = registerd_path()
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.skip("registerd binary not found at %s (build it with `swift build --product registerd` "
                    "or set REGISTERD=/path/to/registerd)" % binary)
    reg_port = os.environ.get("PAIRPAY_REGISTER_PORT")
    term_port = os.environ.get("PAIRPAY_TERMINAL_PORT")
    if bool(reg_port) != bool(term_port):
        pytest.fail("set both PAIRPAY_REGISTER_PORT and PAIRPAY_TERMINAL_PORT, or neither")
    pair = None
    if not reg_port:
        pair = PtyPair()
        reg_port, term_port = pair.register, pair.terminal
    elif request.node.get_closest_marker("pty_only"):
        pytest.skip("needs the socat pty pair; running on real adapters")
    r = None
    try:
        r = Rig(reg_port, term_port, pair=pair,
                baud=int(os.environ.get("PAIRPAY_BAUD", "115200")),
                flow_control=os.environ.get("PAIRPAY_FLOW_CONTROL", "none"),
                extra_args=shlex.split(os.environ.get("REGISTERD_ARGS", "")))
        yield r
        if not r.registerd.alive():
            pytest.fail("registerd exited (code %s) during the test:\n%s"
                        % (r.registerd.proc.returncode, r.registerd.output()))
    finally:
        if r:
            r.close()
        if pair:
            pair.close()
