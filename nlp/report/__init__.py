"""Renderers of a `Report` for people and tools."""
