"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.3152,
    0.4743,
    2.5264,
    1.7125,
    -2.2320,
    0.7678,
    0.1902,
    1.7104,
    1.5809,
    0.4409,
    -0.7266,
    -0.2309,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
