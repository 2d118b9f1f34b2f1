"""What a contact can send the instance, one ReceivedCallback content per kind (spec 001
"Webhooks > Upon receiving"), for the simulation controls and the console."""

from __future__ import annotations

import time
from typing import Any

from sandbox.webhooks import new_message_id

MEDIA = "http://localhost/sandbox-media"


def inbound_content(kind: str, text: str, phone: str) -> dict[str, Any]:
    """The content keys of a ReceivedCallback of ``kind``; ``KeyError`` for an unknown kind."""
    builders: dict[str, Any] = {
        "text": lambda: {"text": {"message": text}},
        "image": lambda: {
            "image": {
                "caption": text,
                "imageUrl": f"{MEDIA}/photo.jpg",
                "thumbnailUrl": f"{MEDIA}/photo-thumb.jpg",
                "mimeType": "image/jpeg",
                "width": 800,
                "height": 600,
                "viewOnce": False,
            }
        },
        "audio": lambda: {
            "audio": {
                "ptt": True,
                "seconds": 7,
                "audioUrl": f"{MEDIA}/voice.ogg",
                "mimeType": "audio/ogg; codecs=opus",
                "viewOnce": False,
            }
        },
        "video": lambda: {
            "video": {
                "caption": text,
                "videoUrl": f"{MEDIA}/clip.mp4",
                "mimeType": "video/mp4",
                "seconds": 12,
                "viewOnce": False,
            }
        },
        "document": lambda: {
            "document": {
                "documentUrl": f"{MEDIA}/invoice.pdf",
                "mimeType": "application/pdf",
                "title": text or "invoice",
                "pageCount": 1,
                "fileName": "invoice.pdf",
            }
        },
        "location": lambda: {
            "location": {
                "longitude": -46.633308,
                "latitude": -23.55052,
                "address": text or "Praça da Sé, São Paulo",
                "url": "",
            }
        },
        "contact": lambda: {
            "contact": {
                "displayName": text or "Maria",
                "vCard": f"BEGIN:VCARD\nVERSION:3.0\nFN:{text or 'Maria'}\nEND:VCARD",
                "phones": ["5511977776666"],
            }
        },
        "sticker": lambda: {
            "sticker": {"stickerUrl": f"{MEDIA}/sticker.webp", "mimeType": "image/webp"}
        },
        "reaction": lambda: {
            "reaction": {
                "value": text or "👍",
                "time": int(time.time() * 1000),
                "reactionBy": phone,
                "referencedMessage": {"messageId": new_message_id(), "fromMe": True},
            }
        },
        "poll": lambda: {
            "poll": {
                "question": text or "Lunch?",
                "pollMaxOptions": 0,
                "options": [{"name": "Yes"}, {"name": "No"}],
            }
        },
        "pollVote": lambda: {
            "pollVote": {"pollMessageId": new_message_id(), "options": [{"name": text or "Yes"}]}
        },
        "buttonsResponseMessage": lambda: {
            "buttonsResponseMessage": {"buttonId": "1", "message": text or "Yes"}
        },
        "listResponseMessage": lambda: {
            "listResponseMessage": {
                "message": text or "Option 1",
                "title": text or "Option 1",
                "selectedRowId": "1",
            }
        },
        "call": lambda: {"notification": "CALL_MISSED_VOICE", "notificationParameters": []},
    }
    return builders[kind]()


INBOUND_KINDS = (
    "text",
    "image",
    "audio",
    "video",
    "document",
    "location",
    "contact",
    "sticker",
    "reaction",
    "poll",
    "pollVote",
    "buttonsResponseMessage",
    "listResponseMessage",
    "call",
)
