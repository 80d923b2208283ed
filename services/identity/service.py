"""Identity's servicers: proto <-> the aggregates (sessions, users, groups, grants), nothing else."""

import json
from collections.abc import Mapping

from baraba.identity.v1 import identity_pb2 as pb
from baraba.identity.v1 import identity_pb2_grpc as rpc
from google.api import httpbody_pb2
from google.protobuf import empty_pb2

from services.identity import throttle
from services.identity.grants import CompanyGrants
from services.identity.groups import Groups, permission_flags
from services.identity.records import profile
from services.identity.revocations import Revocations
from services.identity.security import Keystore
from services.identity.sessions import Sessions, SignIn
from services.identity.store import PERMISSION_FLAGS, CompanyAccess, Group, User
from services.identity.users import Users
from services.kernel.auth import current_caller
from services.kernel.fields import timestamp


def _permissions(group: Group) -> pb.Permissions:
    return pb.Permissions(**{flag: getattr(group, flag) for flag in PERMISSION_FLAGS})


def user_message(user: User | Mapping) -> pb.User:
    """A user from its ORM object or its profile row (records.profile)."""
    row = profile(user) if isinstance(user, User) else user
    return pb.User(
        id=str(row["id"]),
        username=row["username"],
        email=row["email"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        is_active=row["is_active"],
        group_id=str(row["group_id"]),
        group_name=row["group_name"],
        permissions=pb.Permissions(**{flag: row[flag] for flag in PERMISSION_FLAGS}),
        created_at=timestamp(row["created_at"]),
        updated_at=timestamp(row["updated_at"]),
    )


def group_message(group: Group, members: int) -> pb.UserGroup:
    return pb.UserGroup(
        id=str(group.id),
        name=group.name,
        description=group.description,
        permissions=_permissions(group),
        member_count=members,
        created_at=timestamp(group.created_at),
    )


def grant_message(grant: CompanyAccess) -> pb.CompanyAccess:
    return pb.CompanyAccess(
        id=str(grant.id),
        user_id=str(grant.user_id),
        username=grant.user.username,
        company_id=str(grant.company_id),
        is_default=grant.is_default,
        created_at=timestamp(grant.created_at),
    )


def sign_in_message(sign_in: SignIn) -> pb.LoginResponse:
    return pb.LoginResponse(
        token=sign_in.access_token,
        refresh_token=sign_in.refresh_token,
        expires_in=sign_in.expires_in,
        token_type="Bearer",
        user=user_message(sign_in.user),
    )


def _present(request, *names: str) -> dict:
    """The optional fields the client actually sent."""
    return {name: getattr(request, name) for name in names if request.HasField(name)}


class AuthServicer(rpc.AuthServiceServicer):
    def __init__(self, sessions: Sessions, users: Users, keys: Keystore, revocations: Revocations):
        self.sessions = sessions
        self.users = users
        self.keys = keys
        self.revocations = revocations

    async def Login(self, request, context):
        address = throttle.client_address(dict(context.invocation_metadata() or ()), context.peer() or "")
        return sign_in_message(await self.sessions.login(request.username, request.password, address))

    async def Register(self, request, context):
        sign_in = await self.sessions.register(request.username, request.email, request.password, request.first_name, request.last_name)
        return sign_in_message(sign_in)

    async def RefreshToken(self, request, context):
        return sign_in_message(await self.sessions.refresh(request.refresh_token))

    async def Logout(self, request, context):
        await self.sessions.logout(current_caller())
        return empty_pb2.Empty()

    async def GetMe(self, request, context):
        return user_message(self.sessions.signed_in_user())

    async def UpdateProfile(self, request, context):
        changes = _present(request, "email", "first_name", "last_name")
        return user_message(await self.users.update_profile(current_caller(), changes))

    async def ChangePassword(self, request, context):
        await self.sessions.change_password(current_caller(), request.current_password, request.new_password)
        return empty_pb2.Empty()

    async def GetJwks(self, request, context):
        return httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(self.keys.jwks()).encode())

    async def ListRevocations(self, request, context):
        sessions, versions = await self.revocations.recent()
        return pb.ListRevocationsResponse(session_ids=sessions, user_versions=versions)


class UserServicer(rpc.UserServiceServicer):
    def __init__(self, users: Users):
        self.users = users

    async def ListUsers(self, request, context):
        users, next_token, total = await self.users.list(request.page_size, request.page_token)
        return pb.ListUsersResponse(users=[user_message(u) for u in users], next_page_token=next_token, total_size=total)

    async def GetUser(self, request, context):
        return user_message(await self.users.get(request.id))

    async def CreateUser(self, request, context):
        fields = {
            "username": request.username,
            "email": request.email,
            "first_name": request.first_name,
            "last_name": request.last_name,
            "group_id": request.group_id,
            "is_active": request.is_active if request.HasField("is_active") else True,
        }
        return user_message(await self.users.create(fields, request.password))

    async def UpdateUser(self, request, context):
        changes = _present(request, "username", "email", "first_name", "last_name", "group_id", "is_active")
        return user_message(await self.users.update(current_caller(), request.id, changes))

    async def DeleteUser(self, request, context):
        await self.users.delete(current_caller(), request.id)
        return empty_pb2.Empty()

    async def ResetUserPassword(self, request, context):
        await self.users.reset_password(request.id, request.new_password)
        return empty_pb2.Empty()


class UserGroupServicer(rpc.UserGroupServiceServicer):
    def __init__(self, groups: Groups):
        self.groups = groups

    async def ListUserGroups(self, request, context):
        groups = await self.groups.list()
        return pb.ListUserGroupsResponse(user_groups=[group_message(g, n) for g, n in groups])

    async def GetUserGroup(self, request, context):
        return group_message(*await self.groups.get(request.id))

    async def CreateUserGroup(self, request, context):
        group = await self.groups.create(request.name, request.description, permission_flags(request.permissions))
        return group_message(group, 0)

    async def UpdateUserGroup(self, request, context):
        changes = _present(request, "name", "description")
        if request.HasField("permissions"):
            changes.update(permission_flags(request.permissions))
        return group_message(*await self.groups.update(request.id, changes))

    async def DeleteUserGroup(self, request, context):
        await self.groups.delete(request.id)
        return empty_pb2.Empty()


class CompanyAccessServicer(rpc.CompanyAccessServiceServicer):
    def __init__(self, grants: CompanyGrants):
        self.grants = grants

    async def ListCompanyAccess(self, request, context):
        grants = await self.grants.list(request.user_id, request.company_id)
        return pb.ListCompanyAccessResponse(grants=[grant_message(g) for g in grants])

    async def GrantCompanyAccess(self, request, context):
        return grant_message(await self.grants.grant(request.user_id, request.company_id, request.is_default))

    async def RevokeCompanyAccess(self, request, context):
        await self.grants.revoke(request.id)
        return empty_pb2.Empty()

    async def ListMyCompanies(self, request, context):
        grants = await self.grants.list(user_id=current_caller().user_id)
        return pb.ListCompanyAccessResponse(grants=[grant_message(g) for g in grants])

    async def SetDefaultCompany(self, request, context):
        grant = await self.grants.set_default(current_caller(), request.id)
        return grant_message(grant)

    async def CheckCompanyAccess(self, request, context):
        return pb.CheckCompanyAccessResponse(allowed=await self.grants.has_access(current_caller(), request.company_id))

    async def ClaimCompany(self, request, context):
        return grant_message(await self.grants.claim(current_caller(), request.company_id))

    async def ReleaseCompany(self, request, context):
        await self.grants.release(current_caller(), request.company_id)
        return empty_pb2.Empty()
