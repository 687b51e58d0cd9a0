"""split_objects.py RENDERED.yaml OUT_DIR — splits `kubectl kustomize` output for the validators.

Core Kubernetes objects go to OUT_DIR/core.yaml (kubernetes-validate reads a multi-document
file); every object of a custom resource goes to its own file under
OUT_DIR/crd/<group>_<version>_<kind>/ (check-jsonschema validates one document per file), named
after the schema deploy/k8s/schemas/<group>_<version>_<kind>.json it must match. Prints one line
per directory: the schema name and how many objects it holds.
"""
import os
import sys

import yaml

CORE_GROUPS = {
    "v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1", "scheduling.k8s.io/v1",
}


def main(rendered, out):
    core, crds = [], {}
    with open(rendered) as f:
        for obj in yaml.safe_load_all(f):
            if not obj:
                continue
            if obj["apiVersion"] in CORE_GROUPS:
                core.append(obj)
            else:
                group, version = obj["apiVersion"].split("/")
                crds.setdefault(f"{group}_{version}_{obj['kind'].lower()}", []).append(obj)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "core.yaml"), "w") as f:
        yaml.safe_dump_all(core, f)
    print(f"core {len(core)}")
    for schema, objects in sorted(crds.items()):
        folder = os.path.join(out, "crd", schema)
        os.makedirs(folder, exist_ok=True)
        for obj in objects:
            with open(os.path.join(folder, obj["metadata"]["name"] + ".yaml"), "w") as f:
                yaml.safe_dump(obj, f)
        print(f"{schema} {len(objects)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
