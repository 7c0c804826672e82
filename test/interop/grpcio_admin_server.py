"""A minimal FlyteAdmin on grpcio (gRPC's C core: its own HTTP/2 and HPACK), for the CLI's read path.

Serves ListProjects (90 projects with long, non-ASCII descriptions and labels: ~100 KB, many frames),
GetProject (NOT_FOUND for an unknown id, with grpcio's message), GetVersion, and GetDomains; nothing
else (UNIMPLEMENTED). Listens on 127.0.0.1, prints the port on stdout, serves until stdin closes.

Usage: python grpcio_admin_server.py
"""
import sys
from concurrent import futures

import grpc
from flyteidl.admin import common_pb2, project_pb2, version_pb2
from flyteidl.service import admin_pb2_grpc

DOMAINS = [project_pb2.Domain(id=d, name=d) for d in ("development", "staging", "production")]


def project(i: int) -> project_pb2.Project:
    return project_pb2.Project(
        id=f"proj-{i:03d}",
        name=f"Project {i} — ünïcödé ✓",
        domains=DOMAINS,
        description=("Lorem ipsum dolor sit amet, ½ ¼ ¾ ‰ → ← " * 25)[: 900 + i],
        labels=common_pb2.Labels(values={"team": f"t{i % 7}", "cost-center": f"cc-{i * 37 % 1000}"}),
        state=project_pb2.Project.ACTIVE if i % 5 else project_pb2.Project.ARCHIVED,
    )


PROJECTS = [project(i) for i in range(90)]


class Admin(admin_pb2_grpc.AdminServiceServicer):
    def ListProjects(self, request, context):
        limit = request.limit or 100
        return project_pb2.Projects(projects=PROJECTS[:limit], token=str(limit) if limit < len(PROJECTS) else "")

    def GetProject(self, request, context):
        for p in PROJECTS:
            if p.id == request.id:
                return p
        context.abort(grpc.StatusCode.NOT_FOUND, f"project [{request.id}] not found")

    def GetDomains(self, request, context):
        return project_pb2.GetDomainsResponse(domains=DOMAINS)

    def GetVersion(self, request, context):
        return version_pb2.GetVersionResponse(
            control_plane_version=version_pb2.Version(Build="grpcio", Version="v1.16.8", BuildTime="2026-12-06")
        )


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    admin_pb2_grpc.add_AdminServiceServicer_to_server(Admin(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
