"""Groups and channels: the admins-only note, a mention with no question, and connecting a
channel (/channel)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import ChannelCb, SettingsAction, SettingsCb
from bot.domain.chats import ConnectedChannel
from bot.domain.models import ALL_SECTORS, Sector
from bot.views.common import Rendered, bold, button, quote
from bot.views.facts import sector_label


def render_admins_only() -> str:
    """Plain text (it is also a callback answer, at most 200 characters)."""
    return _("Only this chat's administrators can change its subscriptions and language.")


def render_mention_help(username: str) -> Rendered:
    return Rendered(
        _("Ask me here by mentioning me, e.g. “@{bot} Magnum”, or reply to my message. See /help.").format(
            bot=quote(username)
        )
    )


def channel_title(channel: ConnectedChannel) -> str:
    return channel.title or str(channel.chat_id)


def channel_keyboard(channel: ConnectedChannel, sectors: tuple[Sector, ...]) -> InlineKeyboardMarkup:
    """A ✅/▫️ toggle per sector and for all of them, for the channel."""
    everything = ALL_SECTORS in channel.sectors
    layout = []
    for sector in sectors:
        mark = "✅" if everything or sector.id in channel.sectors else "▫️"
        data = ChannelCb(chat_id=channel.chat_id, sector_id=sector.id)
        layout.append([button(f"{mark} {sector.emoji} {sector.name}", data)])
    mark = "✅" if everything else "▫️"
    data = ChannelCb(chat_id=channel.chat_id, sector_id=ALL_SECTORS)
    layout.append([button(f"{mark} {sector_label(None)}", data)])
    settings = SettingsCb(action=SettingsAction.SHOW, chat=channel.chat_id)
    layout.append([button(_("⚙️ Digests and quiet hours"), settings)])
    return InlineKeyboardMarkup(inline_keyboard=layout)


def render_channel(channel: ConnectedChannel, sectors: tuple[Sector, ...]) -> Rendered:
    text = "\n".join(
        [
            _("📣 Channel {channel} is connected.").format(channel=bold(channel_title(channel))),
            _("Tick the sectors whose news it should get. New facts are posted there as they are published."),
        ]
    )
    return Rendered(text, channel_keyboard(channel, sectors))


def render_channels(channels: list[ConnectedChannel], sectors: tuple[Sector, ...]) -> Rendered:
    if not channels:
        return Rendered(render_channel_usage())
    names = {s.id: f"{s.emoji} {s.name}" for s in sectors}
    lines = [bold(_("📣 Connected channels"))]
    for channel in channels:
        if ALL_SECTORS in channel.sectors:
            follows = sector_label(None)
        else:
            follows = ", ".join(names[s] for s in names if s in channel.sectors) or _("nothing yet")
        lines.append(f"• {bold(channel_title(channel))}: {quote(follows)}")
    layout = [
        [button(f"⚙️ {channel_title(channel)}", ChannelCb(chat_id=channel.chat_id, sector_id=""))]
        for channel in channels
    ]
    return Rendered(
        "\n".join([*lines, "", render_channel_usage()]), InlineKeyboardMarkup(inline_keyboard=layout)
    )


def render_channel_usage() -> str:
    return _(
        "To connect a channel, make me its administrator, then send /channel add @channel "
        "or forward me a post from it. /channel remove @channel disconnects it."
    )


def render_channel_not_found(name: str) -> Rendered:
    return Rendered(
        _("I can't find the channel {channel}. Check the name, and that it is a channel.").format(
            channel=quote(name[:64])
        )
    )


def render_bot_not_admin(title: str) -> Rendered:
    return Rendered(
        _(
            "I am not an administrator of {channel} yet. Add me there as an administrator who can post messages, then try again."
        ).format(channel=bold(title))
    )


def render_not_channel_admin(title: str) -> Rendered:
    return Rendered(_("Only an administrator of {channel} can connect it.").format(channel=bold(title)))


def render_channel_removed(title: str) -> Rendered:
    return Rendered(
        _("🔕 Channel {channel} is disconnected: it gets no more updates.").format(channel=bold(title))
    )


def render_channels_in_private() -> Rendered:
    return Rendered(_("Channels are connected in a private chat with me: send me /channel there."))
