"""`python -m bot backup [FILE]`, `python -m bot restore FILE`, `python -m bot healthcheck`.

Each prints one line on success and one `error: ...` line on failure (exit status 1), never a
traceback: the people who run these are moderators with a shell, not operators.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config
from bot.ops.backup import BackupError, backend_for, backup_folder, backup_name

EXIT_FAILED = 1


def backup(config: Config, file: Path | None, *, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    try:
        backend = backend_for(config)
        dest = file if file is not None else backup_folder(config) / backup_name(now, backend.suffix)
        check = backend.backup(dest)
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        backend.record_manual(made_at=now, path=check.path.resolve(), size_bytes=check.size_bytes)
    except Exception as exc:  # the copy is good; only /admin status will not know about it
        print(f"warning: the backup is fine but could not be noted in the database: {exc}", file=sys.stderr)
    print(f"backup written and checked: {check.summary()}")
    return 0


def restore(config: Config, file: Path, *, now: datetime | None = None) -> int:
    try:
        result = backend_for(config).restore(file, now=now or datetime.now(UTC))
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    kept = f"; the database it replaced is kept as {result.replaced}" if result.replaced else ""
    print(f"restored {file} to {result.into} (schema version {result.check.schema_version}){kept}")
    return 0


def healthcheck(config: Config, *, attempts: int = 1, wait: float = 5.0, timeout: float = 5.0) -> int:
    """For a watchdog (deploy/): exit 0 when GET /healthz answers 200, else 1 with the reason.

    Several attempts ride out a moment of reconnecting to the gateway, which must not cost a restart.
    """
    if config.metrics_port is None:
        print("error: METRICS_PORT is not set, so there is no /healthz to ask", file=sys.stderr)
        return EXIT_FAILED
    url = f"http://{config.metrics_host}:{config.metrics_port}/healthz"
    problem = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(wait)
        healthy, text = _ask_health(url, timeout=timeout)
        if healthy:
            print(text)
            return 0
        problem = text
    print(f"error: {problem}", file=sys.stderr)
    return EXIT_FAILED


def _ask_health(url: str, *, timeout: float) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http on our own host
            body = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read() or b"{}").get("reason", exc.reason)
        except ValueError:
            reason = exc.reason
        return False, f"unhealthy ({exc.code}): {reason}"
    except (OSError, ValueError) as exc:
        return False, f"no answer from {url}: {exc}"
    return True, f"healthy: {body.get('status', 'ok')}"
