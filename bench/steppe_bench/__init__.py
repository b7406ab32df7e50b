"""The pipeline benchmark (`make bench`, `python -m steppe_bench` with bench/ on the import path):
synthetic dumps made from the bundled real ones (generator, variants), every stage timed in a fresh
process per size (worker, memory), the hostile set's cost (hostile), and the extractors against
spaCy's en_core_web_sm on the same articles (nlp). Not part of the steppe package: it calls steppe
only through pipeline_calls.
"""
