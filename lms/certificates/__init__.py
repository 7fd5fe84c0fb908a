"""Certificates: eligibility, identifiers, documents and their PDFs, credentials and status."""
