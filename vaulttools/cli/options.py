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
            return parse_date_word(str(value), dt.date.today())
        except UsageError as error:
            self.fail(str(error), param, ctx)


class TimeType(click.ParamType):
    name = "HH:MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return parse_time(str(value))
        except UsageError as error:
            self.fail(str(error), param, ctx)


DATE = DateType()
TIME = TimeType()
