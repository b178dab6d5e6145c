#!/usr/bin/env bash
# k3sps server acceptance: starts the published `k3sps server --disable-agent` on 127.0.0.1 with
# throw-away data dirs and checks, with plain kubectl, what a k3s user expects of a server: the
# token and readiness, workloads converging on Ready nodes (played through the API by
# play-kubelets.py until the agent role exists), services, node loss, deletion, a restart, and
# two servers on one PostgreSQL taking over from each other. Prints one "ok - NAME" /
# "not ok - NAME" line per scenario, then "N passed, M failed". Builds nothing:
#
#   tests/e2e/server-acceptance.sh out/k3sps/k3sps
set -euo pipefail

k3sps=${1:?usage: $0 PATH-TO-k3sps}
[[ -x $k3sps ]] || { echo "not an executable: $k3sps" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d)
chmod 755 "$work"
mkdir -p "$work/pids"

# launch NAME COMMAND...: runs it in the background, its PID in $work/pids/NAME, wherever in the
# script (scenarios run in subshells) it was started from.
launch() {
    local name=$1
    shift
    "$@" &
    echo $! >"$work/pids/$name"
}

# halt NAME [SIGNAL]: stops what launch started, by its PID, and waits until it has exited.
halt() {
    local name=$1 signal=${2:-TERM} pid
    [[ -f $work/pids/$name ]] || return 0
    pid=$(cat "$work/pids/$name")
    rm -f "$work/pids/$name"
    kill -"$signal" "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Not always our child (a scenario's subshell may have started it): watch /proc until it is gone or a zombie.
    for _ in $(seq 1 300); do
        [[ -e /proc/$pid ]] || return 0
        [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
        sleep 0.1
    done
    echo "process $name ($pid) did not exit after SIG$signal" >&2
    return 1
}

stop() {
    for file in "$work"/pids/*; do
        [[ -e $file ]] || continue
        # PostgreSQL's fast shutdown is SIGINT.
        if [[ $(basename "$file") == postgres ]]; then halt postgres INT || true; else halt "$(basename "$file")" || true; fi
    done
    rm -rf "$work"
}
trap stop EXIT
# shellcheck source=tests/e2e/scenarios.sh
source "$here/scenarios.sh"

# start_server NAME [FLAGS...]: a server with data dir $work/NAME and kubeconfig $work/NAME.yaml,
# logging to $work/NAME.log; waits until it says it is ready.
start_server() {
    local name=$1
    shift
    local port
    port=$(free_port)
    launch "$name" "$k3sps" server --disable-agent --bind-address 127.0.0.1 --https-listen-port "$port" \
        --data-dir "$work/$name" --write-kubeconfig "$work/$name.yaml" "$@" >"$work/$name.log" 2>&1
    wait_for_log "$name" 'k3sps server is ready in' 600
}

# wait_for_log NAME TEXT TENTHS: until the server's log shows TEXT.
wait_for_log() {
    local name=$1 text=$2 tenths=$3
    for _ in $(seq 1 "$tenths"); do
        grep -q -- "$text" "$work/$name.log" && return 0
        if ! kill -0 "$(cat "$work/pids/$name")" 2>/dev/null; then
            echo "k3sps server $name exited:"
            sed 's/^/    /' "$work/$name.log"
            return 1
        fi
        sleep 0.1
    done
    echo "k3sps server $name did not log '$text'"
    return 1
}

# eventually SECONDS COMMAND...: polls until the command succeeds.
eventually() {
    local seconds=$1
    shift
    for _ in $(seq 1 $((seconds * 2))); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    echo "timed out after ${seconds} s waiting for: $*"
    "$@" || true
    return 1
}

# --- one server, nodes played through the API ------------------------------------------------

start_server one
export KUBECONFIG=$work/one.yaml
mkdir -p "$work/kubelets"
launch kubelets python3 "$here/play-kubelets.py" "$KUBECONFIG" "$work/kubelets" node-a node-b node-c >"$work/kubelets.log" 2>&1

t_ready_and_token() {
    expect "$(kubectl get --raw /readyz)" ok
    grep -E 'k3sps server is ready in [0-9]+ ms' "$work/one.log" | sed 's/^/note: /'
    # The packaged CoreDNS, applied by the deploy controller from server/manifests, as k3s's.
    [[ -f $work/one/server/manifests/coredns.yaml ]]
    coredns_applied() { kubectl -n kube-system get deployment coredns >/dev/null && kubectl -n kube-system get service kube-dns >/dev/null; }
    eventually 30 coredns_applied
    expect "$(kubectl -n kube-system get service kube-dns -o jsonpath='{.spec.clusterIP}')" 10.43.0.10
    kubectl get all -n kube-system | sed 's/^/note: /'
    local token hash
    token=$(cat "$work/one/server/token")
    [[ $token =~ ^K10([0-9a-f]{64})::server:[0-9a-f]{32}$ ]] || { echo "token not in the K10 format: $token"; return 1; }
    hash=$(sha256sum "$work/one/server/tls/server-ca.crt" | cut -d' ' -f1)
    expect "${BASH_REMATCH[1]}" "$hash"
    expect "$(stat -c %a "$work/one/server/token")" 600
    [[ -s $work/one/server/node-token ]]
}

nodes_ready() {
    [[ $(kubectl get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True) -ge 3 ]]
}

deployment() {
    local ns=$1 name=$2 replicas=$3 image=$4
    cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $name, namespace: $ns}
spec:
  replicas: $replicas
  selector: {matchLabels: {app: $name}}
  template:
    metadata: {labels: {app: $name}}
    spec:
      # Evicted 5 s after its node becomes unreachable (the API server's default is 300 s).
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 5}
      containers:
      - name: $name
        image: $image
        ports: [{name: http, containerPort: 8080}]
EOF
}

bound_pods() {
    kubectl -n "$1" get pods -l "app=$2" -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}'
}

t_deployment_rollout() {
    eventually 30 nodes_ready
    kubectl create namespace app
    deployment app web 3 nginx:1.27 | kubectl apply -f -
    kubectl -n app rollout status deployment/web --timeout=120s
    local pods
    pods=$(bound_pods app web)
    echo "$pods"
    expect "$(wc -l <<<"$pods")" 3
    grep -vqE ' node-[abc] True$' <<<"$pods" && { echo "a pod is not bound to a Ready node"; return 1; }
    expect "$(kubectl -n app get rs -l app=web -o name | wc -l)" 1

    kubectl -n app set image deployment/web web=nginx:1.28
    kubectl -n app rollout status deployment/web --timeout=120s
    local sets
    sets=$(kubectl -n app get rs -l app=web -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image} {.spec.replicas}{"\n"}{end}' | sort)
    expect "$sets" "nginx:1.27 0
nginx:1.28 3"
    kubectl -n app get deploy web
    # What the controllers and the scheduler did is told in events, as upstream's.
    local reasons
    reasons=$(kubectl get events -A -o jsonpath='{range .items[*]}{.reason}{"\n"}{end}' | sort -u)
    for reason in ScalingReplicaSet SuccessfulCreate SuccessfulDelete Scheduled RegisteredNode; do
        grep -qx "$reason" <<<"$reasons" || { echo "no $reason event among: $reasons"; return 1; }
    done
}

t_service_endpoints() {
    kubectl -n app expose deployment web --port 80 --target-port http
    local ip
    ip=$(kubectl -n app get service web -o jsonpath='{.spec.clusterIP}')
    [[ $ip =~ ^10\.43\.[0-9]+\.[0-9]+$ ]] || { echo "cluster IP $ip is not in 10.43.0.0/16"; return 1; }
    # The ready pods not being deleted (the rollout's old pods may still be terminating).
    ready_pod_ips() {
        kubectl -n app get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.status.conditions[?(@.type=="Ready")].status}|{.status.podIP}{"\n"}{end}' \
            | awk -F'|' '$1 == "" && $2 == "True" {print $3}' | sort | xargs
    }
    endpoint_ips() { kubectl -n app get endpoints web -o jsonpath='{range .subsets[*].addresses[*]}{.ip}{"\n"}{end}' | sort | xargs; }
    slice_ips() { kubectl -n app get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | sort | xargs; }
    endpoints_list_pods() { [[ $(endpoint_ips) == "$(ready_pod_ips)" && $(slice_ips) == "$(ready_pod_ips)" ]]; }
    eventually 30 endpoints_list_pods || { echo "ready pods: $(ready_pod_ips); endpoints: $(endpoint_ips); slices: $(slice_ips)"; return 1; }
    local pod_ips
    pod_ips=$(ready_pod_ips)
    expect "$(wc -w <<<"$pod_ips")" 3
    echo "note: service web has cluster IP $ip and endpoints $pod_ips"
}

t_delete_deployment() {
    kubectl -n app delete deployment web --wait=false
    none_left() { [[ -z $(kubectl -n app get rs,pods -l app=web -o name) ]]; }
    eventually 60 none_left
}

t_delete_namespace() {
    kubectl -n app create configmap settings --from-literal=a=1
    kubectl -n app create secret generic password --from-literal=p=x
    kubectl delete namespace app --timeout=120s
    expect_gone() { ! kubectl get namespace app >/dev/null 2>&1; }
    eventually 60 expect_gone
    expect "$(kubectl get configmaps,secrets,services,endpoints,endpointslices,serviceaccounts -n app -o name 2>/dev/null | wc -l)" 0
}

node_condition() {
    kubectl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}'
}

t_node_loss() {
    kubectl create namespace lost
    deployment lost api 3 nginx:1.27 | kubectl apply -f -
    kubectl -n lost rollout status deployment/api --timeout=120s
    local victim
    victim=$(bound_pods lost api | awk '{print $2}' | sort | uniq -c | sort -rn | awk 'NR == 1 {print $2}')
    echo "note: node $victim falls silent"
    local silent_at=$SECONDS
    touch "$work/kubelets/$victim.silent"
    unknown() { [[ $(node_condition "$victim") == Unknown ]]; }
    eventually 120 unknown
    echo "note: $victim turned Unknown $((SECONDS - silent_at)) s after it fell silent"
    kubectl get node "$victim" -o jsonpath='{.spec.taints[*].key}' | grep -q node.kubernetes.io/unreachable
    replaced() {
        local ready_elsewhere
        ready_elsewhere=$(kubectl -n lost get pods -l app=api -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.spec.nodeName}|{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' \
            | grep -c "^|node-[abc]|True$" | xargs)
        [[ $ready_elsewhere -eq 3 ]] && ! kubectl -n lost get pods -l app=api -o jsonpath='{range .items[*]}{.metadata.deletionTimestamp}|{.spec.nodeName}{"\n"}{end}' | grep -q "^|$victim$"
    }
    eventually 120 replaced
    kubectl get nodes
    bound_pods lost api
}

scenario "a fresh data dir: /readyz ok, start-up time logged, CoreDNS deployed, K10 token pinned to server-ca.crt" t_ready_and_token
scenario "a Deployment of 3 gets a ReplicaSet and 3 pods on Ready nodes; a rolling update replaces the ReplicaSet" t_deployment_rollout
scenario "a Service gets a ClusterIP in 10.43.0.0/16 and Endpoints and EndpointSlices of the ready pods" t_service_endpoints
scenario "deleting the Deployment removes its ReplicaSets and Pods" t_delete_deployment
scenario "deleting a namespace removes all its objects" t_delete_namespace
scenario "a node whose Lease is not renewed turns Unknown, gets the unreachable taint, its pods are replaced" t_node_loss

t_restart() {
    local before_token before_ca before_objects
    before_token=$(cat "$work/one/server/token")
    before_ca=$(sha256sum <"$work/one/server/tls/server-ca.crt")
    kubectl create namespace keep
    for i in $(seq 1 20); do kubectl -n keep create configmap "cm-$i" --from-literal=i="$i" >/dev/null; done
    before_objects=$(kubectl get namespaces,deployments,replicasets,services,configmaps,secrets,serviceaccounts,nodes -A -o name | sort)
    halt kubelets
    local stop_at=$SECONDS
    halt one TERM
    echo "note: stopped $((SECONDS - stop_at)) s after SIGTERM"
    grep -q 'k3sps server: stopping' "$work/one.log"
    start_server one
    expect "$(cat "$work/one/server/token")" "$before_token"
    expect "$(sha256sum <"$work/one/server/tls/server-ca.crt")" "$before_ca"
    expect "$(kubectl get namespaces,deployments,replicasets,services,configmaps,secrets,serviceaccounts,nodes -A -o name | sort)" "$before_objects"
    expect "$(kubectl -n keep get configmap cm-17 -o jsonpath='{.data.i}')" 17
}
scenario "a restart keeps the token, the CA and every object" t_restart
halt kubelets
halt one

# --- two servers on one PostgreSQL -------------------------------------------------------------

start_postgres() {
    local bin port
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    port=$(free_port)
    mkdir -p "$work/postgres"
    local as_postgres=()
    if [[ $(id -u) -eq 0 ]]; then
        # PostgreSQL refuses to run as root; setpriv execs in place, so $! is the postmaster.
        chown postgres:postgres "$work/postgres"
        as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    fi
    "${as_postgres[@]}" "$bin/initdb" --pgdata "$work/postgres/data" --username postgres --auth trust --no-sync >"$work/postgres.log" 2>&1
    launch postgres "${as_postgres[@]}" "$bin/postgres" -D "$work/postgres/data" -k "$work/postgres" -h 127.0.0.1 -p "$port" >>"$work/postgres.log" 2>&1
    for _ in $(seq 1 300); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
        sleep 0.1
    done
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" || { cat "$work/postgres.log"; return 1; }
    echo "postgres://postgres@127.0.0.1:$port/k3s?sslmode=disable"
}

leader_of() {
    for name in "$@"; do
        grep -q 'became the leader of kube-system/kube-controller-manager' "$work/$name.log" && { echo "$name"; return 0; }
    done
    return 1
}

t_two_servers_failover() {
    local endpoint
    endpoint=$(start_postgres)
    start_server ha1 --datastore-endpoint "$endpoint" --token shared-secret
    start_server ha2 --datastore-endpoint "$endpoint" --token shared-secret
    eventually 60 leader_of ha1 ha2
    local leader follower
    leader=$(leader_of ha1 ha2)
    follower=$([[ $leader == ha1 ]] && echo ha2 || echo ha1)
    grep -q 'became the leader' "$work/$follower.log" && { echo "both servers lead"; return 1; }
    echo "note: $leader runs the controllers, $follower waits"
    # One cluster: the second server restored the first one's CA from the datastore, so tokens and
    # kubeconfigs are interchangeable.
    expect "$(cat "$work/ha2/server/token")" "$(cat "$work/ha1/server/token")"
    cmp -s "$work/ha1/server/tls/server-ca.crt" "$work/ha2/server/tls/server-ca.crt"
    local ha2_url
    ha2_url=$(awk '/server:/ {print $2; exit}' "$work/ha2.yaml")
    expect "$(kubectl --kubeconfig "$work/ha1.yaml" --server "$ha2_url" get --raw /readyz)" ok
    # A server given another token is refused the datastore, clearly.
    local refused
    if refused=$("$k3sps" server --disable-agent --bind-address 127.0.0.1 --https-listen-port "$(free_port)" --data-dir "$work/stranger" \
        --write-kubeconfig "$work/stranger.yaml" --datastore-endpoint "$endpoint" --token another-secret 2>&1); then
        echo "a server with another token started: $refused"
        return 1
    fi
    grep -q "another token" <<<"$refused" || { echo "unclear refusal: $refused"; return 1; }

    kubectl --kubeconfig "$work/$leader.yaml" create namespace shared
    for i in $(seq 1 10); do
        kubectl --kubeconfig "$work/$leader.yaml" -n shared create configmap "from-leader-$i" --from-literal=i="$i" >/dev/null
        kubectl --kubeconfig "$work/$follower.yaml" -n shared create configmap "from-follower-$i" --from-literal=i="$i" >/dev/null
    done
    local killed_at=$SECONDS
    halt "$leader" KILL
    eventually 60 grep -q 'became the leader of kube-system/kube-controller-manager' "$work/$follower.log"
    echo "note: $follower took over $((SECONDS - killed_at)) s after $leader was killed"
    expect "$(kubectl --kubeconfig "$work/$follower.yaml" -n shared get configmaps -o name | grep -c '/from-')" 20
    # The new leader's controllers act: a deployment gets its ReplicaSet.
    deployment shared after 2 nginx:1.27 | kubectl --kubeconfig "$work/$follower.yaml" apply -f -
    has_replicaset() { [[ -n $(kubectl --kubeconfig "$work/$follower.yaml" -n shared get rs -l app=after -o name) ]]; }
    eventually 60 has_replicaset
}
scenario "two servers on one PostgreSQL share one CA; one runs the controllers; killed, the other takes over; nothing is lost" t_two_servers_failover

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
