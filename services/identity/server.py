"""Identity: users, groups, sessions, company grants and the keys that sign access tokens.

Settings (besides the kernel's):
BARABA_ADMIN_USERNAME / BARABA_ADMIN_PASSWORD   the first administrator, created when there are
                                              no users (username defaults to "admin")
BARABA_IDENTITY_KEY_PASSPHRASE   encrypts the private signing keys at rest (required in production)
BARABA_ACCESS_TOKEN_TTL          access token lifetime in seconds (900)
BARABA_ALLOW_REGISTRATION        "true" lets anyone create an account (in the viewers group); off by default
"""

from baraba.identity.v1 import identity_pb2

from services.identity import passwords
from services.identity.grants import CompanyGrants
from services.identity.groups import Groups
from services.identity.revocations import Revocations
from services.identity.security import Keystore
from services.identity.service import AuthServicer, CompanyAccessServicer, UserGroupServicer, UserServicer
from services.identity.sessions import IdentityVerifier, Policy, Sessions
from services.identity.users import Users
from services.kernel import db
from services.kernel.server import MeshServer, run_service
from services.kernel.settings import ConfigError, Settings, env


def load_policy(settings: Settings) -> Policy:
    registration = env("BARABA_ALLOW_REGISTRATION", "false") or "false"
    try:
        ttl = int(env("BARABA_ACCESS_TOKEN_TTL", "900"))
    except ValueError:
        raise ConfigError("BARABA_ACCESS_TOKEN_TTL must be a number of seconds") from None
    return Policy(access_ttl_seconds=ttl, allow_registration=registration.lower() == "true")


async def build(settings: Settings) -> MeshServer:
    passphrase = settings.require_secret("BARABA_IDENTITY_KEY_PASSPHRASE")
    admin_password = settings.require_secret("BARABA_ADMIN_PASSWORD")
    admin_username = env("BARABA_ADMIN_USERNAME", "admin") or "admin"
    weak = admin_password is not None and (len(admin_password) < 12 or passwords.weakness(admin_password, admin_username, "baraba"))
    if settings.production and weak:
        raise ConfigError("BARABA_ADMIN_PASSWORD is too weak for production (12+ characters, not a default)")

    await db.migrate("identity", settings.database_url)
    engine = db.create_engine(settings.database_url)
    keys = Keystore(passphrase)
    await keys.load(db.session_factory(engine))
    factory = db.session_factory(engine)
    policy = load_policy(settings)
    sessions, users = Sessions(engine, keys, policy), Users(engine)
    try:
        await users.bootstrap_admin(admin_username, admin_password)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None

    server = MeshServer(settings, IdentityVerifier(keys, sessions))
    services = identity_pb2.DESCRIPTOR.services_by_name
    server.add(services["AuthService"], AuthServicer(sessions, users, keys, Revocations(factory, policy.access_ttl_seconds)))
    server.add(services["UserService"], UserServicer(users))
    server.add(services["UserGroupService"], UserGroupServicer(Groups(factory)))
    server.add(services["CompanyAccessService"], CompanyAccessServicer(CompanyGrants(factory)))
    server.on_stop(engine.dispose)
    return server


if __name__ == "__main__":
    run_service("identity", build)
