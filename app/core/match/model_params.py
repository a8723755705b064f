"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.4554,
    0.3394,
    2.5796,
    1.5850,
    -2.2033,
    0.8306,
    -0.0982,
    1.7444,
    1.7003,
    0.3592,
    -0.7440,
    -0.3607,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
