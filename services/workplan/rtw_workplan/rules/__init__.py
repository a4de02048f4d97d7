"""Workplan's domain rules, pure: no I/O, no clock, nothing else of workplan imported. What a plan
projects (projections), the checks before publication (checks), and the progress computed from a
plan's facts (facts, dosage, capacity, progression, readiness, scores, report). Everything above
hands them what the repositories read."""
