"""Against a real Prefect server on a free loopback port: run the parent flow, read its state back."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"no answer from {url} in {seconds} s")


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = os.environ | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - the server writes to it until the test ends
    process = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(f"{api}/health", seconds=120)
        yield api, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_parent_flow_runs_against_a_server(server, tmp_path: Path, make_config, repo_root: Path) -> None:
    api, env = server
    config = make_config(tmp_path / "out")
    script = (
        "import json, sys\n"
        "from flows.pipeline import ldp_pipeline\n"
        "state = ldp_pipeline(config_path=sys.argv[1], return_state=True)\n"
        "print(json.dumps({'flow_run_id': str(state.state_details.flow_run_id), 'type': state.type.value}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(config)],
        env=env | {"PREFECT_API_URL": api},
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    local = json.loads(done.stdout.strip().splitlines()[-1])
    with urllib.request.urlopen(f"{api}/flow_runs/{local['flow_run_id']}", timeout=10) as response:
        flow_run = json.load(response)
    assert flow_run["state"]["type"] == "COMPLETED"
    assert flow_run["parameters"]["config_path"] == str(config)
    assert (tmp_path / "out" / "reports" / "report.html").is_file()
