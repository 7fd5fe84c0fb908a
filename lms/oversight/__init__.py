"""Oversight: statutory-training compliance, state-wide dashboards, exports and reports."""
