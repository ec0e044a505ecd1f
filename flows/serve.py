"""Serve the ``ldp-pipeline`` flow to a running Prefect server, so runs can be triggered from
the UI or the CLI with any config as a parameter::

    PREFECT_API_URL=http://127.0.0.1:4200/api python -m flows.serve
    PREFECT_API_URL=http://127.0.0.1:4200/api prefect deployment run 'ldp-pipeline/ldp' \
        --param config_path=configs/my.toml
"""

from __future__ import annotations

from flows.pipeline import ldp_pipeline


def main() -> None:
    ldp_pipeline.serve(name="ldp", parameters={"config_path": "configs/seed.toml", "fresh": False})


if __name__ == "__main__":
    main()
