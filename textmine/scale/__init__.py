"""Scale: synthetic load corpora, deduplication, a chunked resumable pipeline, incremental topics, Ray Data.

Modules: :mod:`synth` (deterministic synthetic corpus), :mod:`dedup` (annotate each distinct text once),
:mod:`chunks` (bounded-memory, resumable per-chunk pipeline), :mod:`ahead` (a chunk's new texts embedded
before its themes), :mod:`overlap` (items prepared ahead in a bounded background thread), :mod:`estimate`
(the expected run time), :mod:`incremental` (topic model re-fit and assignment of new comments with a
drift figure), :mod:`ray_engine` (the per-comment stages on Ray Data).
Tables these modules add to the store are registered in ``textmine.store_schema`` (created and migrated there) by the module
that owns them and are listed in ``docs/scale.md``.
"""
