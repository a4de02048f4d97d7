"""RTW workplan: owns the plan — what the worker does, week by week, to get back to work."""
