"""Docs can't drift: every CLI command has help text and appears in the README."""

from __future__ import annotations

import argparse

from conftest import ROOT
from rasd.cli import build_parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_of(parser: argparse.ArgumentParser, name: str) -> str | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name:
                    return choice.help
    return None


def test_every_command_has_help_and_a_readme_entry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = _subcommands(parser)
    assert "read" in commands
    for name, sub in commands.items():
        assert _help_of(parser, name), f"`rasd {name}` has no help text"
        assert sub.description, f"`rasd {name}` has no description"
        assert f"rasd {name}" in readme, f"`rasd {name}` is not documented in README.md"
        for sub_name in _subcommands(sub):
            assert _help_of(sub, sub_name), f"`rasd {name} {sub_name}` has no help text"
            assert f"rasd {name} {sub_name}" in readme, f"`rasd {name} {sub_name}` not in README"
