# Sourced by tests/cluster/cluster.sh: the node half of `up --node` and `down`, i.e. a bridge,
# containerd + runc, kube-controller-manager, kube-scheduler, a kubelet and kube-proxy next to
# the control plane, and the undoing of everything they change on the machine.
#
# Uses from cluster.sh: $dir, $here, $bin, log, die, alive, stop_pid, free_port.
#
# Only one node cluster can run on a machine at a time: the kubelet's port, the cgroup root,
# the bridge name and a few fixed paths are machine-wide. /run/retort-node.owner names the
# cluster directory that holds the machine; `up --node` waits for it (bounded) and takes over a
# stale one by running its `down`.
#
# Network (DESIGN.md section 9): a bridge with a /24 of its own (RETORT_NODE_SUBNET, default
# 10.213.77, chosen away from the usual private ranges); the host side is .1, pods get
# .16-.250. Pods get one route, to the service range via the host; no default route, no
# masquerading, ip_forward untouched. Servers listen on 127.0.0.1 or on the bridge address.

node_subnet="${RETORT_NODE_SUBNET:-10.213.77}"
node_host_ip="$node_subnet.1"
node_pod_cidr="$node_subnet.0/24"
node_bridge="${RETORT_NODE_BRIDGE:-retort0}"
node_name="retort-node"
# The service range in node mode, next to the pod range; the `kubernetes` Service gets .1.
node_svc_prefix="${RETORT_NODE_SERVICE_SUBNET:-10.213.78}"
node_svc_cidr="$node_svc_prefix.0/24"
node_svc_ip="$node_svc_prefix.1"
node_owner_file=/run/retort-node.owner
node_lock_file=/run/retort-node.lock
node_cgroup=k8snode

# Machine state that the node changes, recorded before `up` and restored by `down`.
node_sysctls=(
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes
  net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv4.conf.all.route_localnet
  net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established
  net.netfilter.nf_conntrack_tcp_timeout_close_wait net.netfilter.nf_conntrack_tcp_be_liberal
)
# Fixed paths outside DIR that the kubelet, containerd or the CNI plugins may create.
node_outside_paths=(
  /var/lib/kubelet /usr/libexec/kubernetes /var/log/containers /var/log/pods /run/containerd
  /var/lib/containerd /opt/containerd /etc/cni /var/lib/cni /opt/cni /run/netns
  /etc/kubernetes /var/run/kubernetes /run/flannel /var/lib/dockershim
)

node_require() {
  [ "$(id -u)" = 0 ] || die "up --node must run as root (it creates a bridge, cgroups and mounts)"
  local c missing=()
  for c in containerd containerd-shim-runc-v2 runc ctr umoci nft iptables ip gcc conntrack; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] || missing+=(/usr/lib/cni/bridge)
  [ ${#missing[@]} = 0 ] || die "up --node needs ${missing[*]} (scripts/install-deps.sh installs them)"
}

# --- the machine lock ---------------------------------------------------------------------------

node_owner_alive() { # <dir> : that cluster's kubelet or containerd still runs
  alive "$1/node/kubelet.pid" || alive "$1/node/containerd.pid"
}

node_claim_machine() {
  local deadline=$((SECONDS + ${RETORT_NODE_WAIT_TIMEOUT:-900})) other
  while :; do
    exec 8>"$node_lock_file"
    flock 8
    other="$(cat "$node_owner_file" 2>/dev/null || true)"
    if [ -z "$other" ] || [ "$other" = "$dir" ]; then
      echo "$dir" >"$node_owner_file"
      flock -u 8
      exec 8>&-
      return
    fi
    if ! node_owner_alive "$other"; then
      log "taking over the machine from a stale node cluster in $other"
      rm -f "$node_owner_file"
      flock -u 8
      exec 8>&-
      "$here/cluster.sh" down "$other" || true
      continue
    fi
    flock -u 8
    exec 8>&-
    [ $SECONDS -lt $deadline ] || die "another node cluster ($other) holds the machine"
    sleep 1
  done
}

node_release_machine() {
  [ "$(cat "$node_owner_file" 2>/dev/null || true)" = "$dir" ] && rm -f "$node_owner_file"
  return 0
}

# --- recording and restoring machine state -----------------------------------------------------

node_record_state() {
  local s p
  mkdir -p "$dir/node/before"
  for s in "${node_sysctls[@]}"; do
    sysctl -n "$s" 2>/dev/null | tr '\t' ' ' >"$dir/node/before/sysctl.$s" || rm -f "$dir/node/before/sysctl.$s"
  done
  nft list tables 2>/dev/null | sort >"$dir/node/before/nft-tables"
  nft list ruleset >"$dir/node/before/nft-ruleset" 2>/dev/null || true
  : >"$dir/node/before/absent-paths"
  for p in "${node_outside_paths[@]}"; do
    [ -e "$p" ] || echo "$p" >>"$dir/node/before/absent-paths"
  done
}

node_restore_sysctls() {
  local f s want have
  for f in "$dir/node/before"/sysctl.*; do
    [ -f "$f" ] || continue
    s="${f##*/sysctl.}"
    want="$(cat "$f")"
    have="$(sysctl -n "$s" 2>/dev/null | tr '\t' ' ')" || continue
    if [ "$have" != "$want" ]; then
      sysctl -qw "$s=$want" >/dev/null || log "could not restore sysctl $s=$want (now $have)"
    fi
  done
}

node_restore_nft() {
  [ -f "$dir/node/before/nft-tables" ] || return 0
  local t
  # Tables that appeared during the run (kube-proxy's, and iptables-nft's from the kubelet).
  nft list tables 2>/dev/null | sort | comm -13 "$dir/node/before/nft-tables" - | while read -r t; do
    [ -n "$t" ] && nft delete $t 2>/dev/null || true
  done
  # A table that existed before but changed is put back as it was.
  if [ -s "$dir/node/before/nft-tables" ] &&
    ! diff -q <(nft list ruleset 2>/dev/null) "$dir/node/before/nft-ruleset" >/dev/null; then
    while read -r t; do nft delete $t 2>/dev/null || true; done <"$dir/node/before/nft-tables"
    nft -f "$dir/node/before/nft-ruleset" || log "could not restore the nft ruleset"
  fi
}

# --- cgroups -------------------------------------------------------------------------------------

node_cgroup_dirs() { # every mounted hierarchy's /k8snode
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -d "$h" ] && [ -f "$h/cgroup.procs" ] && echo "${h%/}/$node_cgroup"
  done
}

node_make_cgroups() {
  local c
  for c in $(node_cgroup_dirs); do
    mkdir -p "$c"
    if [ -f "$c/cpuset.cpus" ]; then
      cat "$(dirname "$c")/cpuset.cpus" >"$c/cpuset.cpus"
      cat "$(dirname "$c")/cpuset.mems" >"$c/cpuset.mems"
    fi
  done
}

node_kill_cgroup_processes() { # the pods' processes, which we started through containerd
  local c pid any=0
  for c in $(node_cgroup_dirs); do
    [ -d "$c" ] || continue
    for pid in $(find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null); do
      kill -KILL "$pid" 2>/dev/null && any=1
    done
  done
  return $any
}

node_remove_cgroups() {
  local c
  for c in $(node_cgroup_dirs); do
    [ -d "$c" ] || continue
    for _ in $(seq 50); do
      find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [ -d "$c" ] || break
      sleep 0.1
    done
    [ -d "$c" ] && log "could not remove cgroup $c"
  done
  return 0
}

# --- mounts and processes ------------------------------------------------------------------------

node_unmount_all() { # everything mounted under DIR, deepest first
  local m
  for _ in 1 2 3; do
    m="$(awk -v d="$dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)"
    [ -n "$m" ] || return 0
    echo "$m" | while read -r p; do
      umount "$p" 2>/dev/null || umount -l "$p" 2>/dev/null || true
    done
  done
}

node_pids_with_arg() { # pids whose command line mentions <text>
  local p
  for p in /proc/[0-9]*; do
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$1" && echo "${p#/proc/}"
  done
  return 0
}

# --- certificates and kubeconfigs ---------------------------------------------------------------

node_make_certs() { # client certificates for the kubelet and for the apiserver's kubelet client
  local pki="$dir/pki" ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req "${ec[@]}" -subj "/O=system:nodes/CN=system:node:$node_name" \
    -addext "extendedKeyUsage=clientAuth" \
    -keyout "$pki/kubelet.key" -out "$pki/kubelet.csr" 2>/dev/null
  openssl x509 -req -in "$pki/kubelet.csr" -CA "$pki/client-ca.crt" -CAkey "$pki/client-ca.key" \
    -CAcreateserial -days 7 -copy_extensions copy -out "$pki/kubelet.crt" 2>/dev/null
  openssl req "${ec[@]}" -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -addext "extendedKeyUsage=clientAuth" \
    -keyout "$pki/apiserver-kubelet.key" -out "$pki/apiserver-kubelet.csr" 2>/dev/null
  openssl x509 -req -in "$pki/apiserver-kubelet.csr" -CA "$pki/client-ca.crt" \
    -CAkey "$pki/client-ca.key" -CAcreateserial -days 7 -copy_extensions copy \
    -out "$pki/apiserver-kubelet.crt" 2>/dev/null
  chmod 600 "$pki"/*.key
}

node_write_kubelet_kubeconfig() { # <apiserver url>
  local b64
  cat >"$dir/node/kubelet.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: retort-test
  cluster:
    server: $1
    certificate-authority-data: $(base64 -w0 <"$dir/pki/server-ca.crt")
users:
- name: kubelet
  user:
    client-certificate-data: $(base64 -w0 <"$dir/pki/kubelet.crt")
    client-key-data: $(base64 -w0 <"$dir/pki/kubelet.key")
contexts:
- name: kubelet
  context: {cluster: retort-test, user: kubelet}
current-context: kubelet
EOF
  chmod 600 "$dir/node/kubelet.kubeconfig"
}

# The apiserver flags node mode adds (cluster.sh passes them on).
node_apiserver_args() {
  cat <<EOF
--kubelet-client-certificate=$dir/pki/apiserver-kubelet.crt
--kubelet-client-key=$dir/pki/apiserver-kubelet.key
--kubelet-preferred-address-types=InternalIP
--authorization-mode=Node,RBAC
--enable-admission-plugins=NodeRestriction
--admission-control-config-file=$dir/node/admission.yaml
--service-cluster-ip-range=$node_svc_cidr
EOF
}

# Pod Security "restricted" for every namespace but kube-system: the defaults of the PodSecurity
# admission plugin, so namespaces the tests create need no labels to be covered.
node_write_admission_config() {
  mkdir -p "$dir/node"
  cat >"$dir/node/admission.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults: {enforce: restricted, enforce-version: latest, audit: restricted, audit-version: latest, warn: restricted, warn-version: latest}
    exemptions: {usernames: [], runtimeClasses: [], namespaces: [kube-system]}
EOF
}

# --- bridge --------------------------------------------------------------------------------------

node_make_bridge() {
  if ip link show "$node_bridge" >/dev/null 2>&1; then
    die "a link named $node_bridge already exists; is another node cluster running?"
  fi
  if ip -4 route show | grep -q "^$node_subnet\."; then
    die "$node_pod_cidr is already routed on this machine; set RETORT_NODE_SUBNET to a free /24 prefix"
  fi
  ip link add "$node_bridge" type bridge
  echo "$node_bridge" >"$dir/node/bridge"
  ip addr add "$node_host_ip/24" dev "$node_bridge"
  ip link set "$node_bridge" up
}

node_write_cni_config() {
  mkdir -p "$dir/node/cni/net.d" "$dir/node/cni/ipam"
  cat >"$dir/node/cni/net.d/10-retort.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "retort",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$node_bridge",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "$dir/node/cni/ipam",
        "ranges": [[{"subnet": "$node_pod_cidr", "rangeStart": "$node_subnet.16",
                     "rangeEnd": "$node_subnet.250", "gateway": "$node_host_ip"}]],
        "routes": [{"dst": "$node_svc_cidr", "gw": "$node_host_ip"}]
      }
    },
    {"type": "loopback"}
  ]
}
EOF
}

# --- containerd and images ----------------------------------------------------------------------

node_write_containerd_config() {
  local c="$dir/node/containerd"
  mkdir -p "$c/root" "$c/state" "$c/opt"
  cat >"$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/pause:retort"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/node/cni/net.d"
    max_conf_num = 1
EOF
}

node_ctr() { ctr --address "$dir/node/containerd/containerd.sock" -n k8s.io "$@"; }

# The sandbox image: a static C program (node/pause.c), cached by the source's hash.
node_pause_archive() {
  local src="$here/node/pause.c" cache hash out
  cache="$(dirname "$bin")/images"
  hash="$(sha256sum "$src" | cut -c1-16)"
  out="$cache/pause-$hash.tar"
  if [ ! -f "$out" ]; then
    mkdir -p "$cache"
    local work
    work="$(mktemp -d "$dir/pause.XXXXXX")"
    mkdir -p "$work/rootfs"
    gcc -static -Os -s -o "$work/rootfs/pause" "$src"
    "$here/../../scripts/oci-archive.sh" "$work/rootfs" "$work/pause.tar" retort \
      --config.entrypoint /pause --config.user 65535:65535 >&2
    mv -f "$work/pause.tar" "$out"
    rm -rf "$work"
  fi
  echo "$out"
}

node_start_containerd() {
  node_write_containerd_config
  setsid containerd --config "$dir/node/containerd/config.toml" --log-level warn \
    </dev/null >"$dir/containerd.log" 2>&1 &
  echo $! >"$dir/node/containerd.pid"
}

node_wait_containerd() { # answers, and has the sandbox image
  local deadline=$((SECONDS + 30))
  until node_ctr version >/dev/null 2>&1; do
    alive "$dir/node/containerd.pid" || die "containerd exited; see $dir/containerd.log"
    [ $SECONDS -lt $deadline ] || die "containerd did not answer in time; see $dir/containerd.log"
    sleep 0.05
  done
  node_ctr images import --base-name localhost/pause "$(node_pause_archive)" >/dev/null
}

# --- kubelet, kube-proxy, controller manager, scheduler -------------------------------------------

node_write_kubelet_config() {
  cat >"$dir/node/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_host_ip
port: 10250
readOnlyPort: 0
healthzPort: 0
containerRuntimeEndpoint: unix://$dir/node/containerd/containerd.sock
imageServiceEndpoint: unix://$dir/node/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$node_cgroup
failCgroupV1: false
failSwapOn: false
podLogsDir: $dir/node/pod-logs
volumePluginDir: $dir/node/kubelet-plugins
resolvConf: ""
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $dir/pki/client-ca.crt}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: 50Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 40
nodeStatusUpdateFrequency: 2s
syncFrequency: 10s
fileCheckFrequency: 10s
EOF
}

node_start() { # <apiserver url> : everything after the control plane
  local api="$1" pid
  node_write_kubelet_kubeconfig "$api"
  node_write_cni_config
  node_make_cgroups
  node_wait_containerd

  setsid "$bin/kube-controller-manager" --kubeconfig="$dir/kubeconfig" --controllers='*' \
    --service-account-private-key-file="$dir/pki/sa.key" --root-ca-file="$dir/pki/server-ca.crt" \
    --cluster-signing-cert-file="$dir/pki/client-ca.crt" \
    --cluster-signing-key-file="$dir/pki/client-ca.key" \
    --service-cluster-ip-range="$node_svc_cidr" \
    --leader-elect=false --secure-port=0 --bind-address=127.0.0.1 --profiling=false \
    --concurrent-job-syncs=5 \
    </dev/null >"$dir/kube-controller-manager.log" 2>&1 &
  echo $! >"$dir/node/kube-controller-manager.pid"

  setsid "$bin/kube-scheduler" --kubeconfig="$dir/kubeconfig" --leader-elect=false \
    --secure-port=0 --bind-address=127.0.0.1 --profiling=false \
    </dev/null >"$dir/kube-scheduler.log" 2>&1 &
  echo $! >"$dir/node/kube-scheduler.pid"

  node_write_kubelet_config
  mkdir -p "$dir/node/kubelet" "$dir/node/kubelet-pki"
  setsid "$bin/kubelet" --config="$dir/node/kubelet.yaml" \
    --kubeconfig="$dir/node/kubelet.kubeconfig" --root-dir="$dir/node/kubelet" \
    --cert-dir="$dir/node/kubelet-pki" --hostname-override="$node_name" \
    --node-ip="$node_host_ip" --v=1 \
    </dev/null >"$dir/kubelet.log" 2>&1 &
  echo $! >"$dir/node/kubelet.pid"

  # nftables mode: its own `ip kube-proxy`/`ip6 kube-proxy` tables; node ports only on the
  # bridge address; conntrack sysctls left alone (0 = do not touch).
  setsid "$bin/kube-proxy" --kubeconfig="$dir/kubeconfig" --proxy-mode=nftables \
    --hostname-override="$node_name" --cluster-cidr="$node_pod_cidr" \
    --nodeport-addresses="$node_host_ip/32" \
    --bind-address=127.0.0.1 --healthz-bind-address="127.0.0.1:$(free_port)" \
    --metrics-bind-address="127.0.0.1:$(free_port)" \
    --conntrack-max-per-core=0 --conntrack-min=0 \
    --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 \
    </dev/null >"$dir/kube-proxy.log" 2>&1 &
  echo $! >"$dir/node/kube-proxy.pid"
}

node_wait_ready() { # <deadline in $SECONDS>
  local deadline="$1" k=("$bin/kubectl" --kubeconfig="$dir/kubeconfig") p
  until [ "$("${k[@]}" get node "$node_name" \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; do
    for p in containerd kubelet kube-controller-manager kube-scheduler kube-proxy; do
      alive "$dir/node/$p.pid" || die "$p exited; see $dir/$p.log"
    done
    [ $SECONDS -lt $deadline ] || die "node $node_name not Ready in time; see $dir/kubelet.log"
    sleep 0.2
  done
  # Pods need the namespace's ServiceAccount (the admission plugin is on) and the root CA.
  until "${k[@]}" -n default get serviceaccount default >/dev/null 2>&1 &&
    "${k[@]}" -n default get configmap kube-root-ca.crt >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "default ServiceAccount did not appear in time"
    sleep 0.2
  done
}

node_write_env() {
  cat >>"$dir/env.sh" <<EOF
export RETORT_NODE_HOST_IP="$node_host_ip"
export RETORT_NODE_POD_CIDR="$node_pod_cidr"
export RETORT_NODE_SERVICE_CIDR="$node_svc_cidr"
export RETORT_NODE_NAME="$node_name"
export RETORT_NODE_CONTAINERD_ADDRESS="$dir/node/containerd/containerd.sock"
EOF
}

# --- down ---------------------------------------------------------------------------------------

node_stop() {
  if [ ! -d "$dir/node" ]; then
    node_release_machine
    return 0
  fi
  local p pid
  # The kubelet first, so nothing restarts what is stopped next.
  stop_pid "$dir/node/kubelet.pid"
  stop_pid "$dir/node/kube-proxy.pid" "$dir/node/kube-scheduler.pid" \
    "$dir/node/kube-controller-manager.pid"
  if alive "$dir/node/containerd.pid"; then
    local tasks
    tasks="$(node_ctr tasks list -q 2>/dev/null || true)"
    for t in $tasks; do node_ctr tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    for _ in $(seq 50); do
      [ -z "$(node_ctr tasks list 2>/dev/null | awk 'NR > 1 && $3 != "STOPPED"')" ] && break
      sleep 0.1
    done
    stop_pid "$dir/node/containerd.pid"
  fi
  # Shims outlive containerd (they are in their own session); ours name our socket.
  for pid in $(node_pids_with_arg "$dir/node/containerd/containerd.sock"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do node_kill_cgroup_processes && break; sleep 0.1; done
  node_unmount_all
  node_remove_cgroups
  if [ -f "$dir/node/bridge" ]; then
    ip link del "$(cat "$dir/node/bridge")" 2>/dev/null || true
  fi
  node_restore_nft
  node_restore_sysctls
  if [ -f "$dir/node/before/absent-paths" ]; then
    while read -r p; do [ -n "$p" ] && rm -rf "$p"; done <"$dir/node/before/absent-paths"
  fi
  node_release_machine
}
