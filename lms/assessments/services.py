"""Write side of assessments: quiz sync (``sync.py``), attempts (``attempts.py``) and
re-scoring (``rescoring.py``).

This module keeps the names imported from here by other packages (course sync) and by the
quiz benchmark's pool builder, which also runs against older commits (``bench/quiz.py --ref``).
"""

from lms.assessments.attempts import load_items, start_attempt
from lms.assessments.sync import sync_quizzes

__all__ = ["load_items", "start_attempt", "sync_quizzes"]
