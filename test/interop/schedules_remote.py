"""flytekit's FlyteRemote watching launch plans that pyflyte registered with schedules fire on the plane.

Usage: python schedules_remote.py <host:port> <project> <domain> <version>
Activates the fixed-rate launch plan, waits for two of its scheduled executions and one of the cron
launch plan's (registered active), deactivates both, and prints one JSON line: per launch plan the
scheduled executions FlyteRemote saw (name, mode, scheduled_at, phase, outputs) and its final state.
"""
import datetime
import json
import sys
import time

from flytekit.configuration import Config
from flytekit.models.core.identifier import Identifier, ResourceType
from flytekit.models.filters import Equal
from flytekit.remote import FlyteRemote

TIMEOUT = datetime.timedelta(seconds=240)
POLL = datetime.timedelta(seconds=1)


def main() -> None:
    endpoint, project, domain, version = sys.argv[1:5]
    remote = FlyteRemote(
        config=Config.for_endpoint(endpoint=endpoint, insecure=True),
        default_project=project,
        default_domain=domain,
    )
    rate = Identifier(ResourceType.LAUNCH_PLAN, project, domain, "scheduled_fixed_rate", version)
    cron = Identifier(ResourceType.LAUNCH_PLAN, project, domain, "scheduled_every_minute", version)

    def scheduled(name, want):
        deadline = time.time() + TIMEOUT.total_seconds()
        while time.time() < deadline:
            found, _ = remote.client.list_executions_paginated(
                project, domain, limit=100, filters=[Equal("launch_plan.name", name)]
            )
            if len(found) >= want:
                return found
            time.sleep(0.5)
        raise TimeoutError(f"{name}: fewer than {want} scheduled executions")

    remote.activate_launchplan(rate)
    rate_runs = scheduled(rate.name, 2)
    remote.deactivate_launchplan(rate)
    cron_runs = scheduled(cron.name, 1)
    remote.deactivate_launchplan(cron)

    def report(runs, want):
        rows = []
        for found in sorted(runs, key=lambda e: e.spec.metadata.scheduled_at)[:want]:
            ex = remote.wait(remote.fetch_execution(name=found.id.name), timeout=TIMEOUT, poll_interval=POLL)
            row = {
                "name": ex.id.name,
                "mode": ex.spec.metadata.mode,
                "scheduled_at": ex.spec.metadata.scheduled_at.isoformat(),
                "version": ex.spec.launch_plan.version,
                "phase": ex.closure.phase,
            }
            if ex.error:
                row["error"] = ex.error.message
            else:
                row["outputs"] = {k: ex.outputs.get(k) for k in ex.outputs.keys()}
            rows.append(row)
        return rows

    out = {"fixed_rate": report(rate_runs, 2), "cron": report(cron_runs, 1)}
    out["states"] = {
        i.name: remote.client.get_launch_plan(i).closure.state for i in (rate, cron)
    }
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
