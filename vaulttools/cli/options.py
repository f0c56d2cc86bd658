"""Option types that turn the user's text into domain values, or a usage error (exit 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..dates import parse_date_word, parse_time
from ..errors import UsageError


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date_word(str(value), _today(ctx))
        except UsageError as error:
            self.fail(str(error), param, ctx)


def _today(ctx: click.Context | None) -> dt.date:
    """The vault's today, for a date typed relative to it."""
    from .app import AppState

    state = ctx.find_object(AppState) if ctx else None
    if state is None:
        from ..clock import today
        from ..config import Config

        return today(Config())
    return state.today


class TimeType(click.ParamType):
    name = "HH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return parse_time(str(value))
        except UsageError as error:
            self.fail(str(error), param, ctx)


DATE = DateType()
TIME = TimeType()
