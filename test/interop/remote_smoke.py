"""flytekit's FlyteRemote against the embedded control plane.

Usage: python remote_smoke.py <host:port> <project> <domain> <version>
Fetches the registered entities, launches sum_lp and typed_wf, waits, prints their outputs as JSON.
"""
import datetime
import json
import sys

from flytekit.configuration import Config
from flytekit.remote import FlyteRemote


def main() -> None:
    endpoint, project, domain, version = sys.argv[1:5]
    remote = FlyteRemote(
        config=Config.for_endpoint(endpoint=endpoint, insecure=True),
        default_project=project,
        default_domain=domain,
    )
    out = {}
    lp = remote.fetch_launch_plan(name="sum_lp", version=version)
    wf = remote.fetch_workflow(name="workflows.basics.typed_wf", version=version)
    task = remote.fetch_task(name="workflows.basics.add", version=version)
    out["fetched"] = [lp.id.name, wf.id.name, task.id.name]

    ex = remote.wait(remote.execute(lp, inputs={"a": 7}), timeout=datetime.timedelta(seconds=120), poll_interval=datetime.timedelta(seconds=1))
    out["sum_lp"] = {"phase": ex.closure.phase, "outputs": {k: ex.outputs.get(k) for k in ex.outputs.keys()}}

    ex = remote.wait(remote.execute(task, inputs={"a": 2, "b": 40}), timeout=datetime.timedelta(seconds=120), poll_interval=datetime.timedelta(seconds=1))
    out["add"] = {"phase": ex.closure.phase, "o0": ex.outputs.get("o0")}
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
