from __future__ import annotations

import pytest


@pytest.fixture
def paired(live_url, partner):
    """A sandbox instance (connected) and our Instance for it, over real HTTP."""
    return make_pair(partner, connected=True)


@pytest.fixture
def unpaired(live_url, partner):
    return make_pair(partner, connected=False)


def make_pair(partner, *, connected: bool, **sandbox_options):
    from instances.services import instance_add
    from sandbox.services import sandbox_instance_create

    box = sandbox_instance_create(
        name="Sandbox number", connected=connected, phone="5544999990000", **sandbox_options
    )
    ours = instance_add(partner=partner, zapi_id=box.zapi_id, token=box.token, name="Ours")
    return ours, box
