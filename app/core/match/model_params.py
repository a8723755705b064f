"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.4635,
    0.5124,
    2.5542,
    1.3822,
    -1.9712,
    1.0489,
    -0.0802,
    1.7460,
    1.4741,
    0.0182,
    -0.4205,
    -0.8072,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.25
CLARIFY_AT = 0.2
TWO_AT = 0.5
