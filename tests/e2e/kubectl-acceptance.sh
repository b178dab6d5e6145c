#!/usr/bin/env bash
# kubectl acceptance: starts the published `k3sps server` on 127.0.0.1 with a throw-away data dir,
# runs each scenario with plain kubectl against the kubeconfig it writes, and prints one
# "ok - NAME" / "not ok - NAME" line per scenario, then "N passed, M failed".
# Builds nothing: pass the published executable (build.ps1 Build puts it in out/k3sps/k3sps).
#
#   tests/e2e/kubectl-acceptance.sh out/k3sps/k3sps
set -euo pipefail

k3sps=${1:?usage: $0 PATH-TO-k3sps}
[[ -x $k3sps ]] || { echo "not an executable: $k3sps" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
watch_pid=""
stop() {
    # By PID only: the server and the watch this script started, nothing else.
    if [[ -n $watch_pid ]]; then kill "$watch_pid" 2>/dev/null || true; wait "$watch_pid" 2>/dev/null || true; fi
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop EXIT
# shellcheck source=tests/e2e/scenarios.sh
source "$(dirname "$0")/scenarios.sh"

port=$(free_port)
"$k3sps" server --disable-agent --bind-address 127.0.0.1 --https-listen-port "$port" \
    --data-dir "$work/data" --write-kubeconfig "$work/kubeconfig.yaml" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 600); do
    grep -q 'k3sps server is ready in' "$work/server.log" && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        wait "$server_pid" || true
        server_pid=""
        echo "k3sps server exited before it was ready:" >&2
        sed 's/^/    /' "$work/server.log" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
    sleep 0.1
done
grep -q 'k3sps server is ready in' "$work/server.log" || { echo "k3sps server did not become ready" >&2; echo "0 passed, 1 failed"; exit 1; }
export KUBECONFIG=$work/kubeconfig.yaml

# Fails unless a command fails with this text in its output.
expect_error() {
    local text=$1 output
    shift
    if output=$("$@" 2>&1); then
        echo "expected a failure with '$text', but it succeeded: $output"
        return 1
    fi
    grep -q -- "$text" <<<"$output" || { echo "expected '$text' in: $output"; return 1; }
}

# Polls a command until it succeeds (30 s at most).
eventually() {
    for _ in $(seq 1 300); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    echo "timed out waiting for: $*"
    return 1
}

t_version() {
    kubectl version | grep -q '^Server Version: '
}

t_readyz() {
    expect "$(kubectl get --raw /readyz)" ok
}

t_api_resources() {
    local resources
    resources=$(kubectl api-resources -o name)
    for name in pods nodes namespaces configmaps secrets services deployments.apps replicasets.apps leases.coordination.k8s.io \
        events events.events.k8s.io customresourcedefinitions.apiextensions.k8s.io; do
        grep -qx "$name" <<<"$resources" || { echo "$name missing from: $resources"; return 1; }
    done
}

t_system_namespaces() {
    local names
    names=$(kubectl get ns -o name)
    for ns in default kube-system kube-public kube-node-lease; do
        grep -qx "namespace/$ns" <<<"$names" || { echo "$ns missing from: $names"; return 1; }
    done
}

t_create_namespace() {
    kubectl create namespace accept
    expect "$(kubectl get ns accept -o jsonpath='{.status.phase}')" Active
}

t_create_configmap() {
    kubectl -n accept create configmap cm1 --from-literal=a=1
}

t_output_formats() {
    kubectl -n accept get configmap cm1 -o yaml | grep -q '^  a: "1"$'
    kubectl -n accept get configmap cm1 -o json | grep -q '"a": "1"'
    expect "$(kubectl -n accept get configmap cm1 -o name)" configmap/cm1
    expect "$(kubectl -n accept get configmap cm1 -o jsonpath='{.data.a}')" 1
}

t_label() {
    kubectl -n accept label configmap cm1 tier=web
    expect "$(kubectl -n accept get configmaps -l tier=web -o name)" configmap/cm1
}

t_annotate() {
    kubectl -n accept annotate configmap cm1 note=hello
    expect "$(kubectl -n accept get configmap cm1 -o jsonpath='{.metadata.annotations.note}')" hello
}

t_patch_merge() {
    kubectl -n accept patch configmap cm1 --type merge -p '{"data":{"b":"2"}}'
    expect "$(kubectl -n accept get configmap cm1 -o jsonpath='{.data.b}')" 2
}

t_patch_json() {
    kubectl -n accept patch configmap cm1 --type json -p '[{"op":"replace","path":"/data/a","value":"10"}]'
    expect "$(kubectl -n accept get configmap cm1 -o jsonpath='{.data.a}')" 10
}

t_replace() {
    kubectl -n accept get configmap cm1 -o yaml | sed 's/^  a: "10"$/  a: "11"/' | kubectl replace -f -
    expect "$(kubectl -n accept get configmap cm1 -o jsonpath='{.data.a}')" 11
}

t_delete() {
    kubectl -n accept create configmap short-lived --from-literal=x=y
    kubectl -n accept delete configmap short-lived
    expect_error NotFound kubectl -n accept get configmap short-lived
}

t_watch() {
    kubectl create namespace watched
    kubectl -n watched get configmaps --watch --output-watch-events >"$work/watch.out" 2>&1 &
    watch_pid=$!
    # The watch is open once kubectl has its first answer (an empty list prints "No resources found").
    sleep 1
    kubectl -n watched create configmap w1 --from-literal=k=1
    kubectl -n watched patch configmap w1 --type merge -p '{"data":{"k":"2"}}'
    kubectl -n watched delete configmap w1
    for event in ADDED MODIFIED DELETED; do
        eventually grep -Eq "^$event +w1 " "$work/watch.out" || { cat "$work/watch.out"; return 1; }
    done
    kill "$watch_pid"
    wait "$watch_pid" || true
    watch_pid=""
}

t_chunked_list() {
    kubectl create namespace chunked
    for i in 1 2 3 4 5; do kubectl -n chunked create configmap "item-$i" --from-literal=i="$i"; done
    kubectl -n chunked label configmaps item-1 item-2 item-3 item-4 item-5 batch=five
    expect "$(kubectl -n chunked get configmaps -l batch=five --chunk-size=2 -o name | wc -l)" 5
}

t_invalid_name() {
    expect_error 'Invalid value' kubectl -n accept create configmap Not_A_Name --from-literal=a=1
}

t_duplicate() {
    # kubectl's imperative create prints the AlreadyExists Status's message, not its reason.
    expect_error 'configmaps "cm1" already exists' kubectl -n accept create configmap cm1 --from-literal=a=1
}

t_stale_replace() {
    kubectl -n accept get configmap cm1 -o yaml >"$work/stale.yaml"
    kubectl -n accept patch configmap cm1 --type merge -p '{"data":{"c":"3"}}'
    expect_error Conflict kubectl replace -f "$work/stale.yaml"
}

t_not_found() {
    expect_error NotFound kubectl -n accept get configmap does-not-exist
}

# With curl (kubectl asks for a username on a kubeconfig without credentials): trusts the CA, sends no certificate.
t_no_credentials() {
    kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$work/ca.crt"
    local status
    status=$(curl -s -o "$work/anonymous.json" -w '%{http_code}' --cacert "$work/ca.crt" "https://127.0.0.1:$port/api/v1/namespaces")
    expect "$status" 401
    grep -q '"reason": *"Unauthorized"' "$work/anonymous.json" || { cat "$work/anonymous.json"; return 1; }
}

t_delete_namespace() {
    kubectl create namespace doomed
    kubectl -n doomed create configmap inside --from-literal=a=1
    kubectl -n doomed create secret generic hidden --from-literal=a=1
    kubectl delete namespace doomed
    eventually expect_error NotFound kubectl get namespace doomed
    eventually test -z "$(kubectl -n doomed get configmaps,secrets -o name 2>/dev/null)"
}

deployment() { # IMAGE MODE
    cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: accept}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: $1
        env:
        - {name: MODE, value: $2}
        - {name: LEVEL, value: "1"}
      - name: sidecar
        image: busybox:1.36
YAML
}

t_apply_deployment() {
    deployment nginx:1.27 blue >"$work/deploy.yaml"
    kubectl apply -f "$work/deploy.yaml" | grep -q 'deployment.apps/web created'
    # A variable the manifest does not manage survives the re-apply: a strategic merge by name.
    kubectl -n accept set env deployment/web -c web EXTRA=kept
    deployment nginx:1.28 green >"$work/deploy.yaml"
    kubectl apply -f "$work/deploy.yaml" | grep -q 'deployment.apps/web configured'
    expect "$(kubectl -n accept get deploy web -o jsonpath='{.spec.template.spec.containers[0].image}')" nginx:1.28
    expect "$(kubectl -n accept get deploy web -o jsonpath='{range .spec.template.spec.containers[0].env[*]}{.name}={.value} {end}')" 'MODE=green LEVEL=1 EXTRA=kept '
    kubectl -n accept scale deployment web --replicas=3
    expect "$(kubectl -n accept get deploy web -o jsonpath='{.spec.replicas}')" 3
    expect "$(kubectl -n accept get deploy | head -1 | tr -s ' ')" 'NAME READY UP-TO-DATE AVAILABLE AGE'
    expect "$(kubectl -n accept get deploy web --no-headers | awk '{print $1, $2}')" 'web 0/3'
}

t_explain() {
    local output
    output=$(kubectl explain deployment.spec.replicas)
    grep -q 'FIELD: replicas <integer>' <<<"$output" || { echo "$output"; return 1; }
    grep -q 'Number of desired pods' <<<"$output" || { echo "$output"; return 1; }
}

t_custom_resource() {
    cat >"$work/crd.yaml" <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              cronSpec: {type: string}
              image: {type: string}
YAML
    kubectl apply -f "$work/crd.yaml"
    cat >"$work/cr.yaml" <<YAML
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: my-new-cron-object, namespace: accept}
spec: {cronSpec: "* * * * */5", image: my-awesome-cron-image}
YAML
    kubectl create -f "$work/cr.yaml"
    expect "$(kubectl -n accept get crontabs -o name)" crontab.stable.example.com/my-new-cron-object
    expect "$(kubectl -n accept get ct my-new-cron-object -o jsonpath='{.spec.image}')" my-awesome-cron-image
    kubectl -n accept delete crontab my-new-cron-object
    expect "$(kubectl -n accept get crontabs -o name)" ''
}

scenario 'kubectl version reaches the server' t_version
scenario 'get --raw /readyz answers ok' t_readyz
scenario 'api-resources lists pods, nodes, namespaces, configmaps, secrets, services, deployments, replicasets, leases, events, CRDs' t_api_resources
scenario 'get ns shows default, kube-system, kube-public, kube-node-lease' t_system_namespaces
scenario 'create namespace' t_create_namespace
scenario 'create configmap --from-literal' t_create_configmap
scenario 'get -o yaml, -o json, -o name, -o jsonpath' t_output_formats
scenario 'label' t_label
scenario 'annotate' t_annotate
scenario 'patch --type merge' t_patch_merge
scenario 'patch --type json' t_patch_json
scenario 'replace -f - from get -o yaml' t_replace
scenario 'delete' t_delete
scenario 'get -w sees ADDED, MODIFIED, DELETED' t_watch
scenario 'get --chunk-size=2 lists all 5 items' t_chunked_list
scenario 'an invalid name is refused with Invalid value' t_invalid_name
scenario 'a duplicate is refused with AlreadyExists' t_duplicate
scenario 'replace at a stale resourceVersion is refused with Conflict' t_stale_replace
scenario 'a missing object is NotFound' t_not_found
scenario 'no credentials get 401 Unauthorized' t_no_credentials
scenario 'delete namespace removes it and its configmaps and secrets' t_delete_namespace
scenario 'apply -f a deployment, re-apply (image, env by name), scale, get deploy columns' t_apply_deployment
scenario 'explain deployment.spec.replicas' t_explain
scenario 'a CRD applied, a custom resource created, listed and deleted' t_custom_resource

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
