"""Executor configurations (YAML, Dagster run-config shape), shipped as package data: see README.md here."""
