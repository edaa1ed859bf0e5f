"""One row of UN Comtrade data, as its API and its website's exports spell it.

The API answers ``{"elapsedTime": "0.03 secs", "count": N, "data": [row, ...], "error": ""}``;
the website's CSV and JSON downloads carry the same camelCase field names. Of a row's 47 fields
only those the mapping needs are read (the rest are ignored):

    reporterCode  M49 code of the country whose statistics these are (398 Kazakhstan, 112 Belarus)
    partnerCode   M49 code of the partner (0 is the world)
    flowCode      X export, M import (RX, RM re-exports/imports and the "plus" sub-flows exist too)
    period        "2024" (annual) or "202403" (monthly)
    refYear       2024
    refMonth      1..12, or 52 for a whole year
    cmdCode       "TOTAL", or an HS code: "27" is a chapter (aggrLevel 2)
    aggrLevel     0 for TOTAL, 2 for chapters, 4 and 6 for headings and subheadings
    primaryValue  the value in US dollars (CIF for imports, FOB for exports)
    partner2Code, customsCode, motCode   0, "C00", 0 on the totals of the "classic" breakdown

Nothing here does I/O.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.domain.models import Reporter

REPORTER_CODES: dict[Reporter, int] = {Reporter.KAZAKHSTAN: 398, Reporter.BELARUS: 112}
"""UN M49 codes Comtrade uses for the two countries."""

ANNUAL_MONTH = 52  # Comtrade's refMonth for a whole year

_CMD_RE = re.compile(r"^(TOTAL|\d{1,6})$")


def _not_bool(value: Any) -> Any:
    # pydantic would read true as 1; a flag where a number belongs is a broken row, not a value.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


Code = Annotated[int, BeforeValidator(_not_bool)]
Money = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, allow_inf_nan=False)]


class ComtradeRow(BaseModel):
    """The fields of a Comtrade data row that the mapping reads; other fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    reporter_code: Code = Field(alias="reporterCode")
    partner_code: Code = Field(alias="partnerCode")
    flow_code: str = Field(alias="flowCode", min_length=1, max_length=4)
    period: str = Field(alias="period")
    ref_year: Code = Field(alias="refYear", ge=1900, le=9999)
    ref_month: Code = Field(alias="refMonth")
    cmd_code: str = Field(alias="cmdCode")
    aggr_level: Code | None = Field(default=None, alias="aggrLevel")
    primary_value: Money = Field(alias="primaryValue")
    partner2_code: Code | None = Field(default=None, alias="partner2Code")
    customs_code: str | None = Field(default=None, alias="customsCode")
    mot_code: Code | None = Field(default=None, alias="motCode")

    @field_validator("period", mode="before")
    @classmethod
    def _period_text(cls, value: Any) -> Any:
        # The API sends "2024"; a website CSV read back by a spreadsheet may hold 2024.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("cmd_code", mode="before")
    @classmethod
    def _cmd(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not _CMD_RE.match(value):
            raise ValueError("expected TOTAL or an HS code of digits")
        # HS codes have an even number of digits; a spreadsheet that saw "01" as a number
        # wrote 1 back.
        return value.zfill(len(value) + 1) if value != "TOTAL" and len(value) % 2 else value

    @field_validator("flow_code", "customs_code", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("ref_month")
    @classmethod
    def _month(cls, value: int) -> int:
        if not (1 <= value <= 12 or value == ANNUAL_MONTH):
            raise ValueError("expected 1..12, or 52 for a whole year")
        return value

    @model_validator(mode="after")
    def _period_matches(self) -> ComtradeRow:
        expected = (
            str(self.ref_year) if self.ref_month == ANNUAL_MONTH else f"{self.ref_year}{self.ref_month:02d}"
        )
        if self.period != expected:
            raise ValueError(
                f"period '{self.period}' does not match refYear {self.ref_year} and "
                f"refMonth {self.ref_month} (expected '{expected}')"
            )
        return self

    @property
    def is_annual(self) -> bool:
        return self.ref_month == ANNUAL_MONTH

    @property
    def is_classic_total(self) -> bool:
        """Not a breakdown by second partner, customs procedure or transport mode.

        Fields a source leaves out count as totals: the classic breakdown has nothing else.
        """
        return (
            self.partner2_code in (None, 0)
            and self.customs_code in (None, "", "C00")
            and self.mot_code in (None, 0)
        )


def first_error(exc: Exception) -> tuple[str | None, str]:
    """(field, message) of the first problem in a pydantic ValidationError, using the field
    names Comtrade uses (``primaryValue``, not ``primary_value``)."""
    if not isinstance(exc, ValidationError):
        return None, str(exc)
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    return field, error["msg"].removeprefix("Value error, ")


__all__ = ["ANNUAL_MONTH", "REPORTER_CODES", "ComtradeRow", "first_error"]
