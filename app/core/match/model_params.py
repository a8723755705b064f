"""Fitted by `python -m bench.calibrate --write`; see app/core/match/decision.py."""

# intercept, then one weight per decision.FEATURES entry
WEIGHTS = (
    -8.2243,
    1.3367,
    2.6521,
    1.2878,
    -2.3985,
    1.8583,
    0.1573,
    1.6755,
    0.2862,
    0.4794,
    0.2418,
    -0.5470,
)
# Answer when the probability is at least this; clarify between CLARIFY_AT and ANSWER_AT when
# two entries are close; each half of a two-part question needs TWO_AT.
ANSWER_AT = 0.25
CLARIFY_AT = 0.2
TWO_AT = 0.3
