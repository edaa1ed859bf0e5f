"""The editor's side of a published fact: the progress message that ends as a summary, with
"✏️ Edit" and "🗑 Withdraw", and what editing and withdrawing report."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.callbacks import EditorAction, EditorCb
from bot.domain.changes import DELETE_LIMIT_HOURS, ChangeState, FactChanges
from bot.domain.limits import FACT_TEXT_LIMIT
from bot.domain.models import DeliveryState
from bot.views import format as fmt
from bot.views.common import Rendered, bold, button, italic


def render_progress(
    fact_id: int, counts: Mapping[DeliveryState, int], changes: FactChanges | None = None
) -> Rendered:
    """Delivering, then the summary; once delivered, the buttons to edit or withdraw."""
    total = sum(counts.values())
    pending = counts.get(DeliveryState.PENDING, 0)
    head = (
        ngettext(
            "📣 Update #{id}: delivering to {total} chat…",
            "📣 Update #{id}: delivering to {total} chats…",
            total,
        )
        if pending
        else ngettext(
            "📣 Update #{id}: delivery finished ({total} chat).",
            "📣 Update #{id}: delivery finished ({total} chats).",
            total,
        )
    ).format(id=fact_id, total=fmt.number(total))
    lines = [
        bold(head),
        _("✅ delivered: {n}").format(n=fmt.number(counts.get(DeliveryState.SENT, 0))),
        _("⏳ pending: {n}").format(n=fmt.number(pending)),
        _("🚫 blocked the bot: {n}").format(n=fmt.number(counts.get(DeliveryState.BLOCKED, 0))),
        _("❌ failed: {n}").format(n=fmt.number(counts.get(DeliveryState.FAILED, 0))),
    ]
    if not total:
        lines.append(italic(_("Nobody follows this sector yet.")))
    if changes is not None:
        lines += _change_lines(changes)
    markup = None
    if not pending and not (changes and changes.withdrawn):
        markup = summary_markup(fact_id)
    return Rendered("\n".join(lines), markup)


def _change_lines(changes: FactChanges) -> list[str]:
    lines = []
    edits = changes.edits
    if sum(edits.values()) and not changes.withdrawn:
        if edits[ChangeState.PENDING]:
            line = _("✏️ editing: {done} of {total} chats…").format(
                done=fmt.number(edits[ChangeState.DONE]), total=fmt.number(sum(edits.values()))
            )
        else:
            line = ngettext("✏️ edited in {n} chat", "✏️ edited in {n} chats", edits[ChangeState.DONE]).format(
                n=fmt.number(edits[ChangeState.DONE])
            )
        lines.append(line + _failed(edits))
    if changes.withdrawn:
        gone = changes.deletions
        if gone[ChangeState.PENDING]:
            line = _("🗑 withdrawing: {done} of {total} chats…").format(
                done=fmt.number(gone[ChangeState.DONE]),
                total=fmt.number(
                    gone[ChangeState.DONE] + gone[ChangeState.PENDING] + gone[ChangeState.FAILED]
                ),
            )
        else:
            line = ngettext(
                "🗑 withdrawn in {n} chat", "🗑 withdrawn in {n} chats", gone[ChangeState.DONE]
            ).format(n=fmt.number(gone[ChangeState.DONE]))
        if gone[ChangeState.KEPT]:
            line += "; " + ngettext(
                "{n} older than {hours} h kept", "{n} older than {hours} h kept", gone[ChangeState.KEPT]
            ).format(n=fmt.number(gone[ChangeState.KEPT]), hours=DELETE_LIMIT_HOURS)
        lines.append(line + _failed(gone))
    return lines


def _failed(counts: Mapping[ChangeState, int]) -> str:
    failed = counts[ChangeState.FAILED]
    return "; " + _("❌ failed: {n}").format(n=fmt.number(failed)) if failed else ""


def summary_markup(fact_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(_("✏️ Edit"), EditorCb(action=EditorAction.EDIT, fact_id=fact_id)),
                button(_("🗑 Withdraw"), EditorCb(action=EditorAction.WITHDRAW, fact_id=fact_id)),
            ]
        ]
    )


def withdraw_markup(fact_id: int) -> InlineKeyboardMarkup:
    """The summary's buttons after "🗑 Withdraw": asked once more, as it can't be undone."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(
                    _("🗑 Yes, withdraw everywhere"),
                    EditorCb(action=EditorAction.WITHDRAW_OK, fact_id=fact_id),
                ),
                button(_("↩️ Back"), EditorCb(action=EditorAction.BACK, fact_id=fact_id)),
            ]
        ]
    )


def render_ask_new_text(fact_id: int) -> Rendered:
    return Rendered(
        _(
            "✏️ Update #{id}: send the new text (up to {limit} characters), or /cancel. "
            "It replaces the text in every chat that got the update."
        ).format(id=fact_id, limit=fmt.number(FACT_TEXT_LIMIT))
    )


def render_confirm_edit(fact_id: int, chats: int) -> Rendered:
    text = ngettext(
        "Above is the new text exactly as subscribers will see it. Replace it in {n} chat now?",
        "Above is the new text exactly as subscribers will see it. Replace it in {n} chats now?",
        chats,
    ).format(n=fmt.number(chats))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                button(_("✅ Save"), EditorCb(action=EditorAction.SAVE, fact_id=fact_id)),
                button(_("✖️ Cancel"), EditorCb(action=EditorAction.CANCEL, fact_id=fact_id)),
            ]
        ]
    )
    return Rendered(text, markup)


def render_editing(fact_id: int, chats: int) -> Rendered:
    return Rendered(
        ngettext(
            "✏️ Update #{id}: the new text is saved and goes to {n} chat; the summary above shows the progress.",
            "✏️ Update #{id}: the new text is saved and goes to {n} chats; the summary above shows the progress.",
            chats,
        ).format(id=fact_id, n=fmt.number(chats))
    )


def render_edit_cancelled() -> Rendered:
    return Rendered(_("Cancelled: nothing was changed."))


def render_gone(fact_id: int) -> Rendered:
    """An edit or withdrawal of a fact withdrawn already (or never published)."""
    return Rendered(_("Update #{id} has been withdrawn: there is nothing to change.").format(id=fact_id))
