#!/usr/bin/env python3
"""Plays the kubelets of a few nodes through the Kubernetes API, until the agent role exists.

For each node named on the command line it registers the node (Ready, with allocatable cpu,
memory and pods), renews its Lease in kube-node-lease every 2 s as a kubelet does, marks the
pods bound to it Running and Ready with a pod IP, and finishes the deletion of its pods being
deleted (their containers stopped, as a kubelet confirms with a zero grace period). A node falls silent (no lease renewals, no pod
updates: as if its machine were unplugged) once the file STATE_DIR/NODE.silent exists.

    play-kubelets.py KUBECONFIG STATE_DIR NODE [NODE ...]

Stdlib only; the credentials come from the kubeconfig k3sps server writes (embedded data).
"""
import base64
import datetime
import json
import os
import re
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.request

RENEW_SECONDS = 2
LEASE_SECONDS = 40


def read_kubeconfig(path):
    text = open(path, encoding="utf-8").read()

    def field(name):
        match = re.search(r"^\s*" + name + r":\s*(\S+)\s*$", text, re.MULTILINE)
        if not match:
            sys.exit(f"{path} has no {name}")
        return match.group(1)

    return field("server"), field("certificate-authority-data"), field("client-certificate-data"), field("client-key-data")


class Api:
    def __init__(self, kubeconfig, work):
        server, ca, cert, key = read_kubeconfig(kubeconfig)
        self.server = server.rstrip("/")
        paths = {}
        for name, data in (("ca.crt", ca), ("client.crt", cert), ("client.key", key)):
            paths[name] = os.path.join(work, name)
            with open(paths[name], "wb") as out:
                out.write(base64.b64decode(data))
        self.context = ssl.create_default_context(cafile=paths["ca.crt"])
        self.context.load_cert_chain(paths["client.crt"], paths["client.key"])

    def call(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.server + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, None


def now():
    return datetime.datetime.now(datetime.timezone.utc)


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_time(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def node_object(name, index):
    stamp = rfc3339(now())
    resources = {"cpu": "4", "memory": "8Gi", "pods": "110"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}},
        "status": {
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                            "message": "kubelet is posting ready status",
                            "lastHeartbeatTime": stamp, "lastTransitionTime": stamp}],
            "addresses": [{"type": "InternalIP", "address": f"10.99.0.{index + 1}"},
                          {"type": "Hostname", "address": name}],
            "allocatable": resources,
            "capacity": resources,
        },
    }


def renew_lease(api, node):
    path = f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{node}"
    status, lease = api.call("GET", path)
    renew = micro_time(now())
    if status == 404:
        api.call("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", {
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": node, "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": node, "leaseDurationSeconds": LEASE_SECONDS, "renewTime": renew},
        })
    elif status == 200:
        lease["spec"]["renewTime"] = renew
        api.call("PUT", path, lease)


def sync_pods(api, node, pod_ips):
    status, pods = api.call("GET", f"/api/v1/pods?fieldSelector=spec.nodeName%3D{node}")
    if status != 200:
        return
    for pod in pods["items"]:
        meta = pod["metadata"]
        path = f"/api/v1/namespaces/{meta['namespace']}/pods/{meta['name']}"
        if meta.get("deletionTimestamp"):
            api.call("DELETE", path, {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
                                      "preconditions": {"uid": meta["uid"]}})
            continue
        conditions = (pod.get("status") or {}).get("conditions") or []
        if any(c["type"] == "Ready" and c["status"] == "True" for c in conditions):
            continue
        key = meta["uid"]
        if key not in pod_ips:
            pod_ips[key] = f"10.42.{len(pod_ips) // 250}.{len(pod_ips) % 250 + 2}"
        stamp = rfc3339(now())
        patch = {"status": {
            "phase": "Running", "podIP": pod_ips[key], "podIPs": [{"ip": pod_ips[key]}], "startTime": stamp,
            "conditions": [{"type": name, "status": "True", "lastTransitionTime": stamp}
                           for name in ("Initialized", "Ready", "ContainersReady", "PodScheduled")],
        }}
        api.call("PATCH", path + "/status", patch,
                 "application/strategic-merge-patch+json")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    kubeconfig, state_dir, nodes = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as work:
        api = Api(kubeconfig, work)
        for index, node in enumerate(nodes):
            status, _ = api.call("POST", "/api/v1/nodes", node_object(node, index))
            if status not in (201, 409):
                sys.exit(f"registering node {node} failed with HTTP {status}")
        pod_ips = {}
        while True:
            for node in nodes:
                if os.path.exists(os.path.join(state_dir, node + ".silent")):
                    continue
                renew_lease(api, node)
                sync_pods(api, node, pod_ips)
            time.sleep(RENEW_SECONDS)


if __name__ == "__main__":
    main()
