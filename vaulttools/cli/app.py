"""The command group, its shared state, and the one place errors become messages."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from ..collection import collect_less
from ..errors import VaultError
from ..vault import Vault, find_vault_root


class AppState:
    """What every command shares: the global options, and the vault they lead to."""

    def __init__(self, vault_option: str | None, debug: bool) -> None:
        self.vault_option = vault_option
        self.debug = debug
        self._vault: Vault | None = None

    @property
    def vault(self) -> Vault:
        """The vault this command works on, found on first use."""
        if self._vault is None:
            env = os.environ.get("VAULT_DIR")
            root = find_vault_root(self.vault_option, env, Path.cwd())
            self._vault = Vault.open(root)
        return self._vault

    @property
    def today(self) -> dt.date:
        """Today where the vault is (its `timezone`), not where the computer is."""
        from ..clock import today

        return today(self.vault.config)


class VaultGroup(click.Group):
    """Turns a VaultError from any command into one sentence on stderr and its exit code.

    Command modules are imported when first needed, so that a quick command does not pay
    for the imports of every other one: see `add_module`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._modules: dict[str, Callable[[], None]] = {}  # module name -> its registration
        self._module_of: dict[str, str] = {}  # command name -> module name

    def add_module(
        self, name: str, register: Callable[[], None], commands: Iterable[str] = ()
    ) -> None:
        """`register` adds the module's commands; it runs when one of `commands` is asked
        for, or when a name no module declared is, or when all commands are listed."""
        self._modules[name] = register
        self._module_of.update(dict.fromkeys(commands, name))

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, global_options_first(args))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = self._module_of.get(cmd_name)
            self._register(module) if module else self._register_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._register_all()
        return super().list_commands(ctx)

    def _register(self, module: str) -> None:
        register = self._modules.pop(module, None)
        if register:
            register()

    def _register_all(self) -> None:
        for module in list(self._modules):
            self._register(module)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VaultError as error:
            _fail(ctx, error, str(error), error.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # The reader went away (`vault followups | head`): stop quietly, as a shell tool does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            _fail(ctx, error, f"{error.strerror or error}{where}.", 1)


GLOBAL_FLAGS = ("--debug",)
GLOBAL_OPTIONS = ("--vault",)  # each takes a value


def global_options_first(args: list[str]) -> list[str]:
    """`vault followups --vault X --debug` as `vault --vault X --debug followups`: the
    group's own options are accepted after the command too (up to a `--`)."""
    front: list[str] = []
    rest: list[str] = []
    items = iter(args)
    for arg in items:
        if arg == "--":
            rest += [arg, *items]
        elif arg in GLOBAL_FLAGS or arg.split("=", 1)[0] in GLOBAL_OPTIONS:
            front.append(arg)
            if arg in GLOBAL_OPTIONS:
                front.append(next(items, ""))
        else:
            rest.append(arg)
    return front + rest


def _fail(ctx: click.Context, error: BaseException, message: str, code: int) -> NoReturn:
    state = ctx.find_object(AppState)
    if state is not None and state.debug:
        raise error
    click.echo(f"vault: {message}", err=True)
    ctx.exit(code)


@click.group(cls=VaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    "vault_option",
    metavar="PATH",
    help="The vault to use (default: $VAULT_DIR, else the folder above holding .vaulttools/).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.version_option(package_name="vaulttools")
@click.pass_context
def vault_cli(ctx: click.Context, vault_option: str | None, debug: bool) -> None:
    """Informational interviews in your Obsidian vault: contacts, meetings and follow-ups."""
    ctx.obj = AppState(vault_option, debug)


pass_state = click.make_pass_decorator(AppState)


def main() -> None:
    collect_less()
    try:
        vault_cli(prog_name="vault")
    finally:
        # What is left when a command ends needs no collecting: the process ends with it.
        # Python's last collection would walk all of it (25 ms after a cold index).
        gc.freeze()
