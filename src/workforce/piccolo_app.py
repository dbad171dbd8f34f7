"""The one Piccolo app: every table, migrations in the repository's migrations/ folder."""

from piccolo.conf.apps import AppConfig

from workforce.certificates.tables import (
    Certificate,
    CertificateRender,
    InspectorAccessLog,
    InspectorGrant,
    VerificationLog,
)
from workforce.compliance.tables import (
    EvaluationSnapshot,
    NationalFiguresSummary,
    SchoolSummary,
    SchoolSummaryEpoch,
    SnapshotFinding,
)
from workforce.monitoring.tables import ApiToken
from workforce.organisations.tables import LocalAuthority, Region, School, Trust, TrustMembership
from workforce.paths import MIGRATIONS_DIR
from workforce.people.tables import (
    AuditEntry,
    Employment,
    GovernanceRole,
    SencoExemption,
    StaffMember,
    UserAccount,
)
from workforce.training.tables import CpdRecord, Placement, Qualification
from workforce.web.tables import LoginAttempt, PasswordResetToken, ReminderSent, WebSession

TABLES = [
    Region,
    LocalAuthority,
    Trust,
    School,
    TrustMembership,
    StaffMember,
    Employment,
    SencoExemption,
    GovernanceRole,
    UserAccount,
    AuditEntry,
    CpdRecord,
    Qualification,
    Placement,
    EvaluationSnapshot,
    SnapshotFinding,
    NationalFiguresSummary,
    SchoolSummary,
    SchoolSummaryEpoch,
    WebSession,
    LoginAttempt,
    PasswordResetToken,
    ReminderSent,
    ApiToken,
    Certificate,
    CertificateRender,
    VerificationLog,
    InspectorGrant,
    InspectorAccessLog,
]

APP_CONFIG = AppConfig(
    app_name="workforce",
    migrations_folder_path=str(MIGRATIONS_DIR),
    table_classes=TABLES,
    migration_dependencies=[],
    commands=[],
)
