"""Campaigns: bulk sending that keeps numbers alive (spec 001, "How many messages can I send?"
and "Blocks and Bans (2025)").

The pure rules live in small modules with no database access (``render``, ``safety``,
``window``, ``warmup``, ``rhythm``, ``breaker``) so they are tested directly; the models,
services, selectors, the feeder and the pages build on them. Every message a campaign sends
is an ordinary outbound ``Message`` written by ``messaging.services.message_enqueue``: the
dispatcher, the global pacer and the daily cap on new recipients are the one sending path.
"""
