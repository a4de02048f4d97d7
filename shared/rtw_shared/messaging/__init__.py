"""Kafka plumbing: the topic catalogue and client factories with the project's settings."""
