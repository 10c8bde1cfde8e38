#!/bin/sh
# Validates CDI spec files (default: every golden spec under
# src/cdi/testdata/) against the official CDI JSON schema with a real
# validator, Debian's python3-jsonschema (Draft 7). Not run by ctest: the
# schema lives outside the repository.
#
# Usage: scripts/cdi-validate-schema.sh SCHEMA_DIR [SPEC_FILE...]
#   SCHEMA_DIR holds schema.json and defs.json.
# Needs: apt-get install python3-jsonschema python3-yaml (system python3).
set -eu
schema_dir="$(cd "${1:?usage: $0 SCHEMA_DIR [SPEC_FILE...]}" && pwd)"
shift
repo="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$#" -eq 0 ]; then
  set -- "$repo"/src/cdi/testdata/*.yaml
fi
exec /usr/bin/python3 - "$schema_dir" "$@" <<'PY'
import json, pathlib, sys
import jsonschema, yaml

schema_dir = pathlib.Path(sys.argv[1])
schema = json.loads((schema_dir / "schema.json").read_text())
resolver = jsonschema.RefResolver(base_uri=schema_dir.as_uri() + "/", referrer=schema)
validator = jsonschema.Draft7Validator(schema, resolver=resolver)
failed = 0
for name in sys.argv[2:]:
    text = pathlib.Path(name).read_text()
    spec = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    errors = sorted(validator.iter_errors(spec), key=lambda e: list(e.path))
    if errors:
        failed += 1
        for error in errors:
            path = "/".join(str(p) for p in error.path)
            print(f"{name}: {path}: {error.message}")
    else:
        print(f"{name}: valid")
print(f"{len(sys.argv) - 2 - failed} valid, {failed} invalid")
sys.exit(1 if failed else 0)
PY
