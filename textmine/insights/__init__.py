"""From themes to decisions: service figures, theme profiles, drivers, representative quotes, exports.

Public API (plain functions over pandas tables; the CLI wires them to the store):

- services: ``service_table(services)``, ``ratings_table(comments, by="service_no")``, ``small_n_warning(n)``
- profile: ``join_themes(comments, comment_themes)``, ``theme_indicators(coded)``,
  ``theme_profile(coded, by)``, ``service_theme_matrix(coded, value)``, ``cooccurrence(coded)``
- drivers: ``with_without(coded)``, ``regression_drivers(coded)``, ``impact(coded, by)``,
  ``service_association(services, shares)``; synthetic: ``simulate_ratings(effects)``
- quotes: ``representative_quotes(coded, vectors, k, theme, **filters)``, ``filter_comments``,
  ``quotability(text)``, ``attribution(row)``
- export: ``quotes_markdown``, ``quotes_docx``, ``safe_cell``, ``safe_frame``; tables: ``write_table`` (from
  :mod:`textmine.atomic`: CSV/TSV/XLSX/JSONL/Parquet, personal data masked)
- qda: ``export_qdpx(coded, path)``, ``export_qdc(path)``, ``import_qdc(path)``
- labels: ``read_labels()``, ``match_labels(comments, labels)`` (hand labels as stand-in themes / gold)
"""

from textmine.atomic import write_table
from textmine.insights.drivers import (
                                       ASSOCIATION_LABEL,
                                       impact,
                                       regression_drivers,
                                       service_association,
                                       with_without,
)
from textmine.insights.export import (
                                       quotes_docx,
                                       quotes_markdown,
                                       safe_cell,
                                       safe_frame,
)
from textmine.insights.labels import match_labels, read_labels
from textmine.insights.profile import (
                                       cooccurrence,
                                       join_themes,
                                       service_theme_matrix,
                                       split_themes,
                                       theme_indicators,
                                       theme_profile,
)
from textmine.insights.qda import export_qdc, export_qdpx, import_qdc
from textmine.insights.quotes import (
                                       attribution,
                                       filter_comments,
                                       quotability,
                                       representative_quotes,
)
from textmine.insights.services import ratings_table, service_table, small_n_warning
from textmine.insights.synthetic import simulate_ratings

__all__ = [
    "ASSOCIATION_LABEL", "attribution", "cooccurrence", "export_qdc", "export_qdpx", "filter_comments",
    "impact", "import_qdc", "join_themes", "match_labels", "quotability", "quotes_docx", "quotes_markdown",
    "ratings_table", "read_labels", "regression_drivers", "representative_quotes", "safe_cell", "safe_frame",
    "service_association", "service_table", "service_theme_matrix", "simulate_ratings", "small_n_warning",
    "split_themes", "theme_indicators", "theme_profile", "with_without", "write_table",
]
