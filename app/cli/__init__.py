"""Command-line faces: `kotae`, `ask`, `check`, `requests …`."""
