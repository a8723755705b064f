"""The customer web site (`kotae serve`): Starlette + Jinja2 pages over app.core and app.store."""
