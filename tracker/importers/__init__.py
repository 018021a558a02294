"""Readers of published data formats, turning each row into validated events."""
