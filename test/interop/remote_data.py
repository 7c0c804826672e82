"""FlyteRemote against the embedded control plane: map tasks awaited and synced with their nodes;
files and dataframes read back on the client side.

Usage: python remote_data.py <host:port> <project> <domain> <version> <offload_wf execution name>
Prints one JSON line.
"""
import datetime
import json
import sys

import pandas as pd
from flytekit.configuration import Config
from flytekit.remote import FlyteRemote
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

WAIT = dict(timeout=datetime.timedelta(seconds=180), poll_interval=datetime.timedelta(seconds=1))


def main() -> None:
    endpoint, project, domain, version, offloaded = sys.argv[1:6]
    remote = FlyteRemote(
        config=Config.for_endpoint(endpoint=endpoint, insecure=True),
        default_project=project,
        default_domain=domain,
    )
    out = {}
    wf = remote.fetch_workflow(name="workflows.control.map_wf", version=version)
    ex = remote.wait(remote.execute(wf, inputs={"xs": [3, 4, 5]}), **WAIT)
    ex = remote.sync_execution(ex, sync_nodes=True)
    out["map"] = {
        "phase": ex.closure.phase,
        "o0": ex.outputs.get("o0"),
        "nodes": sorted(k for k in ex.node_executions if k not in ("start-node", "end-node")),
        "array": ex.node_executions["n0"].metadata.is_array,
    }

    wf = remote.fetch_workflow(name="workflows.data.data_wf", version=version)
    ex = remote.wait(remote.execute(wf, inputs={"text": "from remote", "n": 3}), **WAIT)
    ex = remote.sync_execution(ex, sync_nodes=True)
    f = ex.outputs.get("o3", as_type=FlyteFile)
    with open(f.download()) as fh:
        text = fh.read()
    df = ex.outputs.get("o4", as_type=pd.DataFrame)
    out["data"] = {
        "phase": ex.closure.phase,
        "o0": ex.outputs.get("o0"),
        "o1": ex.outputs.get("o1"),
        "o2": ex.outputs.get("o2"),
        "file": text,
        "frame": df.to_dict("list"),
    }

    # An output flytekit offloaded (11 MB) is read back through its offloaded_metadata reference.
    ex = remote.fetch_execution(name=offloaded)
    text = ex.outputs.get("o1", as_type=str)
    out["offloaded"] = {"o0": ex.outputs.get("o0"), "length": len(text), "head": text[:12]}
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
