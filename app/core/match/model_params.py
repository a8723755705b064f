"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.1041,
    0.2905,
    2.5309,
    1.3991,
    -2.5000,
    0.9505,
    -0.1596,
    1.6738,
    1.6657,
    0.5088,
    -0.7465,
    -0.6886,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
