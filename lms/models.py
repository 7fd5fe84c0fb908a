"""Import every model module so that ``Base.metadata`` knows all tables."""

from lms.assessments.models import Attempt, AttemptItem, QuestionVersion, Quiz, QuizVersion
from lms.audit.models import AuditEvent
from lms.auth.models import Agency, Discipline, LoginAttempt, User, UserSession
from lms.courses.models import ContentSync, Course, Enrollment, Module, ModuleProgress

__all__ = [
    "Agency",
    "Attempt",
    "AttemptItem",
    "AuditEvent",
    "ContentSync",
    "Course",
    "Discipline",
    "Enrollment",
    "LoginAttempt",
    "Module",
    "ModuleProgress",
    "QuestionVersion",
    "Quiz",
    "QuizVersion",
    "User",
    "UserSession",
]
