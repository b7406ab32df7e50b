"""Hostile input: adversarial text against every pattern and the parser and extractors."""
