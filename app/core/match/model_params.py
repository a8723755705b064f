"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.0508,
    0.3742,
    2.5196,
    1.3636,
    -2.4940,
    0.9921,
    -0.3316,
    1.6029,
    1.6663,
    0.5146,
    -0.6913,
    -0.6997,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.3
CLARIFY_AT = 0.25
TWO_AT = 0.5
