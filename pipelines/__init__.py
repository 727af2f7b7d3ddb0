"""Item pipelines: validation, then storage."""
