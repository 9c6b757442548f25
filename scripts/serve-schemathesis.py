#!/usr/bin/env python3
"""schemathesis against `recdeck serve` (issue 18), with the vendors' own OpenAPI documents from the seeds.

  serve-schemathesis.py BASE [EXAMPLES]

The Voxworks (OpenAPI 3.1) and Kizen (OpenAPI 3.0) documents are taken from ../shared/seeds exactly as
scripts/wire-fidelity.py reads them, and schemathesis generates requests from them against BASE with the
checks not_a_server_error, response_schema_conformance and content_type_conformance: no 5xx, and every
answer valid against the vendor's schema for its status. Kizen's path parameter is pinned to the demo's
`contacts`, so generated requests reach the planner rather than a 404. Exits non-zero on any failure.
"""
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("wire_fidelity", HERE / "wire-fidelity.py")
wire = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wire)

CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def main():
    base = sys.argv[1]
    examples = sys.argv[2] if len(sys.argv) > 2 else "100"
    failed = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "voxworks.json").write_text(json.dumps(wire.voxworks_document()))
        (folder / "kizen.json").write_text(json.dumps(wire.kizen_document()))
        (folder / "schemathesis.toml").write_text('[parameters]\n"path.object_identifier" = "contacts"\n')
        for name in ["voxworks", "kizen"]:
            command = [
                sys.executable, "-m", "schemathesis.cli", "--config-file", str(folder / "schemathesis.toml"),
                "run", str(folder / f"{name}.json"), "--url", base, "--checks", CHECKS,
                "--max-examples", examples, "--seed", "18", "--no-color",
            ]
            # In the temporary folder: schemathesis keeps a cache (.schemathesis/) in its working directory.
            run = subprocess.run(command, capture_output=True, text=True, cwd=folder)
            summary = [line for line in run.stdout.splitlines() if "generated" in line and "passed" in line]
            print(f"{name}: exit {run.returncode}; {summary[-1].strip() if summary else 'no summary'}")
            if run.returncode != 0:
                failed.append(name)
                print(run.stdout[-6000:])
                print(run.stderr[-2000:], file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
