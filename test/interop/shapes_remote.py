"""flytekit's FlyteRemote driving the workflow shapes of test/interop/shapes against the embedded plane.

Usage: python shapes_remote.py <host:port> <project> <domain> <version>
Launches every shape at once, answers the gates through SignalService (approve, reject, set_signal),
waits for all, prints one JSON line: per shape its phase, outputs or error, and what FlyteRemote synced.
"""
import datetime
import json
import sys
import time

from flytekit.configuration import Config
from flytekit.remote import FlyteRemote

TIMEOUT = datetime.timedelta(seconds=300)
POLL = datetime.timedelta(seconds=1)


def main() -> None:
    endpoint, project, domain, version = sys.argv[1:5]
    remote = FlyteRemote(
        config=Config.for_endpoint(endpoint=endpoint, insecure=True),
        default_project=project,
        default_domain=domain,
    )

    def launch(name, inputs):
        lp = remote.fetch_launch_plan(name=name, version=version)
        return remote.execute(lp, inputs=inputs)

    runs = {
        "dynamic": launch("shapes.flows.dynamic_wf", {"n": 3}),
        "launch_plan": launch("shapes.flows.parent_wf", {"x": 4}),
        "approved": launch("shapes.flows.approve_wf", {"x": 3}),
        "rejected": launch("shapes.flows.approve_wf", {"x": 2}),
        "input": launch("shapes.flows.input_wf", {}),
        "wide_map": launch("shapes.flows.wide_map_wf", {"n": 20}),
    }
    out = {}

    def signal_ids(ex):
        deadline = time.time() + 240
        while time.time() < deadline:
            ids = [s.id.signal_id for s in remote.list_signals(ex.id.name)]
            if ids:
                return ids
            time.sleep(0.5)
        raise TimeoutError(f"no signal appeared for {ex.id.name}")

    out["signals"] = {
        "approved": signal_ids(runs["approved"]),
        "input": signal_ids(runs["input"]),
        "rejected": signal_ids(runs["rejected"]),
    }
    remote.approve("review", runs["approved"].id.name)
    remote.reject("review", runs["rejected"].id.name)
    remote.set_signal("bonus", runs["input"].id.name, 5)

    for key, ex in runs.items():
        ex = remote.wait(ex, timeout=TIMEOUT, poll_interval=POLL, sync_nodes=True)
        entry = {"phase": ex.closure.phase}
        if ex.error:
            entry["error"] = ex.error.message
        else:
            entry["outputs"] = {k: ex.outputs.get(k) for k in ex.outputs.keys()}
        entry["nodes"] = sorted(ex.node_executions.keys())
        if key == "dynamic":
            fan = ex.node_executions["n0"]
            entry["children"] = sorted(fan.subworkflow_node_executions.keys())
        if key == "launch_plan":
            child = ex.node_executions["n0"].closure.workflow_node_metadata.execution_id
            entry["child"] = child.name
            child_ex = remote.fetch_execution(name=child.name)
            entry["child_mode"] = child_ex.spec.metadata.mode
            entry["child_parent"] = child_ex.spec.metadata.parent_node_execution.execution_id.name
            entry["child_outputs"] = {k: child_ex.outputs.get(k) for k in child_ex.outputs.keys()} if child_ex.closure.phase == 4 else {}
        out[key] = entry
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
