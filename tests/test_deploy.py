"""The systemd units in deploy/ as shipped: checked by `systemd-analyze verify` where it exists,
with the install folder pointed at this checkout's Python so the ExecStart lines are executable."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
INSTALL = "/opt/littlethings-bot"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))


def test_the_units_name_each_other_and_the_documented_install_folder() -> None:
    assert UNITS == [
        "littlethings-bot-restart.service",
        "littlethings-bot-watchdog.service",
        "littlethings-bot-watchdog.timer",
        "littlethings-bot.service",
    ]
    bot = (DEPLOY / "littlethings-bot.service").read_text()
    assert "User=littlethings" in bot and "Restart=on-failure" in bot
    assert f"ExecStart={INSTALL}/.venv/bin/python -m bot\n" in bot
    watchdog = (DEPLOY / "littlethings-bot-watchdog.service").read_text()
    assert "OnFailure=littlethings-bot-restart.service" in watchdog and "-m bot healthcheck" in watchdog
    readme = (ROOT / "README.md").read_text()
    assert "## Hosting it" in readme and all(unit in readme for unit in ("littlethings-bot.service",
                                                                           "littlethings-bot-watchdog.timer"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    install = tmp_path / "opt"
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / "data").mkdir()
    os.symlink(sys.executable, install / ".venv" / "bin" / "python")
    for unit in UNITS:
        (tmp_path / unit).write_text((DEPLOY / unit).read_text().replace(INSTALL, str(install)))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / unit) for unit in UNITS)],
        capture_output=True, text=True, timeout=60,
    )
    output = (result.stdout + result.stderr).splitlines()
    ours = [line for line in output if "littlethings" in line or str(tmp_path) in line]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr
