#!/usr/bin/env bash
# The agent's resident memory with 10 process pods (issue 6: under 64 MB), measured as a user
# would: a real server, a real agent process joined with a token, a 10-replica Deployment whose
# containers are host processes, and VmRSS read from /proc after the agent has settled.
#
#   bench/agent-memory.sh [RUNS]            (default 3; each run is a fresh join, then a restart)
#   OUTPOST_JAVA_OPTS="-Xint" bench/agent-memory.sh 3   (extra agent JVM flags, as the launcher takes them)
#   SETTLE=75 bench/agent-memory.sh         (seconds between the agent's start and the reading)
#
# Prints each reading and the median VmRSS of the fresh and the restarted agent. Everything it
# starts runs under a temporary directory and is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-3}
settle=${SETTLE:-75}
work=$(mktemp -d /tmp/outpost-agent-memory.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
kubectl=${KUBECTL:-$(command -v kubectl)}
server_pid=""
agent_pid=""

cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  # the pods' processes outlive the agent by design (edge autonomy): stop them too
  pkill -f "outpost-memtick $port" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/outpost" --version >/dev/null # builds on first use, outside the timed part
"$root/outpost" server --data-dir "$work/server" --port "$port" --disable-agent >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do
  [[ -f $work/server/node-token ]] && curl -skf "https://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 1
done
export KUBECONFIG=$work/server/admin.kubeconfig

start_agent() { # $1: data dir, $2: node name
  OUTPOST_JAVA_OPTS=${OUTPOST_JAVA_OPTS:-} "$root/outpost" agent --server "https://127.0.0.1:$port" \
    --token "$(cat "$work/server/node-token")" --node-name "$2" --data-dir "$1" --runtime process \
    >>"$work/agent.log" 2>&1 &
  agent_pid=$!
}

stop_agent() {
  kill "$agent_pid" && wait "$agent_pid" 2>/dev/null || true
  agent_pid=""
}

reading() { # $1: label; prints "label VmRSS RssAnon RssFile" in kB
  awk -v label="$1" '/^VmRSS|^RssAnon|^RssFile/{v[$1]=$2} END{printf "%s %d %d %d\n", label, v["VmRSS:"], v["RssAnon:"], v["RssFile:"]}' \
    "/proc/$agent_pid/status"
}

deploy() { # $1: node name
  "$kubectl" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: memtick}
spec:
  replicas: 10
  selector: {matchLabels: {app: memtick}}
  template:
    metadata: {labels: {app: memtick}}
    spec:
      nodeSelector: {kubernetes.io/hostname: $1}
      containers:
      - name: c
        image: busybox
        command: ["sh", "-c", "while :; do echo outpost-memtick $port \$(date); sleep 1; done"]
EOF
}

fresh=()
restarted=()
echo "label VmRSS_kB RssAnon_kB RssFile_kB"
for run in $(seq "$runs"); do
  node=memory-$run
  dir=$work/agent-$run
  start_agent "$dir" "$node"
  for _ in $(seq 120); do
    "$kubectl" get "node/$node" >/dev/null 2>&1 && break
    sleep 1
  done
  "$kubectl" wait --for=condition=Ready "node/$node" --timeout=120s >/dev/null
  deploy "$node"
  running=0
  for _ in $(seq 120); do
    running=$("$kubectl" get pods --field-selector "spec.nodeName=$node,status.phase=Running" --no-headers 2>/dev/null | wc -l)
    ((running >= 10)) && break
    sleep 1
  done
  ((running >= 10)) || { echo "only $running of 10 pods running on $node; see $work/agent.log" >&2; exit 1; }
  sleep "$settle"
  line=$(reading "fresh-$run")
  echo "$line"
  fresh+=("$(awk '{print $2}' <<<"$line")")
  stop_agent
  start_agent "$dir" "$node"
  sleep "$settle"
  line=$(reading "restart-$run")
  echo "$line"
  restarted+=("$(awk '{print $2}' <<<"$line")")
  "$kubectl" delete deployment memtick --wait=false >/dev/null
  stop_agent
  pkill -f "outpost-memtick $port" 2>/dev/null || true
  "$kubectl" delete node "$node" --wait=false >/dev/null 2>&1 || true
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median VmRSS: fresh join $(median "${fresh[@]}") kB, restart $(median "${restarted[@]}") kB (runs: $runs, settle: ${settle}s)"
