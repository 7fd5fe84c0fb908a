"""Import every model module so that ``Base.metadata`` knows all tables."""

from lms.auth.models import Agency, Discipline, LoginAttempt, User, UserSession
from lms.courses.models import ContentSync, Course, Enrollment, Module, ModuleProgress

__all__ = [
    "Agency",
    "ContentSync",
    "Course",
    "Discipline",
    "Enrollment",
    "LoginAttempt",
    "Module",
    "ModuleProgress",
    "User",
    "UserSession",
]
