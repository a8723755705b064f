"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.0740,
    0.2840,
    2.5153,
    1.4144,
    -2.5107,
    0.9666,
    -0.1651,
    1.6944,
    1.6651,
    0.5123,
    -0.7739,
    -0.6856,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
