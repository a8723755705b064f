"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.0547,
    0.3766,
    2.5226,
    1.3584,
    -2.4942,
    0.9944,
    -0.3330,
    1.5938,
    1.6645,
    0.5168,
    -0.6854,
    -0.6985,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
