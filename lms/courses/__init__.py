"""Pure course-content pipeline: parse, validate and render the content tree."""
