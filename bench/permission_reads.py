"""What deciding a user's role on a project costs when organizations grant it: a user in 50
teams of an organization with 500 projects (each team Maintainer of 10), in-process over moto.
The decision reads the user's own role and the organization's grants to them in one
BatchGetItem, however many teams and projects there are; what a change of membership writes is
counted too (one small transaction per granted project).
Run: .venv/bin/python bench/permission_reads.py
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import simple_page as harness  # noqa: E402  (the store-call counter)

TEAMS, PROJECTS = 50, 500


def main() -> None:
    import botocore.client
    from moto import mock_aws

    botocore.client.BaseClient._make_api_call = harness._counting  # type: ignore[method-assign]
    with mock_aws():
        from chalicelib import provision
        from chalicelib.core.config import get_settings
        from chalicelib.organizations import grants
        from chalicelib.organizations.models import Member, OrgProject, Team, TeamGrant, TeamMember
        from chalicelib.packaging.models import Project
        from chalicelib.packaging.permissions import Permission, may, role_of

        provision.ensure_all(get_settings())
        now = datetime.now(UTC)
        Member("acme", "bench", role="Member", organization_name="Acme", created_at=now).save()
        with OrgProject.batch_write() as owned, Project.batch_write() as projects:
            for n in range(PROJECTS):
                owned.save(OrgProject("acme", f"p{n:03d}", display_name=f"p{n:03d}", since=now))
                projects.save(Project(f"p{n:03d}", display_name=f"p{n:03d}", listed="project", organization="acme"))
        for t in range(TEAMS):
            key = f"acme/team{t:02d}"
            Team("acme", f"team{t:02d}", display_name=f"team{t:02d}", created_at=now).save()
            with TeamGrant.batch_write() as batch:
                for n in range(t * 10, t * 10 + 10):
                    batch.save(TeamGrant(key, f"p{n:03d}", role="Maintainer"))
        harness.calls.clear()
        start = time.perf_counter()
        for t in range(TEAMS):  # the user joins each team: its grants reach them
            key = f"acme/team{t:02d}"
            TeamMember(key, "bench").save()
            grants.add_team_member(key, "bench", {f"p{n:03d}": "Maintainer" for n in range(t * 10, t * 10 + 10)})
        joined = time.perf_counter() - start
        print(f"a user joins {TEAMS} teams of an organization with {PROJECTS} projects (each team Maintainer of 10):")
        print(f"  writes: {sum(harness.calls.values())} calls ({dict(harness.calls)}), {joined:.1f} s against moto")
        times, detail = [], ""
        for n in range(0, PROJECTS, 25):
            harness.calls.clear()
            harness.store_seconds[0] = 0.0
            start = time.perf_counter()
            assert may("bench", Permission.UPLOAD, f"p{n:03d}")
            times.append(time.perf_counter() - start - harness.store_seconds[0])
            detail = ", ".join(f"{op} x{count}" for op, count in sorted(harness.calls.items()))
        assert role_of("nobody", "p000") is None
        print(f"  deciding may(upload) on one of them: DynamoDB {detail} per decision; app "
              f"{statistics.median(times) * 1000:.2f} ms (median of {len(times)})")


if __name__ == "__main__":
    main()
