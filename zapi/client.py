"""Convenience import path named in DESIGN.md: ``from zapi.client import InstanceClient``."""

from zapi.clients import BaseClient, InstanceClient, NumberRegistrationClient, PartnerClient

__all__ = ["BaseClient", "InstanceClient", "NumberRegistrationClient", "PartnerClient"]
