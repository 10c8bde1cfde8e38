#!/bin/sh
# Copies the specs the golden test generated (written next to the test
# binary when they differ from src/cdi/testdata/) over the checked-in
# goldens. Review the diff before committing.
# Usage: scripts/cdi-update-goldens.sh BUILD_DIR
set -eu
build="${1:?usage: $0 BUILD_DIR}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
for spec in "$build"/src/cdi/golden-actual/*.yaml; do
  [ -e "$spec" ] || { echo "no differing goldens under $build"; exit 0; }
  cp "$spec" "$repo/src/cdi/testdata/"
  echo "updated src/cdi/testdata/$(basename "$spec")"
done
