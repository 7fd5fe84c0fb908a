"""WSGI entry point: ``gunicorn wsgi:app``.

Each worker builds the app and, unless ``LMS_WARM_UP_PDF=0``, renders one throwaway certificate
so the first learner to finish a course does not pay WeasyPrint's start-up (about half a second).
"""

import os

from lms import create_app

app = create_app()

if os.environ.get("LMS_WARM_UP_PDF", "1") != "0":
    from lms.certificates.pdf import warm_up

    warm_up()
