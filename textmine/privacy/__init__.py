"""Personal data in comments: detect and mask IIN/BIN, phone numbers, e-mails, card numbers and names."""

from textmine.privacy.checks import (
           check_digit,
           is_bin,
           is_iin,
           luhn_ok,
           random_bin,
           random_card,
           random_iin,
)
from textmine.privacy.detect import (
           PLACEHOLDERS,
           PiiSpan,
           find_pii,
           mask_frame,
           mask_pii,
)
from textmine.privacy.evaluate import evaluate_pii, read_testset
from textmine.privacy.policy import (
           ORIGINALS,
           STORED_TEXT,
           text_columns,
           without_personal_data,
)

__all__ = ["ORIGINALS", "PLACEHOLDERS", "PiiSpan", "STORED_TEXT", "check_digit", "evaluate_pii", "find_pii", "is_bin",
           "is_iin", "luhn_ok", "mask_frame", "mask_pii", "random_bin", "random_card", "random_iin", "read_testset",
           "text_columns", "without_personal_data"]
