#!/usr/bin/env bash
# Product photo thumbnails (issue 6, benchmark): ms per image to turn a 2000×1500 JPEG into a
# 400 px wide card, encoded as JPEG q80 and as WebP q80 — our native pipeline
# (linkedall-images: DCT-scaled decode, fast_image_resize Lanczos3, jpeg-encoder / libwebp)
# against vipsthumbnail, each one process over the same PHOTOS files; ratio ours/vips and
# peak memory (/usr/bin/time -v). Target: native ≤ 0.75× vipsthumbnail.
#
#   bash benches/images.sh            # PHOTOS=40 ROUNDS=3; installs libvips-tools with apt-get if missing
#
# vipsthumbnail is timed twice: with its default thread pool and with VIPS_CONCURRENCY=1 (our
# pipeline is single-threaded per photo; the origin runs LINKEDALL_MEDIA_CONCURRENCY photos at
# once instead).
#
# The edge's wasm column: benches/images-wasm.mjs runs the built worker
# (target/wasm/worker-bundle; built here with `cargo xtask wasm worker` unless SKIP_WASM=1) in
# workerd through Miniflare over the same files, as signed resize requests that fetch each
# original from a stand-in origin; it prints `wasm_*=<value>` lines (see its header), added to
# the table. Its WebP is the edge's lossless encoder (lossy WebP comes from the origin).
set -euo pipefail
cd "$(dirname "$0")/.."
photos_count=${PHOTOS:-40}
if ! command -v vipsthumbnail >/dev/null; then
  echo "installing libvips-tools (vipsthumbnail)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q libvips-tools >&2; else sudo apt-get install -y -q libvips-tools >&2; fi
fi
command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time (Debian package time)" >&2; exit 1; }

cargo build --release -q -p linkedall-images --features native-webp --example thumbnail_bench
bin=${CARGO_TARGET_DIR:-target}/release/examples/thumbnail_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" generate "$work/photos" "$photos_count"
input_mb=$(du -sm "$work/photos" | cut -f1)

now_ms() { date +%s%3N; }
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1"; }
# CPU time (user + system, every thread) per image: on a shared, loaded machine it moves far
# less than wall time, so it is printed beside it.
cpu_ms() { awk -F': ' -v n="$photos_count" '/User time|System time/ { t += $2 } END { printf "%.1f", t * 1000 / n }' "$1"; }

# ours: the program times its own loop (ms_per_image); wall time includes process start.
ours() { # format
  /usr/bin/time -v "$bin" run "$1" "$work/photos" "$work/ours-$1" >"$work/ours-$1.out" 2>"$work/ours-$1.time"
  sed -n 's/^ms_per_image=\([0-9.]*\).*/\1/p' "$work/ours-$1.out"
}
stages() { sed -n 's/^decode_ms/decode_ms/p' "$work/ours-$1.out"; } # where our time went
vips() { # extension concurrency
  local start end
  start=$(now_ms)
  VIPS_CONCURRENCY=$2 /usr/bin/time -v vipsthumbnail "$work"/photos/*.jpg -s 400x \
    -o "$work/vips-$1-$2/%s.$1[Q=80,strip]" 2>"$work/vips-$1-$2.time" || { cat "$work/vips-$1-$2.time" >&2; exit 1; }
  end=$(now_ms)
  awk -v t=$((end - start)) -v n="$photos_count" 'BEGIN { printf "%.2f", t / n }'
}
mkdir -p "$work/vips-jpg-0" "$work/vips-webp-0" "$work/vips-jpg-1" "$work/vips-webp-1"

# ROUNDS rounds, each running every pipeline once in turn, so a change in the machine's load
# touches all of them; each pipeline's best round is kept (with its /usr/bin/time report), the
# usual guard against interference from other processes.
declare -A best
keep_best() { # name value files...
  local name=$1 value=$2; shift 2
  if [ -z "${best[$name]:-}" ] || awk -v a="$value" -v b="${best[$name]}" 'BEGIN { exit !(a < b) }'; then
    best[$name]=$value
    for f in "$@"; do cp "$f" "$f.best"; done
  fi
}
for round in $(seq "${ROUNDS:-3}"); do
  keep_best ours-jpeg "$(ours jpeg)" "$work/ours-jpeg.time" "$work/ours-jpeg.out"
  keep_best ours-webp "$(ours webp)" "$work/ours-webp.time" "$work/ours-webp.out"
  keep_best vips-jpg-0 "$(vips jpg 0)" "$work/vips-jpg-0.time"
  keep_best vips-webp-0 "$(vips webp 0)" "$work/vips-webp-0.time"
  keep_best vips-jpg-1 "$(vips jpg 1)" "$work/vips-jpg-1.time"
  keep_best vips-webp-1 "$(vips webp 1)" "$work/vips-webp-1.time"
  echo "round $round of ${ROUNDS:-3}: load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
for f in "$work"/*.best; do mv "$f" "${f%.best}"; done
ours_jpeg=${best[ours-jpeg]}; ours_webp=${best[ours-webp]}
vips_jpeg=${best[vips-jpg-0]}; vips_webp=${best[vips-webp-0]}
vips_jpeg1=${best[vips-jpg-1]}; vips_webp1=${best[vips-webp-1]}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

wasm_jpeg="—"
if [ "${SKIP_WASM:-0}" != 1 ]; then
  cargo xtask wasm worker >&2
  ROUNDS=${ROUNDS:-3} node benches/images-wasm.mjs "$work/photos" "$work/wasm" >"$work/wasm.out"
  wasm() { sed -n "s/^wasm_$1=//p" "$work/wasm.out"; }
  wasm_jpeg=$(wasm jpeg_ms_per_image)
fi

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
echo "photos: $photos_count × 2000×1500 JPEG q90 ($input_mb MB), card 400 px wide, q80; vips $(vipsthumbnail --vips-version 2>/dev/null | head -1); best of ${ROUNDS:-3} interleaved rounds"
echo
echo "| pipeline | JPEG ms/image | WebP ms/image | CPU ms/image JPEG / WebP | peak RSS JPEG / WebP |"
echo "|---|---|---|---|---|"
echo "| linkedall-images native | $ours_jpeg | $ours_webp | $(cpu_ms "$work/ours-jpeg.time") / $(cpu_ms "$work/ours-webp.time") | $(peak_mb "$work/ours-jpeg.time") / $(peak_mb "$work/ours-webp.time") MB |"
echo "| vipsthumbnail (default threads) | $vips_jpeg | $vips_webp | $(cpu_ms "$work/vips-jpg-0.time") / $(cpu_ms "$work/vips-webp-0.time") | $(peak_mb "$work/vips-jpg-0.time") / $(peak_mb "$work/vips-webp-0.time") MB |"
echo "| vipsthumbnail VIPS_CONCURRENCY=1 | $vips_jpeg1 | $vips_webp1 | $(cpu_ms "$work/vips-jpg-1.time") / $(cpu_ms "$work/vips-webp-1.time") | $(peak_mb "$work/vips-jpg-1.time") / $(peak_mb "$work/vips-webp-1.time") MB |"
if [ "$wasm_jpeg" != "—" ]; then
  echo "| wasm in workerd, worker bundle $(wasm bundle_gzip_kb) KB gzip (includes fetching the original from the stand-in origin) | $wasm_jpeg | — (no WebP at the edge: a JPEG) | workerd $(wasm jpeg_workerd_cpu_ms_per_image) | workerd $(wasm workerd_peak_rss_mb) MB |"
  echo "| … of which fetch + dispatch (same originals through the worker's proxy path) | $(wasm fetch_baseline_ms_per_image) | $(wasm fetch_baseline_ms_per_image) | workerd $(wasm fetch_baseline_workerd_cpu_ms_per_image) | |"
  echo "| wasm in workerd, net of that baseline | $(wasm jpeg_net_ms_per_image) | — | workerd $(wasm jpeg_net_workerd_cpu_ms_per_image) | |"
fi
echo
echo "ratio ours / vipsthumbnail (default threads): JPEG $(ratio "$ours_jpeg" "$vips_jpeg"), WebP $(ratio "$ours_webp" "$vips_webp")"
echo "ratio ours / vipsthumbnail (1 thread):        JPEG $(ratio "$ours_jpeg" "$vips_jpeg1"), WebP $(ratio "$ours_webp" "$vips_webp1")"
echo "CPU-time ratio ours / vipsthumbnail (1 thread): JPEG $(ratio "$(cpu_ms "$work/ours-jpeg.time")" "$(cpu_ms "$work/vips-jpg-1.time")"), WebP $(ratio "$(cpu_ms "$work/ours-webp.time")" "$(cpu_ms "$work/vips-webp-1.time")")"
if [ "$wasm_jpeg" != "—" ]; then
  echo "ratio wasm in workerd / vipsthumbnail (default threads): JPEG $(ratio "$wasm_jpeg" "$vips_jpeg") (net $(ratio "$(wasm jpeg_net_ms_per_image)" "$vips_jpeg"))"
  echo "ratio wasm in workerd / vipsthumbnail (1 thread):        JPEG $(ratio "$wasm_jpeg" "$vips_jpeg1")"
  echo "CPU-time ratio wasm (workerd, all) / vipsthumbnail (1 thread): JPEG $(ratio "$(wasm jpeg_workerd_cpu_ms_per_image)" "$(cpu_ms "$work/vips-jpg-1.time")")"
  echo "wasm output bytes: JPEG $(( $(wasm jpeg_bytes) / 1024 )) KB"
fi
echo "ours, where the time went per image: JPEG $(stages jpeg); WebP $(stages webp)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "output bytes: ours JPEG $(du -sk "$work/ours-jpeg" | cut -f1) KB, vips JPEG $(du -sk "$work/vips-jpg-0" | cut -f1) KB; ours WebP $(du -sk "$work/ours-webp" | cut -f1) KB, vips WebP $(du -sk "$work/vips-webp-0" | cut -f1) KB"
