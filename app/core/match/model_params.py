"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -9.0124,
    1.3107,
    2.6705,
    1.1919,
    -1.5863,
    2.1666,
    -1.2777,
    2.0388,
    0.3125,
    0.6587,
    0.6160,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.5
CLARIFY_AT = 0.35
TWO_AT = 0.3
