"""pod_policy.py CORE.yaml... — the rules of deploy/k8s that schemas cannot express.

For every workload (Deployment, StatefulSet, Job) of every rendered overlay: the pod runs as
non-root with the RuntimeDefault seccomp profile; every container has no privilege escalation,
a read-only root filesystem, all capabilities dropped and a memory limit; every Deployment with
a container port has liveness and readiness probes, and one that serves traffic (a port not
named `metrics`) a PodDisruptionBudget and HorizontalPodAutoscaler of the same name. No Secret object is rendered: secret values are
never committed. Prints each violation and exits 1 when there is any.
"""
import sys

import yaml

WORKLOADS = {"Deployment", "StatefulSet", "Job"}


def check(objects, source):
    problems = []
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    for obj in objects:
        kind, name = obj["kind"], obj["metadata"]["name"]
        where = f"{source}: {kind}/{name}"
        if kind == "Secret":
            problems.append(f"{where}: Secrets are created out of band, never rendered from the repository")
        if kind not in WORKLOADS:
            continue
        pod = obj["spec"]["template"]["spec"]
        security = pod.get("securityContext", {})
        if security.get("runAsNonRoot") is not True:
            problems.append(f"{where}: pod securityContext.runAsNonRoot must be true")
        if security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{where}: pod seccompProfile must be RuntimeDefault")
        serves = False
        for c in pod["containers"]:
            cs = c.get("securityContext", {})
            at = f"{where} container {c['name']}"
            if cs.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{at}: allowPrivilegeEscalation must be false")
            if cs.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{at}: readOnlyRootFilesystem must be true")
            if cs.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{at}: capabilities must drop ALL")
            if "memory" not in c.get("resources", {}).get("limits", {}):
                problems.append(f"{at}: needs a memory limit")
            if c.get("ports") and kind == "Deployment":
                # A port named `metrics` only answers Prometheus and probes: it needs probes,
                # not an autoscaler (the background roles scale by their queues, not requests).
                serves = serves or any(port.get("name") != "metrics" for port in c["ports"])
                if "livenessProbe" not in c or "readinessProbe" not in c:
                    problems.append(f"{at}: listens, so needs liveness and readiness probes")
        if serves:
            for needed in ("PodDisruptionBudget", "HorizontalPodAutoscaler"):
                if (needed, name) not in names:
                    problems.append(f"{where}: serves HTTP, so needs a {needed} {name}")
    return problems


def main(files):
    problems = []
    for path in files:
        with open(path) as f:
            problems += check([o for o in yaml.safe_load_all(f) if o], path)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"pod policy: {len(files)} overlays, {len(problems)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
