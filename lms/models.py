"""Import every model module so that ``Base.metadata`` knows all tables."""

from lms.assessments.models import Attempt, AttemptItem, QuestionVersion, Quiz, QuizVersion
from lms.audit.models import AuditEvent
from lms.auth.models import Agency, Discipline, LoginAttempt, User, UserSession
from lms.certificates.models import Certificate, CertificateFile
from lms.courses.models import ContentSync, Course, Enrollment, Module, ModuleProgress
from lms.oversight.models import ExternalCredit, ExternalCreditFile, Requirement
from lms.ratelimit import RateCounter

__all__ = [
    "Agency",
    "Attempt",
    "AttemptItem",
    "AuditEvent",
    "Certificate",
    "CertificateFile",
    "ContentSync",
    "Course",
    "Discipline",
    "Enrollment",
    "ExternalCredit",
    "ExternalCreditFile",
    "LoginAttempt",
    "Module",
    "ModuleProgress",
    "QuestionVersion",
    "Quiz",
    "QuizVersion",
    "RateCounter",
    "Requirement",
    "User",
    "UserSession",
]
