#!/bin/sh
# Regenerates src/cdi/testdata/ld.so.cache*: caches written by the real
# ldconfig for a small root holding NVIDIA-named libraries in a standard and
# a non-standard directory. Needs root (ldconfig -r chroots) and a C
# compiler. Usage: scripts/cdi-make-ldcache-testdata.sh
set -eu
out="$(cd "$(dirname "$0")/.." && pwd)/src/cdi/testdata"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
echo 'int gpulet_fixture;' > "$root/lib.c"
lib() {  # lib DIR FILE SONAME
  mkdir -p "$root$1"
  cc -shared -fPIC -Wl,-soname,"$3" -o "$root$1/$2" "$root/lib.c"
}
lib /usr/lib/x86_64-linux-gnu libcuda.so.570.86.15 libcuda.so.1
lib /usr/lib/x86_64-linux-gnu libnvidia-ml.so.570.86.15 libnvidia-ml.so.1
lib /var/lib/nvidia/lib64 libnvidia-ptxjitcompiler.so.570.86.15 libnvidia-ptxjitcompiler.so.1
lib /var/lib/nvidia/lib64 libnvidia-opencl.so.570.86.15 libnvidia-opencl.so.1
mkdir -p "$root/etc"
printf '/usr/lib/x86_64-linux-gnu\n/var/lib/nvidia/lib64\n' > "$root/etc/ld.so.conf"
ldconfig -r "$root" -C /etc/ld.so.cache
cp "$root/etc/ld.so.cache" "$out/ld.so.cache"
if ldconfig -r "$root" -c compat -C /etc/ld.so.cache.compat 2>/dev/null; then
  cp "$root/etc/ld.so.cache.compat" "$out/ld.so.cache.compat"
fi
ls -l "$out"/ld.so.cache*
