#!/usr/bin/env bash
# Loads the gpulet image into podman and runs gpulet inside it on the mock
# NVML library (no GPU needed):
#   scripts/image.sh && scripts/image-test.sh [ARCHIVE]
# ARCHIVE defaults to build/image/gpulet-image.tar. Prints one line per case
# and ends with "N passed, M failed"; exits 1 when a case failed.
# GPULET_IMAGE_RUNTIMES: the OCI runtimes to try, in order (default
# "runc crun"; crun refuses hybrid cgroup v1/v2 hosts that runc accepts).
#
# Containers need root and a runtime that works on this kernel. Where podman
# cannot be installed or cannot start a container here, the script says why
# in one line, prints "0 passed, 0 failed" and exits 0. Podman runs with its
# own storage in a temporary directory (vfs driver, cgroupfs; no network but
# the host's loopback for the TLS case), so nothing of the machine's
# container storage is read or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

archive=${1:-build/image/gpulet-image.tar}
version=$(sed -nE 's/^project\(gpulet VERSION ([0-9][0-9.]*).*/\1/p' CMakeLists.txt)
image=localhost/gpulet:$version
mock=/usr/lib/gpulet/mock/libnvidia-ml.so.1
max_bytes=$((30 * 1024 * 1024))

passed=0
failed=0
summary() { echo "$passed passed, $failed failed"; }
skip() {
  echo "skip: $*"
  summary
  exit 0
}
pass() { echo "PASS $1${2:+ ($2)}"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

if [[ ! -f $archive ]]; then
  fail archive "$archive is missing; build it with scripts/image.sh"
  summary
  exit 1
fi

# --- a runtime that works here -------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
  skip "containers are tested as root only (podman with private storage)"
fi
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
if ((${#missing[@]} > 0)); then
  echo "image-test: installing ${missing[*]}" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
           apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/dev/null 2>&1; then
    skip "${missing[*]} not installed and apt-get could not install it"
  fi
fi

store=$(mktemp -d /var/tmp/gpulet-image-test.XXXXXX)
runtime=""
server_pid=""
pm() {
  podman --root "$store/root" --runroot "$store/run" --tmpdir "$store/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file \
    --log-level error ${runtime:+--runtime "$runtime"} "$@"
}
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  pm rm -a -f >/dev/null 2>&1 || true
  # Containers' /dev/shm mounts, should podman have left one behind.
  awk -v d="$store" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount "$m" 2>/dev/null || true; done
  rm -rf "$store"
}
trap cleanup EXIT

# Podman asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576 by default,
# above what a process without CAP_SYS_RESOURCE may set in some VMs.
limit() { local hard=$1; if [[ $hard == unlimited ]] || ((hard > 4096)); then echo 4096; else echo "$hard"; fi; }
nofile=$(limit "$(ulimit -Hn)")
nproc=$(limit "$(ulimit -Hu)")
run_flags=(--rm --pull=never --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")

# The probe is a container of one static binary, glibc's ldconfig, so that a
# runtime that cannot run containers here is told apart from a bad image.
mkdir -p "$store/probe"
probe_bin=$(command -v ldconfig || echo /sbin/ldconfig)
if ldd "$probe_bin" 2>&1 | grep -qE 'statically linked|not a dynamic executable'; then
  cp "$probe_bin" "$store/probe/probe"
else
  skip "no static binary to probe the runtime with ($probe_bin is dynamic)"
fi
probe_error=""
for candidate in ${GPULET_IMAGE_RUNTIMES:-runc crun}; do
  command -v "$candidate" >/dev/null || continue
  runtime=$candidate
  if out=$(pm run "${run_flags[@]}" --network=none --user 65532:65532 --rootfs "$store/probe" /probe --version 2>&1); then
    break
  fi
  probe_error+="${probe_error:+; }$candidate: $(grep -m1 . <<<"$out")"
  runtime=""
done
if [[ -z $runtime ]]; then
  skip "podman cannot run a container here ($probe_error)"
fi
echo "image-test: podman $(podman --version | awk '{print $NF}') with $runtime, vfs storage, cgroupfs" >&2

# --- cases ----------------------------------------------------------------
# Runs gpulet in the image, without a network unless $network says;
# stdout and stderr in $out, status in $rc.
network=none
gpulet() {
  rc=0
  out=$(pm run "${run_flags[@]}" --network="$network" "$@" 2>&1) || rc=$?
}
mock_env=(--env GPULET_MOCK_MACHINE=dgx-h100)

if out=$(pm load -i "$archive" 2>&1) && pm image exists "$image"; then
  pass load "$image"
else
  fail load "$image not loaded: $(tail -n1 <<<"$out")"
  summary
  exit 1
fi

config=$(pm image inspect --format \
  '{{json .Config.Entrypoint}} {{.Config.User}} {{index .Config.Labels "org.opencontainers.image.version"}}' "$image")
if [[ $config == "[\"/usr/bin/gpulet\"] 65532:65532 $version" ]]; then
  pass config "entrypoint, user 65532, version label"
else
  fail config "entrypoint, user, version label: $config"
fi

size=$(pm image inspect --format '{{.Size}}' "$image")
size_mib=$(awk -v b="$size" 'BEGIN {printf "%.1f MiB", b / 1048576}')
if ((size <= max_bytes)); then
  pass size "$size_mib uncompressed"
else
  fail size "$size_mib uncompressed, over 30 MiB"
fi

gpulet "$image" --version
if ((rc == 0)) && grep -qF "$version" <<<"$out"; then
  pass version "$(head -n1 <<<"$out")"
else
  fail version "exit $rc: $(tail -n1 <<<"$out")"
fi

# Read-only root, as in a DaemonSet with readOnlyRootFilesystem.
gpulet --read-only "${mock_env[@]}" "$image" info --nvml-library "$mock"
gpus=$(grep -c 'H100' <<<"$out" || true)
if ((rc == 0 && gpus >= 8)); then
  pass info "dgx-h100: $gpus lines name an H100"
else
  fail info "exit $rc, $gpus lines name an H100: $(tail -n1 <<<"$out")"
fi

# A profile given as a path: the YAML files ship in the image.
gpulet --env GPULET_MOCK_MACHINE=/usr/lib/gpulet/mock/machines/dgx-a100-mig.yaml \
  "$image" info --nvml-library "$mock"
if ((rc == 0)) && grep -q 'A100' <<<"$out"; then
  pass profile-file "machines/dgx-a100-mig.yaml"
else
  fail profile-file "exit $rc: $(tail -n1 <<<"$out")"
fi

# The default user writes the label file: the host sees it owned by 65532.
mkdir -p "$store/out"
chmod 0777 "$store/out"
gpulet "${mock_env[@]}" -v "$store/out:/out" "$image" feature-discovery \
  --oneshot --no-timestamp --output-file /out/gfd --nvml-library "$mock"
owner=$(stat -c %u:%g "$store/out/gfd" 2>/dev/null || echo none)
if ((rc == 0)) && [[ $owner == 65532:65532 ]] && grep -q '^nvidia.com/gpu.count=8$' "$store/out/gfd"; then
  pass non-root "feature-discovery wrote 8 GPUs' labels as 65532:65532"
else
  fail non-root "exit $rc, file owner $owner: $(tail -n1 <<<"$out")"
fi

# libcurl and its libraries load: the client gets as far as connecting to
# an API server that is not there.
kubeconfig() {  # server URL, then the cluster's TLS setting
  cat <<EOF
apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "$1", $2}
users:
- name: test
  user: {token: image-test}
contexts:
- name: test
  context: {cluster: test, user: test}
current-context: test
EOF
}
kubeconfig https://127.0.0.1:1 "insecure-skip-tls-verify: true" >"$store/out/kubeconfig"
chmod 0644 "$store/out/kubeconfig"
nfd_api=(feature-discovery --oneshot --use-node-feature-api --kubeconfig /out/kubeconfig
         --nvml-library "$mock")
gpulet "${mock_env[@]}" --env NODE_NAME=node-1 -v "$store/out:/out" "$image" "${nfd_api[@]}"
if ((rc != 0)) && grep -q "Couldn't connect to server" <<<"$out"; then
  pass libcurl "loaded; 127.0.0.1:1 refused the connection"
else
  fail libcurl "exit $rc: $(tail -n1 <<<"$out")"
fi

# TLS through the image's OpenSSL: an HTTPS server on the host's loopback,
# its certificate given as certificate-authority-data, answers 403 to every
# request and records the Authorization header it was sent.
if command -v python3 >/dev/null && command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$store/tls.key" \
    -out "$store/tls.crt" >/dev/null 2>&1 || true
  python3 - "$store" <<'EOF' &
import http.server, os, ssl, sys
d = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        with open(d + "/tls.seen", "a") as f:
            f.write(f"{self.command} {self.path} {self.headers.get('Authorization')}\n")
        body = b'{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}'
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_PATCH = answer
    def log_message(self, *args): pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(d + "/tls.crt", d + "/tls.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(d + "/tls.port.tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(d + "/tls.port.tmp", d + "/tls.port")
server.serve_forever()
EOF
  server_pid=$!
  for _ in $(seq 50); do [[ -f $store/tls.port ]] && break; sleep 0.1; done
  port=$(cat "$store/tls.port" 2>/dev/null || echo 1)
  kubeconfig "https://127.0.0.1:$port" \
    "certificate-authority-data: $(base64 -w0 "$store/tls.crt")" >"$store/out/kubeconfig"
  network=host gpulet "${mock_env[@]}" --env NODE_NAME=node-1 -v "$store/out:/out" \
    "$image" "${nfd_api[@]}"
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  if grep -q 'Bearer image-test' "$store/tls.seen" 2>/dev/null; then
    pass tls "$(head -n1 "$store/tls.seen" | cut -d' ' -f1-2)"
  else
    fail tls "no request reached the HTTPS server, exit $rc: $(tail -n1 <<<"$out")"
  fi
else
  echo "skip tls: needs python3 and openssl on the host"
fi

# doctor exits 1 when it finds the node cannot serve GPUs; any other
# non-zero status means it did not run.
gpulet "${mock_env[@]}" "$image" doctor --json --nvml-library "$mock"
if ((rc == 0 || rc == 1)) && grep -q '"can_serve_gpus"' <<<"$out" &&
   grep -qE '"count": ?8\b' <<<"$out"; then
  pass doctor "exit $rc, 8 GPUs"
else
  fail doctor "exit $rc: $(tail -n1 <<<"$out")"
fi

summary
((failed == 0))
