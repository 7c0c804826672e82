"""Plain grpcio client against the embedded control plane: the RPCs the cluster commands use.

Usage: python grpc_smoke.py <host:port>   (prints one JSON line per call; exits non-zero on failure)
"""
import json
import sys

import grpc
from flyteidl.admin import common_pb2, project_pb2, task_pb2, version_pb2
from flyteidl.core import identifier_pb2, interface_pb2, tasks_pb2, types_pb2
from flyteidl.service import admin_pb2_grpc


def main() -> None:
    target = sys.argv[1]
    stub = admin_pb2_grpc.AdminServiceStub(grpc.insecure_channel(target))
    out = {}

    out["version"] = stub.GetVersion(version_pb2.GetVersionRequest()).control_plane_version.Version
    stub.RegisterProject(
        project_pb2.ProjectRegisterRequest(project=project_pb2.Project(id="grpcio", name="grpcio", description="smoke"))
    )
    projects = stub.ListProjects(project_pb2.ProjectListRequest(limit=100))
    out["projects"] = sorted(p.id for p in projects.projects)
    out["domains"] = [d.id for d in stub.GetDomains(project_pb2.GetDomainRequest()).domains]

    task_id = identifier_pb2.Identifier(
        resource_type=identifier_pb2.TASK, project="grpcio", domain="development", name="smoke.echo", version="v1"
    )
    int_type = types_pb2.LiteralType(simple=types_pb2.INTEGER)
    template = tasks_pb2.TaskTemplate(
        id=task_id,
        type="container",
        metadata=tasks_pb2.TaskMetadata(runtime=tasks_pb2.RuntimeMetadata(type=tasks_pb2.RuntimeMetadata.FLYTE_SDK)),
        interface=interface_pb2.TypedInterface(
            inputs=interface_pb2.VariableMap(variables={"x": interface_pb2.Variable(type=int_type)}),
            outputs=interface_pb2.VariableMap(variables={}),
        ),
        container=tasks_pb2.Container(image="busybox", command=["echo"], args=["{{.inputs.x}}"]),
    )
    stub.CreateTask(task_pb2.TaskCreateRequest(id=task_id, spec=task_pb2.TaskSpec(template=template)))
    got = stub.GetTask(common_pb2.ObjectGetRequest(id=task_id))
    out["task"] = got.id.name
    listed = stub.ListTasks(
        common_pb2.ResourceListRequest(
            id=common_pb2.NamedEntityIdentifier(project="grpcio", domain="development", name="smoke.echo"), limit=10
        )
    )
    out["task_versions"] = [t.id.version for t in listed.tasks]

    try:
        stub.GetTask(common_pb2.ObjectGetRequest(id=identifier_pb2.Identifier(
            resource_type=identifier_pb2.TASK, project="grpcio", domain="development", name="missing", version="v1")))
        out["missing"] = "found?"
    except grpc.RpcError as err:  # the plane must answer NotFound like FlyteAdmin
        out["missing"] = err.code().name

    execs = stub.ListExecutions(
        common_pb2.ResourceListRequest(id=common_pb2.NamedEntityIdentifier(project="grpcio", domain="development"), limit=5)
    )
    out["executions"] = len(execs.executions)
    lps = stub.ListLaunchPlans(
        common_pb2.ResourceListRequest(id=common_pb2.NamedEntityIdentifier(project="grpcio", domain="development"), limit=5)
    )
    out["launch_plans"] = len(lps.launch_plans)
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
