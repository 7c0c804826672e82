"""A task that calls the control plane back with FlyteRemote, as eager workflows and tasks that launch
other executions do. With auth on, it authenticates with the credentials the plane gives its execution."""
import datetime
import json
import os
import stat

from flytekit import task
from flytekit.configuration import Config
from flytekit.remote import FlyteRemote


@task
def call_plane(version: str) -> str:
    project = os.environ["FLYTE_INTERNAL_EXECUTION_PROJECT"]
    domain = os.environ["FLYTE_INTERNAL_EXECUTION_DOMAIN"]
    out = {"auth_mode": os.environ.get("FLYTE_CREDENTIALS_AUTH_MODE")}
    token_file = os.environ["FLYTE_CREDENTIALS_COMMAND"].split(",")[1]
    out["file_mode"] = oct(stat.S_IMODE(os.stat(token_file).st_mode))
    with open(token_file) as f:
        token = f.read().strip()
    out["token_in_env"] = any(token in v for v in os.environ.values())
    remote = FlyteRemote(config=Config.auto(), default_project=project, default_domain=domain)
    lp = remote.fetch_launch_plan(name="sum_lp", version=version)
    ex = remote.wait(
        remote.execute(lp, inputs={"a": 5}),
        timeout=datetime.timedelta(seconds=120),
        poll_interval=datetime.timedelta(seconds=1),
    )
    out["child"] = {"phase": ex.closure.phase, "o0": ex.outputs.get("o0")}
    try:
        remote.execute(lp, inputs={"a": 1}, project="other", domain=domain)
        out["other_project"] = "allowed"
    except Exception as e:  # flytekit wraps the gRPC status in its own exception types
        out["other_project"] = f"{type(e).__name__}: {e}"
    return json.dumps(out, sort_keys=True, default=str)
