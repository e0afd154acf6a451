"""The rest of the kit: pty-pair.sh, the udev rule, the systemd unit and config example, the HIL
runner and cable check."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
import serial

from harness import HW, PtyPair, Registerd, registerd_path

from pairpay_register import Link, build

PY = sys.executable


def registerd_or_skip():
    b = registerd_path()
    if not os.access(b, os.X_OK):
        pytest.skip("registerd binary not found at %s (swift build --product registerd, or set REGISTERD)" % b)
    return b


# ---------------------------------------------------------------- pty-pair.sh

def test_pty_pair_script(tmp_path):
    d = tmp_path / "pp"
    p = subprocess.Popen([os.path.join(HW, "pty-pair.sh"), "--dir", str(d)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        lines = [p.stdout.readline().strip(), p.stdout.readline().strip()]
        assert lines == ["register=%s/register" % d, "terminal=%s/terminal" % d]
        a = serial.Serial(str(d / "register"), 115200, timeout=1)
        b = serial.Serial(str(d / "terminal"), 115200, timeout=1)
        raw = bytes(range(256))                  # raw mode: every byte value passes unchanged
        a.write(raw)
        assert b.read(256) == raw
        b.write(b"\r\n\x03\x11\x13")
        assert a.read(5) == b"\r\n\x03\x11\x13"
        a.close()
        a = serial.Serial(str(d / "register"), 115200, timeout=1)   # reopen: the cable stays
        b.write(b"again")
        assert a.read(5) == b"again"
        a.close()
        b.close()
    finally:
        p.send_signal(signal.SIGTERM)
        assert p.wait(5) == 0
        p.stdout.close()
        p.stderr.close()
    assert not (d / "register").exists() and not (d / "terminal").exists()


def test_pty_pair_script_rejects_unknown_arguments():
    r = subprocess.run([os.path.join(HW, "pty-pair.sh"), "--bogus"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2 and "unknown argument" in r.stderr


# ---------------------------------------------------------------- udev

RULES = os.path.join(HW, "udev", "99-pairpay-register.rules")
_PAIR = re.compile(r'\s*([A-Z_]+(?:\{[^}]+\})?)\s*(==|!=|\+=|-=|:=|=)\s*"([^"]*)"\s*')


def parse_rule(line):
    pairs, pos = [], 0
    while pos < len(line):
        m = _PAIR.match(line, pos)
        assert m, "cannot parse udev rule at %r" % line[pos:]
        pairs.append(m.groups())
        pos = m.end()
        if pos < len(line):
            assert line[pos] == ",", "expected ',' at %r" % line[pos:]
            pos += 1
    return pairs


def test_udev_rules_parse_and_set_what_registerd_needs():
    active, examples = [], []
    for line in open(RULES, encoding="utf-8"):
        line = line.strip()
        if line.startswith("#SUBSYSTEM"):
            examples.append(parse_rule(line[1:]))
        elif line and not line.startswith("#"):
            active.append(parse_rule(line))
    main = [r for r in active if ("SYMLINK", "+=", "pairpay-register") in r]
    assert len(main) == 1
    rule = dict((k, v) for k, op, v in main[0])
    assert rule["ENV{ID_MM_DEVICE_IGNORE}"] == "1"
    assert rule["GROUP"] == "pairpay" and rule["MODE"] == "0660"
    assert "ATTRS{serial}" in rule and "ATTRS{idVendor}" in rule and "ATTRS{idProduct}" in rule
    assert ("ENV{SYSTEMD_WANTS}", "+=", "registerd.service") in main[0]
    ids = {(dict((k, v) for k, _, v in r).get("ATTRS{idVendor}"), dict((k, v) for k, _, v in r).get("ATTRS{idProduct}"))
           for r in active + examples}
    assert ("0403", "6001") in ids and ("10c4", "ea60") in ids     # FTDI FT232R, CP2102
    labels = re.findall(r'GOTO="([^"]+)"', open(RULES).read())
    assert labels and all('LABEL="%s"' % l in open(RULES).read() for l in labels)


# ---------------------------------------------------------------- systemd

UNIT = os.path.join(HW, "systemd", "registerd.service")
CONF = os.path.join(HW, "systemd", "registerd.conf.example")


def unit_directives():
    d = {}
    for line in open(UNIT, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            k, _, v = line.partition("=")
            d.setdefault(k, []).append(v)
    return d


def test_systemd_unit_hardening():
    d = unit_directives()
    for key, value in [("User", "pairpay"), ("SupplementaryGroups", "dialout"), ("Restart", "on-failure"),
                       ("ProtectSystem", "strict"), ("ReadWritePaths", "/var/lib/pairpay"),
                       ("NoNewPrivileges", "yes"), ("DevicePolicy", "closed"),
                       ("WantedBy", r"dev-pairpay\x2dregister.device")]:
        assert value in d.get(key, []), key
    # Rides through an unplug: registerd reopens the device itself (PROTOCOL.md section 4), so
    # nothing may tie the service's life to the device unit.
    for key in ("BindsTo", "Requires", "PartOf", "Requisite", "StopWhenUnneeded"):
        assert key not in d, key
    assert any(v.startswith("/dev/pairpay-register") for v in d["DeviceAllow"])
    assert r"dev-pairpay\x2dregister.device" in d["After"][0]
    assert "RestartSec" in d
    assert d["ExecStart"][0].split()[1:] == ["--config", "/etc/pairpay/registerd.conf"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_unit_verifies(tmp_path):
    text = open(UNIT).read().replace("/usr/local/bin/registerd", shutil.which("true"))
    (tmp_path / "registerd.service").write_text(text)
    r = subprocess.run(["systemd-analyze", "verify", str(tmp_path / "registerd.service")],
                       capture_output=True, text=True, timeout=60)
    complaints = [l for l in (r.stdout + r.stderr).splitlines() if "registerd.service" in l]
    assert r.returncode == 0 and not complaints, r.stdout + r.stderr


def test_config_example_keys_are_registerd_options():
    binary = registerd_or_skip()
    help_text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=30).stdout
    options = set(re.findall(r"--([a-z][a-z0-9-]+)", help_text))
    keys = [l.split("=")[0].strip() for l in open(CONF) if l.strip() and not l.startswith("#")]
    assert keys and set(keys) <= options, set(keys) - options


def test_registerd_runs_with_the_config_example(tmp_path):
    registerd_or_skip()
    pp = PtyPair()
    d = None
    try:
        conf = tmp_path / "registerd.conf"
        journal = tmp_path / "registerd-journal.sqlite"
        conf.write_text(open(CONF).read()
                        .replace("/dev/pairpay-register", pp.terminal)
                        .replace("/var/lib/pairpay/registerd-journal.sqlite", str(journal)))
        d = Registerd(pp.terminal, ["--config", str(conf)])
        with Link(pp.register) as link:
            link.send(build.hello())
            reply = link.expect("HELLO REPLY", 5)
        assert reply["DEVICE ID"] == "PP-TERM-1"       # terminal-id from the file
        assert journal.exists()                          # journal from the file
    finally:
        if d:
            d.close()
        pp.close()


# ---------------------------------------------------------------- HIL tools

def test_check_wiring_on_a_pty_pair():
    pp = PtyPair()
    try:
        tool = os.path.join(HW, "hil", "check-wiring.py")
        r = subprocess.run([PY, tool, pp.register, pp.terminal], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0 and "data A->B: 512 bytes OK" in r.stdout and "data B->A" in r.stdout, r.stdout
        r = subprocess.run([PY, tool, pp.register, pp.terminal, "--flow-control", "rts-cts"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and "RTS" in r.stdout        # a pty has no modem lines
        r = subprocess.run([PY, tool, pp.register, pp.register], capture_output=True, text=True, timeout=30)
        assert r.returncode == 1 and "same device" in r.stderr
    finally:
        pp.close()


def test_run_hil_refuses_bad_setups(tmp_path):
    tool = os.path.join(HW, "hil", "run-hil.sh")
    r = subprocess.run([tool], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "REGISTER_PORT TERMINAL_PORT" in r.stdout
    r = subprocess.run([tool, "/nonexistent/a", "/nonexistent/b"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "does not exist" in r.stderr
    r = subprocess.run([tool, "/dev/null", "/dev/null"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "same device" in r.stderr


def test_run_hil_rehearsal_on_a_pty_pair():
    """run-hil.sh end to end, with the two ends of a pty pair standing in for the adapters."""
    registerd_or_skip()
    pp = PtyPair()
    try:
        env = dict(os.environ)
        for k in ("PAIRPAY_REGISTER_PORT", "PAIRPAY_TERMINAL_PORT"):
            env.pop(k, None)
        r = subprocess.run([os.path.join(HW, "hil", "run-hil.sh"), pp.register, pp.terminal, "-q", "-p",
                            "no:cacheprovider", "-k", "hello_reply or bad_crc or closing_and_reopening"],
                           capture_output=True, text=True, timeout=120, env=env)
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
        assert "wiring OK" in r.stdout and "3 passed" in r.stdout, r.stdout[-3000:]
    finally:
        pp.close()
