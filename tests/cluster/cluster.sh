#!/usr/bin/env bash
# A real, throw-away Kubernetes control plane (etcd + kube-apiserver) on loopback for tests,
# or with --node a one-node cluster that runs pods (see node/node.sh and docs/cluster.md).
#
#   tests/cluster/cluster.sh up [--node] [DIR]   build what is missing, start, print the kubeconfig path
#   tests/cluster/cluster.sh down [DIR]          stop everything `up` started in DIR, undo its
#                                                changes to the machine, delete DIR
#   tests/cluster/cluster.sh status [DIR]
#
# With --node, `up` also starts kube-controller-manager, kube-scheduler, containerd, a kubelet
# and kube-proxy, returns once the node is Ready, and env.sh also exports RETORT_NODE_HOST_IP
# (the bridge's host address, where pods reach the host), RETORT_NODE_POD_CIDR,
# RETORT_NODE_SERVICE_CIDR, RETORT_NODE_NAME and RETORT_NODE_CONTAINERD_ADDRESS. The
# apiserver then listens on the bridge address instead of 127.0.0.1 (pods reach it there through
# the `kubernetes` Service), and the kubeconfig points there. Needs root.
#
# DIR defaults to $RETORT_CLUSTER_DIR, else ${TMPDIR:-/tmp}/retort-cluster-$UID. After `up`, DIR
# holds `kubeconfig` (context "admin": client certificate of a system:masters user; context
# "admin-token": a bearer token of the same group), `kubectl` and `helm` (links to the cached
# builds), `env.sh` (sourceable: KUBECONFIG, PATH, RETORT_ETCD_URL, RETORT_APISERVER_URL) and the
# logs. The kubeconfig path is the last line on stdout; everything else goes to stderr.
#
# Environment:
#   RETORT_CACHE_DIR            cache root for the binaries (see build-tools.sh)
#   RETORT_KUBE_BIN             a directory of prebuilt binaries to use instead (no build)
#   RETORT_KUBE_APISERVER_ARGS  extra kube-apiserver flags (space separated)
#   RETORT_CLUSTER_OWNER_PID    if set, a watchdog runs `down` once that process has exited, so
#                               a test binary that crashes still leaves nothing behind
#   RETORT_CLUSTER_START_TIMEOUT seconds to wait for readiness (default 180)
#
# Everything listens on 127.0.0.1 only: etcd client and peer URLs, and kube-apiserver's
# --bind-address and --advertise-address (without the latter it would publish the machine's
# default-route address as the `kubernetes` endpoint).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"
shift || true
node=0
if [ "${1:-}" = --node ]; then
  node=1
  shift
fi
dir="${1:-${RETORT_CLUSTER_DIR:-${TMPDIR:-/tmp}/retort-cluster-$(id -u)}}"
dir="$(realpath -m "$dir")"

log() { echo "cluster.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# A port that can be bound now, below the kernel's ephemeral range: a port inside it may be
# taken by any outgoing connection (earlier tests make many) between this check and the
# server's bind. Binding (not connecting) also sees ports held by client sockets.
free_port() {
  local low p
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  for _ in $(seq 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$p" 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

stop_pid() { # <pidfile>... : TERM to all, wait up to $STOP_GRACE (default 15) s, then KILL
  local f pids=() grace="${STOP_GRACE:-15}"
  for f in "$@"; do
    [ -f "$f" ] && pids+=("$(cat "$f")")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq $((grace * 10))); do
      kill -0 "${pids[@]}" 2>/dev/null || break  # true while any of them is alive
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  rm -f "$@"
}

# shellcheck source=node/node.sh
source "$here/node/node.sh"

stop_all() { # every process `up` started in $dir, and with a node its changes to the machine
  stop_pid "$dir/watchdog.pid"
  node_stop
  # A node's apiserver drains its connections for a long time; the state is thrown away.
  if [ -d "$dir/node" ]; then STOP_GRACE=2 stop_pid "$dir/kube-apiserver.pid"; else stop_pid "$dir/kube-apiserver.pid"; fi
  stop_pid "$dir/etcd.pid"
}

do_down() {
  [ -d "$dir" ] || return 0
  stop_all
  # Only delete a directory that looks like ours, never an arbitrary path given by mistake.
  if [ -f "$dir/.retort-cluster" ]; then rm -rf "$dir"; fi
  log "stopped ($dir)"
}

make_certs() { # everything the apiserver and its clients need, in $dir/pki
  local pki="$dir/pki" extra_san=""
  [ "$node" = 1 ] && extra_san=",IP:$node_host_ip,IP:$node_svc_ip"
  mkdir -p "$pki"
  chmod 700 "$pki"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  # Server CA and serving certificate (SANs for every name a loopback client may use).
  openssl req -x509 "${ec[@]}" -days 7 -subj "/CN=retort-test-server-ca" \
    -keyout "$pki/server-ca.key" -out "$pki/server-ca.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj "/CN=kube-apiserver" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1$extra_san" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver.csr" -CA "$pki/server-ca.crt" -CAkey "$pki/server-ca.key" \
    -CAcreateserial -days 7 -copy_extensions copy -out "$pki/apiserver.crt" 2>/dev/null
  # Client CA and the admin's client certificate (O = group).
  openssl req -x509 "${ec[@]}" -days 7 -subj "/CN=retort-test-client-ca" \
    -keyout "$pki/client-ca.key" -out "$pki/client-ca.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj "/O=system:masters/CN=admin" \
    -addext "extendedKeyUsage=clientAuth" \
    -keyout "$pki/admin.key" -out "$pki/admin.csr" 2>/dev/null
  openssl x509 -req -in "$pki/admin.csr" -CA "$pki/client-ca.crt" -CAkey "$pki/client-ca.key" \
    -CAcreateserial -days 7 -copy_extensions copy -out "$pki/admin.crt" 2>/dev/null
  # Service-account token signer; one key file serves both SA flags.
  openssl ecparam -name prime256v1 -genkey -noout -out "$pki/sa.key" 2>/dev/null
  # A static bearer token for the token-auth path of clients.
  echo "$(openssl rand -hex 24),admin-token,admin-token,\"system:masters\"" >"$pki/tokens.csv"
  chmod 600 "$pki"/*.key "$pki/tokens.csv"
}

write_kubeconfig() { # <apiserver host> <apiserver port>
  local k="$dir/kubeconfig" token
  token="$(cut -d, -f1 "$dir/pki/tokens.csv")"
  b64() { base64 -w0 <"$1"; }
  cat >"$k" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: retort-test
  cluster:
    server: https://$1:$2
    certificate-authority-data: $(b64 "$dir/pki/server-ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$dir/pki/admin.crt")
    client-key-data: $(b64 "$dir/pki/admin.key")
- name: admin-token
  user:
    token: $token
contexts:
- name: admin
  context: {cluster: retort-test, user: admin, namespace: default}
- name: admin-token
  context: {cluster: retort-test, user: admin-token, namespace: default}
current-context: admin
EOF
  chmod 600 "$k"
}

start_watchdog() { # runs `down` when RETORT_CLUSTER_OWNER_PID exits
  local owner="$1"
  setsid bash -c '
    owner="$1"; script="$2"; d="$3"
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    rm -f "$d/watchdog.pid"
    exec "$script" down "$d"
  ' watchdog "$owner" "$here/cluster.sh" "$dir" </dev/null >>"$dir/watchdog.log" 2>&1 &
  echo $! >"$dir/watchdog.pid"
}

do_up() {
  command -v openssl >/dev/null || die "openssl is required (Debian package openssl)"
  command -v curl >/dev/null || die "curl is required (Debian package curl)"
  if alive "$dir/kube-apiserver.pid" && alive "$dir/etcd.pid" && [ -f "$dir/kubeconfig" ]; then
    log "already running in $dir"
    echo "$dir/kubeconfig"
    return
  fi
  do_down
  local build_args=() api_host=127.0.0.1
  # Without a node there is no controller manager to create ServiceAccounts, so the admission
  # plugin that requires them is off.
  local api_mode=(--service-cluster-ip-range=10.0.0.0/24 --authorization-mode=RBAC
    --disable-admission-plugins=ServiceAccount)
  if [ "$node" = 1 ]; then
    node_require
    build_args=(--node)
  fi
  if [ -n "${RETORT_KUBE_BIN:-}" ]; then
    bin="$RETORT_KUBE_BIN"  # prebuilt binaries: no build, no wait for the cache's build lock
  else
    bin="$("$here/build-tools.sh" "${build_args[@]}" | tail -n1)"
  fi
  mkdir -p "$dir"
  touch "$dir/.retort-cluster"
  ln -sf "$bin/kubectl" "$dir/kubectl"
  ln -sf "$bin/helm" "$dir/helm"
  # Whatever fails below (die, set -e) leaves no process behind.
  up_ok=0
  trap 'if [ "$up_ok" != 1 ]; then log "start failed; logs in $dir"; stop_all; fi' EXIT

  if [ "$node" = 1 ]; then
    node_claim_machine
    node_record_state
    node_make_bridge
    node_write_admission_config
    api_host="$node_host_ip"
    mapfile -t api_mode < <(node_apiserver_args)
  fi
  make_certs
  if [ "$node" = 1 ]; then
    node_make_certs
    # containerd needs nothing from the control plane: it starts (and imports the sandbox
    # image) while etcd and the apiserver come up.
    node_start_containerd
  fi
  log "t=${SECONDS}s certificates made"
  local etcd_port peer_port api_port attempt
  local deadline=$((SECONDS + ${RETORT_CLUSTER_START_TIMEOUT:-180}))
  # A port can still be taken between free_port and the bind; then start again on new ports.
  for attempt in 1 2 3; do
    etcd_port="$(free_port)"
    peer_port="$(free_port)"
    setsid "$bin/etcd" --name=retort-test --data-dir="$dir/etcd-data" \
      --listen-client-urls="http://127.0.0.1:$etcd_port" \
      --advertise-client-urls="http://127.0.0.1:$etcd_port" \
      --listen-peer-urls="http://127.0.0.1:$peer_port" \
      --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
      --initial-cluster="retort-test=http://127.0.0.1:$peer_port" \
      --listen-metrics-urls="" --unsafe-no-fsync --log-level=warn \
      </dev/null >"$dir/etcd.log" 2>&1 &
    echo $! >"$dir/etcd.pid"
    until curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1; do
      alive "$dir/etcd.pid" || break
      [ $SECONDS -lt $deadline ] || die "etcd not healthy in time; see $dir/etcd.log"
      sleep 0.2
    done
    alive "$dir/etcd.pid" && break
    [ "$attempt" -lt 3 ] || die "etcd exited; see $dir/etcd.log"
    log "etcd exited at start (attempt $attempt): $(tail -n 1 "$dir/etcd.log"); retrying on new ports"
    rm -rf "$dir/etcd-data"
  done

  for attempt in 1 2 3; do
    api_port="$(free_port)"
    # shellcheck disable=SC2086 # RETORT_KUBE_APISERVER_ARGS is a space-separated flag list
    setsid "$bin/kube-apiserver" \
      --etcd-servers="http://127.0.0.1:$etcd_port" \
      --bind-address="$api_host" --advertise-address="$api_host" --secure-port="$api_port" \
      --tls-cert-file="$dir/pki/apiserver.crt" --tls-private-key-file="$dir/pki/apiserver.key" \
      --client-ca-file="$dir/pki/client-ca.crt" --token-auth-file="$dir/pki/tokens.csv" \
      --service-account-issuer="https://127.0.0.1:$api_port" \
      --service-account-key-file="$dir/pki/sa.key" \
      --service-account-signing-key-file="$dir/pki/sa.key" \
      --allow-privileged=true --profiling=false \
      "${api_mode[@]}" \
      ${RETORT_KUBE_APISERVER_ARGS:-} \
      </dev/null >"$dir/kube-apiserver.log" 2>&1 &
    echo $! >"$dir/kube-apiserver.pid"
    until curl -sf --cacert "$dir/pki/server-ca.crt" "https://$api_host:$api_port/readyz" \
      >/dev/null 2>&1; do
      alive "$dir/kube-apiserver.pid" || break
      [ $SECONDS -lt $deadline ] || die "kube-apiserver not ready in time; see $dir/kube-apiserver.log"
      sleep 0.25
    done
    alive "$dir/kube-apiserver.pid" && break
    [ "$attempt" -lt 3 ] || die "kube-apiserver exited; see $dir/kube-apiserver.log"
    log "kube-apiserver exited at start (attempt $attempt); retrying on a new port"
  done

  write_kubeconfig "$api_host" "$api_port"
  log "t=${SECONDS}s kube-apiserver ready"
  # The node's components wait for what they need themselves; starting them now saves seconds.
  if [ "$node" = 1 ]; then node_start "https://$api_host:$api_port"; fi
  until "$bin/kubectl" --kubeconfig="$dir/kubeconfig" get namespace default >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "namespace default did not appear in time"
    sleep 0.2
  done
  if [ "$node" = 1 ]; then
    node_wait_ready "$deadline"
    log "t=${SECONDS}s node Ready"
  fi
  up_ok=1

  cat >"$dir/env.sh" <<EOF
export KUBECONFIG="$dir/kubeconfig"
export PATH="$dir:\$PATH"
export RETORT_ETCD_URL="http://127.0.0.1:$etcd_port"
export RETORT_APISERVER_URL="https://$api_host:$api_port"
EOF
  if [ "$node" = 1 ]; then node_write_env; fi
  if [ -n "${RETORT_CLUSTER_OWNER_PID:-}" ]; then start_watchdog "$RETORT_CLUSTER_OWNER_PID"; fi
  log "kube-apiserver https://$api_host:$api_port, etcd http://127.0.0.1:$etcd_port ($dir)"
  echo "$dir/kubeconfig"
}

do_status() {
  if alive "$dir/kube-apiserver.pid" && alive "$dir/etcd.pid"; then
    echo "running: $dir/kubeconfig"
  else
    echo "not running ($dir)"
    return 1
  fi
}

case "$cmd" in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  *)
    echo "usage: $0 up [--node] [DIR] | down [DIR] | status [DIR]" >&2
    exit 2
    ;;
esac
