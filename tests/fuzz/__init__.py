"""Bad-input corpus for the survey-table reader (see :mod:`tests.fuzz.corpus`)."""
