"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.6953,
    0.4431,
    2.5931,
    1.5690,
    -2.1276,
    1.4908,
    -0.5260,
    1.5266,
    1.4892,
    0.1876,
    -0.0661,
    -0.4994,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.25
CLARIFY_AT = 0.2
TWO_AT = 0.5
