#!/usr/bin/env python3
"""Checks tools/cluster/hashsieve-indexed-job.yaml offline against the batch/v1 Job schema's
rules that matter here (no cluster is available): known fields only (JobSpec, PodSpec and
Container field names from the Kubernetes API reference), required fields and types, the
Job-only restartPolicy values, Indexed completion mode with a completion count, DNS-1123 names,
and that the shard count in `--shard auto/N` equals completions and that the merge Job reads
the outputs the shards write. usage: check_indexed_job.py FILE; exit 77 without PyYAML."""
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML (python3-yaml) is not installed")
    sys.exit(77)

# Field names of batch/v1 JobSpec, core/v1 PodSpec and Container (Kubernetes 1.29 reference).
JOB_SPEC = {"activeDeadlineSeconds", "backoffLimit", "backoffLimitPerIndex", "completionMode",
            "completions", "manualSelector", "maxFailedIndexes", "parallelism", "podFailurePolicy",
            "podReplacementPolicy", "selector", "suspend", "template", "ttlSecondsAfterFinished"}
POD_SPEC = {"activeDeadlineSeconds", "affinity", "automountServiceAccountToken", "containers",
            "dnsConfig", "dnsPolicy", "enableServiceLinks", "ephemeralContainers", "hostAliases",
            "hostIPC", "hostNetwork", "hostPID", "hostUsers", "hostname", "imagePullSecrets",
            "initContainers", "nodeName", "nodeSelector", "os", "overhead", "preemptionPolicy",
            "priority", "priorityClassName", "readinessGates", "resourceClaims", "restartPolicy",
            "runtimeClassName", "schedulerName", "schedulingGates", "securityContext",
            "serviceAccountName", "setHostnameAsFQDN", "shareProcessNamespace", "subdomain",
            "terminationGracePeriodSeconds", "tolerations", "topologySpreadConstraints",
            "volumes"}
CONTAINER = {"args", "command", "env", "envFrom", "image", "imagePullPolicy", "lifecycle",
             "livenessProbe", "name", "ports", "readinessProbe", "resizePolicy", "resources",
             "restartPolicy", "securityContext", "startupProbe", "stdin", "stdinOnce",
             "terminationMessagePath", "terminationMessagePolicy", "tty", "volumeDevices",
             "volumeMounts", "workingDir"}
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def known(obj, fields, where):
    if not isinstance(obj, dict):
        fail(f"{where} is not a mapping")
    extra = set(obj) - fields
    if extra:
        fail(f"{where}: unknown fields {sorted(extra)}")


def check_job(doc):
    if doc.get("apiVersion") != "batch/v1" or doc.get("kind") != "Job":
        fail("every document must be a batch/v1 Job")
    name = doc.get("metadata", {}).get("name", "")
    if not DNS1123.match(name) or len(name) > 63:
        fail(f"metadata.name {name!r} is not a DNS-1123 label")
    spec = doc.get("spec")
    known(spec, JOB_SPEC, f"{name}.spec")
    for k in ("completions", "parallelism", "backoffLimit", "backoffLimitPerIndex"):
        if k in spec and (not isinstance(spec[k], int) or spec[k] < 0):
            fail(f"{name}.spec.{k} must be a non-negative integer")
    if spec.get("completionMode", "NonIndexed") not in ("Indexed", "NonIndexed"):
        fail(f"{name}.spec.completionMode")
    if spec.get("completionMode") == "Indexed" and not spec.get("completions"):
        fail(f"{name}: an Indexed Job needs completions")
    if "backoffLimitPerIndex" in spec and spec.get("completionMode") != "Indexed":
        fail(f"{name}: backoffLimitPerIndex needs completionMode Indexed")
    pod = spec.get("template", {}).get("spec")
    known(pod, POD_SPEC, f"{name}.spec.template.spec")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        fail(f"{name}: a Job's restartPolicy must be Never or OnFailure")
    containers = pod.get("containers")
    if not containers:
        fail(f"{name}: no containers")
    claims = {v["name"] for v in pod.get("volumes", [])}
    for c in containers:
        known(c, CONTAINER, f"{name} container")
        if not c.get("name") or not c.get("image"):
            fail(f"{name}: a container needs name and image")
        for m in c.get("volumeMounts", []):
            if m.get("name") not in claims or not m.get("mountPath"):
                fail(f"{name}: volumeMount {m} has no volume")
    return name, spec, " ".join(" ".join(c.get("args", []) + c.get("command", []))
                                for c in containers)


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    jobs = {}
    for d in docs:
        name, spec, cmd = check_job(d)
        jobs[name] = (spec, cmd)
    shards = [(s, c) for s, c in jobs.values() if s.get("completionMode") == "Indexed"]
    merges = [(s, c) for s, c in jobs.values() if "hashsieve merge" in c]
    if len(shards) != 1 or len(merges) != 1:
        fail("expected one Indexed shard Job and one merge Job")
    spec, cmd = shards[0]
    m = re.search(r"--shard auto/(\d+)", cmd)
    if not m or int(m.group(1)) != spec["completions"]:
        fail(f"--shard auto/N must equal completions ({spec['completions']})")
    if spec.get("parallelism", 1) > spec["completions"]:
        fail("parallelism above completions")
    out = re.search(r"-o (\S*%i\S*)", cmd)
    if not out or out.group(1) not in merges[0][1]:
        fail("the merge Job must read the shards' -o template")
    print(f"OK: {len(docs)} Jobs; {spec['completions']} shards; merge reads {out.group(1)}")


main()
