"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -6.9949,
    -0.5624,
    2.0311,
    0.9324,
    -2.1658,
    0.5774,
    -1.2243,
    1.7684,
    2.0934,
    -0.0685,
    -0.3371,
    -0.8721,
    2.2322,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
