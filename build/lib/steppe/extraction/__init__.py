"""Extraction stage: entities and trade figures from one article's title and body."""
