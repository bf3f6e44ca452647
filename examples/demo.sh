#!/usr/bin/env bash
# `npm run demo`: the main job on a sample.
#
# Today the main job stops before the network: tar a sample into gl-chunk, let gl-treehash fill
# in the hashes, and check that the archive tree hash on the `end` record equals gl-treehash of
# the same bytes, inline (through the pipe) and by reference (from the tar file). Once gl-local
# and gl-put-parts exist, the upload step goes where the marker below says.
set -euo pipefail

examples="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$examples")"
export PATH="$root/bin:$PATH"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

show() { printf '\n$ %s\n' "$1" >&2; }

# The examples directory alone is a single part; a few MiB of generated rows make several.
awk 'BEGIN { srand(42); print "day,region,amount"
  for (i = 0; i < 150000; i++) printf "2024-%02d-%02d,%s,%d\n", i % 12 + 1, i % 28 + 1, (i % 3 ? "EU" : "US"), int(rand() * 100000) }' > sales-2024.csv

show 'tar c examples sales-2024.csv | tee sample.tar | gl-chunk --part-size 1MiB --name sample.tar | gl-treehash --records > upload.ndjson'
tar c -C "$root" examples -C "$work" sales-2024.csv | tee sample.tar | gl-chunk --part-size 1MiB --name sample.tar | gl-treehash --records > upload.ndjson

show "jq -c 'select(.type != \"data\")' upload.ndjson      # the data records carry the bytes, base64"
jq -c 'select(.type != "data")' upload.ndjson >&2

# (gl-put-parts against gl-local goes here: ... | gl-put-parts --vault demo >> archives.ndjson)

show 'gl-treehash sample.tar'
gl-treehash sample.tar >&2

show 'gl-chunk --part-size 1MiB sample.tar | gl-treehash --records | tail -n 1      # parts by reference'
by_reference="$(gl-chunk --part-size 1MiB sample.tar | gl-treehash --records | tail -n 1)"
printf '%s\n' "$by_reference" >&2

inline_hash="$(tail -n 1 upload.ndjson | jq -r .treeHash)"
reference_hash="$(printf '%s\n' "$by_reference" | jq -r .treeHash)"
file_hash="$(gl-treehash sample.tar | cut -d ' ' -f 1)"

printf '\nend treeHash, inline:        %s\nend treeHash, by reference:  %s\ngl-treehash sample.tar:      %s\n' "$inline_hash" "$reference_hash" "$file_hash"
if [ "$inline_hash" != "$file_hash" ] || [ "$reference_hash" != "$file_hash" ]; then
  echo 'demo: MISMATCH: the end records do not carry the tree hash of the bytes' >&2
  exit 1
fi
echo 'demo: ok, all three agree'
