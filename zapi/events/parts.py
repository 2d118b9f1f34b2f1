"""The content blocks a ``ReceivedCallback`` may carry (spec 001, "Webhooks > Upon receiving").

Every field is optional and unknown ones are kept: Z-API adds fields without notice and
the examples disagree with the tables (e.g. ``descritpion`` in "Webhooks > Upon receiving").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Part(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Text(Part):
    message: str | None = None
    description: str | None = None
    title: str | None = None
    url: str | None = None
    thumbnailUrl: str | None = None


class Image(Part):
    caption: str | None = None
    imageUrl: str | None = None
    thumbnailUrl: str | None = None
    mimeType: str | None = None
    width: int | None = None
    height: int | None = None
    viewOnce: bool | None = None


class Audio(Part):
    audioUrl: str | None = None
    mimeType: str | None = None
    ptt: bool | None = None
    seconds: int | None = None
    viewOnce: bool | None = None


class Video(Part):
    caption: str | None = None
    videoUrl: str | None = None
    mimeType: str | None = None
    seconds: int | None = None
    viewOnce: bool | None = None


class Document(Part):
    documentUrl: str | None = None
    fileName: str | None = None
    mimeType: str | None = None
    title: str | None = None
    pageCount: int | str | None = None
    thumbnailUrl: str | None = None


class Location(Part):
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    name: str | None = None
    url: str | None = None
    thumbnailUrl: str | None = None


class Contact(Part):
    displayName: str | None = None
    vCard: str | None = None
    phones: list[str] | None = None


class Sticker(Part):
    stickerUrl: str | None = None
    mimeType: str | None = None


class Reaction(Part):
    value: str | None = None
    time: int | None = None
    reactionBy: str | None = None
    referencedMessage: dict[str, Any] | None = None


class ButtonsResponse(Part):
    buttonId: str | None = None
    message: str | None = None


class ListResponse(Part):
    message: str | None = None
    title: str | None = None
    selectedRowId: str | None = None


class Poll(Part):
    question: str | None = None
    pollMaxOptions: int | None = None
    options: list[dict[str, Any]] | None = None


class PollVote(Part):
    pollMessageId: str | None = None
    options: list[dict[str, Any]] | None = None


class Order(Part):
    orderId: str | None = None
    orderTitle: str | None = None
    itemCount: int | None = None
    currency: str | None = None
    total: float | None = None
    subTotal: float | None = None
    products: list[dict[str, Any]] | None = None


class ExternalAdReply(Part):
    title: str | None = None
    body: str | None = None
    sourceType: str | None = None
    sourceId: str | None = None
    sourceUrl: str | None = None
    ctwaClid: str | None = None
