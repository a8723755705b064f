"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.4639,
    0.2585,
    2.5922,
    1.6022,
    -2.3263,
    0.8479,
    0.0153,
    1.6978,
    1.7453,
    0.4167,
    -0.8674,
    -0.4900,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
