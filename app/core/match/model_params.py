"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.3458,
    1.2298,
    2.6658,
    0.9789,
    -1.9330,
    1.8242,
    -1.1147,
    1.9842,
    0.4581,
    0.3010,
    0.7531,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.4
CLARIFY_AT = 0.35
TWO_AT = 0.3
