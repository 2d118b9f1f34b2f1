"""``manage.py up --port N``: the demo's sandbox instances call back the port we listen on."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command

from core.management.commands import up
from sandbox.models import SandboxInstance

pytestmark = pytest.mark.django_db


class _Proc:
    def __init__(self, cmd, env, cwd):
        self.cmd, self.env = cmd, env


def test_up_on_another_port_writes_the_demo_webhooks_with_that_port(monkeypatch):
    started: list[_Proc] = []
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.delenv("ZAPI_BASE_URL", raising=False)
    monkeypatch.setattr(
        subprocess, "Popen", lambda cmd, env, cwd: started.append(_Proc(cmd, env, cwd))
    )
    monkeypatch.setattr(up.Command, "_supervise", lambda self, procs: None)
    out = io.StringIO()
    call_command("up", "--port", "8765", stdout=out)

    urls = {url for box in SandboxInstance.objects.all() for url in box.webhooks.values()}
    assert urls and all(url.startswith("http://127.0.0.1:8765/") for url in urls), urls
    assert {p.env["PUBLIC_BASE_URL"] for p in started} == {"http://127.0.0.1:8765"}
    assert "http://127.0.0.1:8765/" in out.getvalue()
