"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -7.9071,
    0.4472,
    2.4748,
    1.2652,
    -2.2820,
    0.8858,
    -0.5494,
    1.6688,
    1.7067,
    0.4592,
    -0.6068,
    -0.6625,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
