"""RTW intake: owns the case, the root every other service copies from."""
