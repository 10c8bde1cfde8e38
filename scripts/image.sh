#!/usr/bin/env bash
# Builds the gpulet container image from scratch, offline, out of this tree
# and the machine's Debian packages (no base image):
#   scripts/image.sh
# writes build/image/gpulet-image.tar, an OCI archive tagged gpulet:<version>
# (load it with `podman load -i`, `ctr images import` or `skopeo copy`).
#
# It builds what it packs: the GPULET_STATIC binary in build-static/ and the
# mock NVML library in the release tree build/. The image holds the stripped
# binary, the shared libraries it and the libcurl it dlopens need (their ldd
# closure), CA certificates, the mock NVML library with its machine profiles
# under /usr/lib/gpulet/mock/, and a non-root user 65532. docs/image.md lists
# it all. Needs root for apt-get when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out_dir=build/image
archive=$out_dir/gpulet-image.tar
# The size target (uncompressed); scripts/image-test.sh fails above it.
max_bytes=$((30 * 1024 * 1024))

version=$(sed -nE 's/^project\(gpulet VERSION ([0-9][0-9.]*).*/\1/p' CMakeLists.txt)
[[ -n $version ]] || { echo "image: no project(gpulet VERSION ...) in CMakeLists.txt" >&2; exit 1; }
tag="gpulet:$version"

# --- tools --------------------------------------------------------------
scripts/setup.sh
need=()
for p in umoci ca-certificates libcurl4 binutils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]} > 0)); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "image: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# --- binaries -----------------------------------------------------------
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
fi
echo "image: building gpulet (GPULET_STATIC) in build-static/" >&2
cmake -S . -B build-static -G Ninja "${launcher[@]}" -DGPULET_STATIC=ON \
  -DCMAKE_BUILD_TYPE=Release -DGPULET_WERROR=ON >/dev/null
cmake --build build-static -j "$(nproc)" --target gpulet gpulet_cuda_plugin
# The mock library links abseil and yaml-cpp shared, so it comes from the
# release tree; configured as scripts/build.sh release does when absent.
echo "image: building the mock NVML library in build/" >&2
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja "${launcher[@]}" -DGPULET_WERROR=ON >/dev/null
fi
cmake --build build -j "$(nproc)" --target nvml_mock
gpulet_bin=build-static/src/cli/gpulet
# CRIU's CUDA plugin, copied onto the host by `gpulet node --install-criu-plugin`.
criu_plugin=build-static/src/checkpoint/criu/cuda_plugin.so
mock_lib=build/mock/nvml/libnvidia-ml.so.1

# The Kubernetes client dlopens libcurl.so.4 (the OpenSSL flavour, package
# libcurl4), so ldd of the binary does not show it. awk reads the whole
# list: leaving early would end ldconfig with SIGPIPE once its output
# outgrows the pipe, and pipefail would make that the script's exit.
libcurl=$(ldconfig -p | awk '!found && $1 == "libcurl.so.4" {print $NF; found = 1}')
[[ -f $libcurl ]] || { echo "image: libcurl.so.4 not found (package libcurl4)" >&2; exit 1; }

# --- root filesystem ----------------------------------------------------
work=$out_dir/work
rm -rf "$work"
mkdir -p "$work"

# Debian's libcurl also links OpenLDAP and librtmp, which bring GnuTLS,
# Nettle, GMP, p11-kit and SASL: 6 MiB for ldap:// and rtmp:// URLs that
# gpulet never opens (its client allows http and https only). In their
# place go stubs with the same sonames and symbol versions whose functions
# abort, made from the symbols libcurl imports from them.
stubs=$root/$work/stubs
mkdir -p "$stubs"
make_stub() {  # make_stub SONAME SYMBOL-REGEX VERSION-NODE ("" = unversioned)
  local soname=$1 pattern=$2 node=$3 c=$stubs/${1%%.so*}.c
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo "static void unavailable(const char* f) { fprintf(stderr, \"%s: not in this image\\n\", f); abort(); }"
    objdump -T "$libcurl" | awk '$0 ~ /\*UND\*/ {print $NF}' | grep -E "$pattern" | sort -u |
      while read -r symbol; do echo "void $symbol(void) { unavailable(\"$symbol\"); }"; done
  } > "$c"
  local version=()
  if [[ -n $node ]]; then
    echo "$node { global: *; };" > "$c.map"
    version=(-Wl,--version-script="$c.map")
  fi
  cc -shared -fPIC -O2 -Wl,-soname,"$soname" "${version[@]}" -o "$stubs/$soname" "$c"
}
make_stub librtmp.so.1 '^RTMP' ""
make_stub libldap-2.5.so.0 '^ldap_' OPENLDAP_2.5
make_stub liblber-2.5.so.0 '^ber_' OPENLDAP_2.5
layout=$work/oci
bundle=$work/bundle
umoci init --layout "$layout"
umoci new --image "$layout:build"
umoci unpack --image "$layout:build" "$bundle" >/dev/null
rootfs=$bundle/rootfs

# Debian's merged /usr: /bin, /lib and /lib64 are links into /usr.
mkdir -p "$rootfs"/usr/bin "$rootfs"/usr/lib/gpulet/mock/machines "$rootfs"/usr/lib/gpulet/criu \
  "$rootfs"/etc/ssl/certs \
  "$rootfs"/etc/ld.so.conf.d "$rootfs"/tmp
ln -s usr/bin "$rootfs/bin"
ln -s usr/lib "$rootfs/lib"
chmod 1777 "$rootfs/tmp"

strip --strip-all -o "$rootfs/usr/bin/gpulet" "$gpulet_bin"
strip --strip-unneeded -o "$rootfs/usr/lib/gpulet/mock/libnvidia-ml.so.1" "$mock_lib"
strip --strip-unneeded -o "$rootfs/usr/lib/gpulet/criu/cuda_plugin.so" "$criu_plugin"
chmod 0644 "$rootfs/usr/lib/gpulet/criu/cuda_plugin.so"
install -m 0644 mock/machines/*.yaml "$rootfs/usr/lib/gpulet/mock/machines/"
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
install -m 0644 deploy/image/rootfs/etc/* "$rootfs/etc/"

# Each library as ldd names it (the soname, or the loader's path), copied
# as a plain file to the same place below /usr.
closure=$( { ldd "$gpulet_bin"; LD_LIBRARY_PATH=$stubs ldd "$libcurl"; ldd "$mock_lib"; } )
if grep -q 'not found' <<<"$closure"; then
  echo "image: missing libraries:" >&2
  grep 'not found' <<<"$closure" | sort -u >&2
  exit 1
fi
libraries=$( { awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$closure"
               echo "$libcurl"; } | grep -v "^$stubs/" | sort -u)
# dpkg knows a file by the path its package shipped, /lib/... or /usr/lib/...
owner() {
  local real path
  real=$(readlink -f "$1")
  for path in "$real" "${real#/usr}" "$1"; do
    dpkg -S "$path" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
  done
  return 0
}
packages=()
for lib in $libraries; do
  dest=$rootfs/usr/${lib#/usr/}
  mkdir -p "$(dirname "$dest")"
  cp -L "$lib" "$dest"
  packages+=("$(owner "$lib")")
done
install -m 0755 "$stubs"/*.so.* "$rootfs/usr/$(dirname "${libcurl#/usr/}")/"
if [[ -d $rootfs/usr/lib64 ]]; then ln -s usr/lib64 "$rootfs/lib64"; fi
# The licences of what the image redistributes.
for pkg in $(printf '%s\n' "${packages[@]}" ca-certificates | sed '/^$/d' | sort -u); do
  if [[ -f /usr/share/doc/$pkg/copyright ]]; then
    install -D -m 0644 "/usr/share/doc/$pkg/copyright" "$rootfs/usr/share/doc/$pkg/copyright"
  fi
done
# Packages built from one source share one text: store it once.
(cd "$rootfs" && sha256sum usr/share/doc/*/copyright | sort |
  awk '$1 == last {print first, $2; next} {last = $1; first = $2}' |
  while read -r keep same; do ln -f "$keep" "$same"; done)
ldconfig -r "$rootfs"

# Same bytes, same layer: owners and times fixed to the last commit.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
chown -R 0:0 "$rootfs"
chmod 0755 "$rootfs"
find "$rootfs" -exec touch -h -d "@$epoch" {} +

umoci repack --image "$layout:build" --history.created "$created" \
  --history.created_by "scripts/image.sh" "$bundle"
umoci config --image "$layout:build" --created "$created" --no-history \
  --config.entrypoint /usr/bin/gpulet \
  --config.user 65532:65532 --config.workingdir / \
  --config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --config.label "org.opencontainers.image.title=gpulet" \
  --config.label "org.opencontainers.image.description=GPU device plugin, feature discovery, CDI and scheduler extender for Kubernetes" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.revision=$revision" \
  --config.label "org.opencontainers.image.created=$created" \
  --manifest.annotation "org.opencontainers.image.version=$version" \
  --manifest.annotation "org.opencontainers.image.revision=$revision"
umoci tag --image "$layout:build" "$tag"
umoci rm --image "$layout:build"
umoci gc --layout "$layout"

# An OCI archive is the layout directory as a tar.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$layout" -cf "$archive.tmp" oci-layout index.json blobs
mv "$archive.tmp" "$archive"

layer_bytes=0
for blob in $(find "$layout/blobs" -type f); do
  if gzip -t "$blob" 2>/dev/null; then
    layer_bytes=$((layer_bytes + $(gzip -dc "$blob" | wc -c)))
  fi
done
archive_bytes=$(stat -c %s "$archive")
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "image: $archive ($tag): $(mib "$layer_bytes") uncompressed, archive $(mib "$archive_bytes")"
if ((layer_bytes > max_bytes)); then
  echo "image: warning: $(mib "$layer_bytes") uncompressed is over the $(mib "$max_bytes") target" >&2
fi
rm -rf "$work"
