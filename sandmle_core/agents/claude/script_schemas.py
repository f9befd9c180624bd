"""Tool inputs of the `script` rule kind: the strategist's rule in words and the developer's generator program.

`ScriptRuleProposal` (tool `propose_script_rule`) frames a drafted slot — title, story, descriptions of the drafted
columns — and states the hidden rule as prose plus named parameters; `GeneratorProposal` (tool `submit_generator`)
is the developer's whole `generate.py`. Validation here is about form only (known columns, a parsable program that
takes the contract's options); what the program does is judged by running it in the strict sandbox.
"""

from __future__ import annotations

import ast

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

__all__ = ["GENERATOR_OPTIONS", "GeneratorProposal", "ScriptRuleProposal"]

GENERATOR_OPTIONS = ("--out", "--n-train", "--n-test", "--seed", "--scale")


class ScriptRuleProposal(BaseModel):
    """A framing of the drafted slot plus the hidden rule the developer's program will implement."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=10, max_length=120)
    story: str = Field(min_length=80, max_length=1500)
    column_descriptions: dict[str, str] = Field(default_factory=dict,
                                                description="column name -> better public description")
    target_description: str | None = Field(default=None, min_length=5, max_length=300)
    rule_words: str = Field(min_length=40, max_length=4000, description="how the target is generated, in prose: "
                            "which columns drive it through which terms, noise, missingness, the challenges")
    rule_params: dict[str, float | int | str | bool] = Field(
        default_factory=dict, max_length=60, description="named numbers the program must use (effect sizes, noise)")

    @model_validator(mode="after")
    def _known_columns(self, info: ValidationInfo) -> ScriptRuleProposal:
        known = set((info.context or {}).get("columns", ()))
        unknown = sorted(set(self.column_descriptions) - known)
        bad = [k for k, v in self.column_descriptions.items() if not 3 <= len(v) <= 200]
        problems = ([f"unknown columns {unknown}; the columns are {sorted(known)}"] if unknown else []) + (
            [f"descriptions of {bad} must be 3-200 characters"] if bad else [])
        if problems:
            raise ValueError("; ".join(problems))
        return self


class GeneratorProposal(BaseModel):
    """The developer's data-generating program: one standalone Python file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str = Field(min_length=100, max_length=40000, description="the whole generate.py")

    @model_validator(mode="after")
    def _parses(self) -> GeneratorProposal:
        try:
            ast.parse(self.source)
        except SyntaxError as exc:
            raise ValueError(f"generate.py: SyntaxError line {exc.lineno}: {exc.msg}") from None
        missing = [o for o in GENERATOR_OPTIONS if o not in self.source]
        if missing:
            raise ValueError(f"generate.py must take the options {list(GENERATOR_OPTIONS)}; missing {missing}")
        return self


def tool_entries() -> dict[str, tuple[type[BaseModel], str]]:
    """The two tools, for `schemas.TOOLS`."""
    return {
        "propose_script_rule": (ScriptRuleProposal, "Strategist: frame a drafted environment and state its hidden "
                                                    "rule in words plus parameters, for a generator program."),
        "submit_generator": (GeneratorProposal, "Developer: submit generate.py, the program that writes the "
                                                "environment's public and private files."),
    }
