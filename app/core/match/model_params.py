"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.1650,
    1.3118,
    2.6422,
    0.9583,
    -1.9626,
    1.8388,
    -1.1339,
    1.9133,
    0.3549,
    0.1921,
    0.7304,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.3
