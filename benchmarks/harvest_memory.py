"""Peak memory of one harvest: how many bytes of RSS each byte of a peer's dump costs.

    python benchmarks/harvest_memory.py [--mb 10] [--no-validate]

Generates a shape-valid dump of about ``--mb`` MB of distinct triples (benchmarks/generate.py, under the Belgian
node's base so that none of it is "about our resources"), serves it from 127.0.0.1, and harvests it into an
in-memory store in a fresh interpreter, so that the peak RSS it prints (``ru_maxrss``) is the harvest's and
not this script's. Printed: dump size, triples, RSS after the imports, peak RSS, and wall time. Why a script
and not a test: peak RSS depends on the allocator and the machine; the figures belong in a commit message or
docs/reliability.md, not in an assertion.
"""
from __future__ import annotations

import argparse
import http.server
import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent

PEER_BASE = "https://be.chm-cbd.net/tsc/"
OUR_BASE = "https://fr.chm-cbd.net/tsc/"
#: Bytes per generated N-Triples line (153 on average): the generator counts triples, the figure is per MB.
BYTES_PER_TRIPLE = 150

CHILD = """
import json, resource, sys, time
from tsc_graph.federation.harvest import harvest
from tsc_graph.store import open_store
url, validate = sys.argv[1], sys.argv[2] == "1"
store = open_store("memory:")
imports_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.monotonic()
report = harvest(store, url, base_uri=%r, name="bench", validate=validate)
print(json.dumps({"triples": report.triples, "imports_kb": imports_kb, "seconds": time.monotonic() - t0,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
""" % OUR_BASE


def make_dump(megabytes: float, directory: Path) -> Path:
    """An N-Triples dump of about ``megabytes`` MB of distinct triples."""
    out = directory / "dump.nt"
    generate.generate(int(megabytes * 1e6 / BYTES_PER_TRIPLE), out, base=PEER_BASE)
    return out


def serve(path: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``path`` at /dump.nt on 127.0.0.1 (an ephemeral port), from a daemon thread."""
    body = path.read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10.0, help="dump size in MB (default %(default)s)")
    ap.add_argument("--no-validate", action="store_true", help="harvest without SHACL validation")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dump = make_dump(args.mb, Path(tmp))
        httpd = serve(dump)
        try:
            url = f"http://127.0.0.1:{httpd.server_address[1]}/dump.nt"
            proc = subprocess.run([sys.executable, "-c", CHILD, url, "0" if args.no_validate else "1"],
                                  cwd=HERE.parent, capture_output=True, text=True, timeout=1800)
        finally:
            httpd.shutdown()
            httpd.server_close()
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        size_mb = dump.stat().st_size / 1e6
    peak_mb, imports_mb = got["peak_kb"] / 1024, got["imports_kb"] / 1024
    print(f"dump: {size_mb:.1f} MB, {got['triples']} triples harvested"
          f" ({'no validation' if args.no_validate else 'validated'}) in {got['seconds']:.1f} s")
    print(f"RSS after imports: {imports_mb:.0f} MB; peak RSS: {peak_mb:.0f} MB "
          f"({peak_mb - imports_mb:.0f} MB for the harvest, {(peak_mb - imports_mb) / size_mb:.1f}x the dump)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
