"""flytekit's client credentials against the embedded control plane with auth on.

Usage: python remote_auth.py <host:port> <project> <domain> <version> <client_id> <secret_file> <reader_id> <reader_secret>
As client_id (an admin): FlyteRemote fetches sum_lp, launches it, waits and reads its output. As the
reader (a viewer): fetching works, launching is refused. Prints JSON.
"""
import datetime
import json
import sys

from flytekit.configuration import Config, PlatformConfig
from flytekit.remote import FlyteRemote


def remote(endpoint: str, client_id: str, secret: str, project: str, domain: str) -> FlyteRemote:
    platform = PlatformConfig(
        endpoint=endpoint,
        insecure=True,
        auth_mode="ClientSecret",
        client_id=client_id,
        client_credentials_secret=secret,
    )
    return FlyteRemote(config=Config(platform=platform), default_project=project, default_domain=domain)


def main() -> None:
    endpoint, project, domain, version, client_id, secret_file, reader_id, reader_secret = sys.argv[1:9]
    with open(secret_file) as f:
        secret = f.read().strip()
    out = {}
    admin = remote(endpoint, client_id, secret, project, domain)
    lp = admin.fetch_launch_plan(name="sum_lp", version=version)
    ex = admin.wait(
        admin.execute(lp, inputs={"a": 30}),
        timeout=datetime.timedelta(seconds=120),
        poll_interval=datetime.timedelta(seconds=1),
    )
    out["admin"] = {"phase": ex.closure.phase, "o0": ex.outputs.get("o0")}

    reader = remote(endpoint, reader_id, reader_secret, project, domain)
    out["reader_fetch"] = reader.fetch_launch_plan(name="sum_lp", version=version).id.name
    try:
        reader.execute(reader.fetch_launch_plan(name="sum_lp", version=version), inputs={"a": 1})
        out["reader_execute"] = "allowed"
    except Exception as e:  # flytekit wraps the gRPC status in its own exception types
        out["reader_execute"] = f"{type(e).__name__}: {e}"

    bad = remote(endpoint, client_id, "wrong-secret", project, domain)
    try:
        bad.fetch_launch_plan(name="sum_lp", version=version)
        out["bad_secret"] = "allowed"
    except Exception as e:
        out["bad_secret"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
