"""ChatMember and getChat answers as Telegram sends them, for the recording session and the
Bot API stand-in (getChatMember, getChat)."""

from __future__ import annotations

from typing import Any

NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}
_ADMIN_RIGHTS = [
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_send_welcome_messages",
    "can_post_messages",
    "can_edit_messages",
    "can_pin_messages",
]
_RESTRICTED_RIGHTS = [
    "is_member",
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
]


def chat_member(status: str, user_id: int, bot_user: dict[str, Any] | None = None) -> dict[str, Any]:
    """A ChatMember as Telegram sends it, for ``status`` (``bot_user``: the member is the bot)."""
    user = (
        dict(bot_user) if bot_user is not None else {"id": user_id, "is_bot": False, "first_name": "Member"}
    )
    member: dict[str, Any] = {"status": status, "user": user}
    if status in ("creator", "administrator"):
        member["is_anonymous"] = False
    if status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    if status == "restricted":
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, True), until_date=0)
    if status == "kicked":
        member["until_date"] = 0
    return member
