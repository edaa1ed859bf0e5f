"""/start, /help, /language, the command menu and the short answers."""

from __future__ import annotations

from aiogram.types import BotCommand, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.callbacks import LanguageCb, MenuAction, MenuCb
from bot.domain.models import Locale
from bot.views.common import Rendered, bold, button, quote, rows

LANGUAGE_NAMES: dict[Locale, str] = {
    Locale.RU: "🇷🇺 Русский",
    Locale.EN: "🇬🇧 English",
    Locale.KK: "🇰🇿 Қазақша",
    Locale.BE: "🇧🇾 Беларуская",
}


def command_descriptions() -> list[tuple[str, str]]:
    """The commands in menu order, each with its one-line description in the current locale."""
    return [
        ("turnover", _("Trade turnover, exports and the balance")),
        ("chart", _("Turnover and exports as a chart")),
        ("products", _("What is traded: the top HS chapters")),
        ("sectors", _("Industry, agriculture, food retail, IT")),
        ("sources", _("Where the figures come from")),
        ("subscribe", _("Get new facts on the sectors you follow")),
        ("subscriptions", _("What you follow")),
        ("unsubscribe", _("Stop updates")),
        ("channel", _("Connect a channel you administer")),
        ("settings", _("Digests, quiet hours, time zone")),
        ("language", _("Change the language")),
        ("help", _("What the bot can do")),
        ("start", _("Main menu")),
    ]


def admin_command_descriptions() -> list[tuple[str, str]]:
    return [
        ("publish", _("Publish an update to subscribers")),
        ("stats", _("Subscribers and deliveries")),
    ]


def bot_commands(*, admin: bool = False) -> list[BotCommand]:
    described = command_descriptions() + (admin_command_descriptions() if admin else [])
    return [BotCommand(command=name, description=text) for name, text in described]


def bot_description() -> str:
    """Shown in an empty chat before /start (up to 512 characters)."""
    return _(
        "Trade between Belarus and Kazakhstan in figures: turnover and its growth, exports each way, "
        "the balance, and cooperation in industry, agriculture, food retail and IT. "
        "Every figure comes with its source. Russian, English, Kazakh and Belarusian."
    )


def bot_short_description() -> str:
    """Shown on the bot's profile (up to 120 characters)."""
    return _("Belarus–Kazakhstan trade and cooperation: figures with sources, in four languages.")


def main_menu() -> InlineKeyboardMarkup:
    entries = [
        (_("📊 Turnover"), MenuAction.TURNOVER),
        (_("🏭 Sectors"), MenuAction.SECTORS),
        (_("📚 Sources"), MenuAction.SOURCES),
        (_("🔔 Subscriptions"), MenuAction.SUBSCRIPTIONS),
        (_("🌐 Language"), MenuAction.LANGUAGE),
        (_("❓ Help"), MenuAction.HELP),
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows([button(t, MenuCb(action=a)) for t, a in entries], 2))


def render_start(first_name: str | None) -> Rendered:
    greeting = _("👋 Hello, {name}!").format(name=bold(first_name)) if first_name else _("👋 Hello!")
    text = "\n\n".join(
        [
            greeting,
            _(
                "I follow trade and cooperation between Belarus and Kazakhstan: turnover and its "
                "growth, exports each way, the balance, and what is happening in industry, "
                "agriculture, food retail and IT."
            ),
            _(
                "Belarusian and Kazakh statistics often differ: I show both, and every figure "
                "comes with its source."
            ),
            _(
                "🔔 Subscriptions: choose the sectors you follow, and new facts and trade figures "
                "come to you as they are published."
            ),
            _("Choose below or type /help."),
        ]
    )
    return Rendered(text, main_menu())


def render_help() -> Rendered:
    lines = [bold(_("❓ What I can do")), ""]
    lines += [f"/{name} — {quote(text)}" for name, text in command_descriptions()]
    lines += [
        "",
        _("Examples: /turnover 2024, /turnover 2025-08 (January–August 2025), /start sector_food_retail."),
    ]
    return Rendered("\n".join(lines), main_menu())


def render_language_choice(current: str) -> Rendered:
    choices = [
        button(f"✓ {name}" if choice.value == current else name, LanguageCb(locale=choice))
        for choice, name in LANGUAGE_NAMES.items()
    ]
    return Rendered(bold(_("🌐 Choose the language")), InlineKeyboardMarkup(inline_keyboard=rows(choices, 2)))


def render_language_set(locale: Locale, *, group: bool = False) -> Rendered:
    if group:
        text = _("✅ This chat's language: {language}. Replies and updates here come in it.").format(
            language=LANGUAGE_NAMES[locale]
        )
        return Rendered(text, main_menu())
    text = _("✅ Language: {language}. The command menu is now in this language too.").format(
        language=LANGUAGE_NAMES[locale]
    )
    return Rendered(text, main_menu())


def render_unknown_command(command: str) -> Rendered:
    shown = quote(command[:64])
    return Rendered(_("Unknown command {command}. See /help.").format(command=shown), main_menu())


def render_outdated_button() -> str:
    """A callback answer (plain text, at most 200 characters)."""
    return _("This button is out of date. Please open the menu again with /start.")


def render_error() -> str:
    return _("⚠️ Something went wrong on our side. Please try again in a minute.")
