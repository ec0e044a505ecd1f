"""Prefect flows: wiring only. Each task wraps one call into ``pipeline.stages``."""
