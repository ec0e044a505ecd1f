"""ldp: the Leadership Discourse Pipeline library.

Plain, typed functions over pandas DataFrames and paths. Nothing in this package imports
Prefect: the flows in ``flows/`` wire these functions into tasks.
"""

__version__ = "0.1.0"
