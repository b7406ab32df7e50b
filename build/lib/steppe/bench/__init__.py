"""The pipeline benchmark (`make bench`, `python -m steppe.bench`): synthetic dumps made from the
bundled real ones (generator), every stage timed in a fresh process per size (worker), and the
extractors against spaCy's en_core_web_sm on the same articles (runner).
"""
