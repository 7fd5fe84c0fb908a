"""Assessments: quizzes authored in content/, scored on the server, with item statistics."""
