"""Launches auth_tasks.calls.call_plane as a client (client credentials) and prints its output.

Usage: python remote_in_task.py <host:port> <project> <domain> <version> <client_id> <secret_file>
"""
import datetime
import sys

from flytekit.configuration import Config, PlatformConfig
from flytekit.remote import FlyteRemote


def main() -> None:
    endpoint, project, domain, version, client_id, secret_file = sys.argv[1:7]
    with open(secret_file) as f:
        secret = f.read().strip()
    platform = PlatformConfig(
        endpoint=endpoint, insecure=True, auth_mode="ClientSecret", client_id=client_id, client_credentials_secret=secret
    )
    remote = FlyteRemote(config=Config(platform=platform), default_project=project, default_domain=domain)
    t = remote.fetch_task(name="auth_tasks.calls.call_plane", version=version)
    ex = remote.wait(
        remote.execute(t, inputs={"version": version}),
        timeout=datetime.timedelta(seconds=240),
        poll_interval=datetime.timedelta(seconds=1),
    )
    if ex.closure.phase != 4:
        print(f"phase {ex.closure.phase}: {ex.closure.error}", file=sys.stderr)
        sys.exit(1)
    print(ex.outputs.get("o0"))


if __name__ == "__main__":
    main()
