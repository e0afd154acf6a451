#!/usr/bin/env python3
"""Which modules a running Swift process's resident code pages belong to.

Usage: scripts/resident-text.py PID [BINARY]

Reads /proc/PID/maps and /proc/PID/pagemap (run as root, or as the process's user with
CAP_SYS_ADMIN, for the present bits) and the symbols of BINARY (default: the process's
executable; give the unstripped one). Every resident page of the executable's mappings is
attributed to the modules whose symbols it holds (shared evenly when several do): Swift
symbols by the module in their mangled name, C symbols by their prefix (BoringSSL copies,
sqlite, libserialport, ...). Prints KiB per module, largest first, then shared libraries.
"""
import collections, os, re, struct, subprocess, sys

PAGE = os.sysconf("SC_PAGE_SIZE")


def module_of(name):
    if name.startswith("$s") or name.startswith("_$s"):
        m = re.match(r"_?\$s(\d+)([A-Za-z_][A-Za-z0-9_]*)", name)
        if m:
            n = int(m.group(1))
            return m.group(2)[:n]
        return "Swift (stdlib and generic specializations)"
    for prefix, module in [
        ("CNIOBoringSSL", "CNIOBoringSSL (swift-nio-ssl)"),
        ("CCryptoBoringSSL", "CCryptoBoringSSL (swift-crypto)"),
        ("c_nio", "CNIO* (swift-nio shims)"),
        ("CNIO", "CNIO* (swift-nio shims)"),
        ("sqlite3", "sqlite3"),
        ("sp_", "libserialport"),
        ("QRcode", "qrencode"),
    ]:
        if name.startswith(prefix):
            return module
    return "other C / runtime glue"


def main():
    pid = int(sys.argv[1])
    exe = os.readlink(f"/proc/{pid}/exe")
    binary = sys.argv[2] if len(sys.argv) > 2 else exe
    maps = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            start, end = (int(x, 16) for x in parts[0].split("-"))
            path = parts[5] if len(parts) > 5 else ""
            maps.append((start, end, parts[1], int(parts[2], 16), path))
    own = [m for m in maps if m[4] == exe]
    base = min(m[0] - m[3] for m in own)  # PIE: runtime = base + file virtual address
    symbols = []
    out = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            symbols.append((int(parts[0], 16), parts[2]))
    addresses = [a for a, _ in symbols]
    import bisect

    def present_pages(start, end):
        with open(f"/proc/{pid}/pagemap", "rb") as pm:
            pm.seek(start // PAGE * 8)
            data = pm.read((end - start) // PAGE * 8)
        for i in range(len(data) // 8):
            (entry,) = struct.unpack("<Q", data[i * 8 : i * 8 + 8])
            if entry >> 63 & 1:
                yield start + i * PAGE

    by_module = collections.Counter()
    resident = collections.Counter()
    for start, end, perm, offset, path in maps:
        if not path.startswith("/"):
            continue
        pages = list(present_pages(start, end))
        resident[(path, perm)] += len(pages) * PAGE // 1024
        if path != exe or "x" not in perm:
            continue
        for page in pages:
            lo, hi = page - base, page - base + PAGE
            i = max(bisect.bisect_right(addresses, lo) - 1, 0)
            owners = set()
            while i < len(symbols) and symbols[i][0] < hi:
                owners.add(module_of(symbols[i][1]))
                i += 1
            owners = owners or {"no symbol"}
            for owner in owners:
                by_module[owner] += PAGE / 1024 / len(owners)
    total = sum(by_module.values())
    print(f"resident code of {exe}: {total:.0f} KiB")
    for module, kib in by_module.most_common():
        if kib >= 64:
            print(f"{kib:8.0f} KiB  {module}")
    print("resident pages by mapping (KiB):")
    for (path, perm), kib in resident.most_common(14):
        print(f"{kib:8d}  {perm}  {path}")


main()
