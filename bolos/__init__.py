"""BOLOs (be on the lookout) in every dialect's shape, viewed-by tracking and stolen-vehicle BOLOs."""
