"""``ocr_config``: the Tesseract options a request may set, parsed, never passed through.

The text is split with shell-like quoting (``shlex``), so ``tessedit_char_whitelist=" ABC"``
keeps its space, and only these options are accepted:

- ``--psm N`` with N in :data:`PAGE_SEGMENTATION_MODES`;
- ``-l eng``, ``-l jpn`` or ``-l eng+jpn``;
- ``-c tessedit_char_whitelist=...`` and ``-c tessedit_char_blacklist=...``.

Anything else is a :class:`ParameterError` naming the option. Tesseract is configured from the
parsed values only (a page segmentation mode and a language, analysis/ocr/engine.py), so no byte
of the request reaches it.

Character lists and Tesseract 5: its LSTM recogniser gives confidence 0 to every word in which
a whitelist or blacklist forced a choice, and a whitelist without a space glues the words of a
line into one (the digits-only example would return nothing above any threshold). So the lists
are not handed to Tesseract: it reads without them, and :meth:`TesseractOptions.kept_characters`
applies them to each word it returns (characters outside the whitelist or in the blacklist are
removed, a word left empty is dropped), each kept word keeping the confidence Tesseract gave it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from analysis.parameter_error import ParameterError

PAGE_SEGMENTATION_MODES = (3, 4, 5, 6, 7, 8, 9, 10, 11, 13)
LANGUAGES = ("eng", "jpn", "eng+jpn")
CHARACTER_VARIABLES = ("tessedit_char_whitelist", "tessedit_char_blacklist")
DEFAULT_OCR_CONFIG = "--psm 7"
MAX_CONFIG_CHARS = 1000
_CODE = "INVALID_OCR_CONFIG"
_FIELD = "data.ocr_config"


@dataclass(frozen=True)
class TesseractOptions:
    """What an ``ocr_config`` asks of Tesseract."""

    psm: int = 7
    lang: str = "eng"
    whitelist: str | None = None
    blacklist: str | None = None

    def kept_characters(self, word: str) -> str:
        """``word`` without the characters the whitelist or blacklist excludes."""
        if self.whitelist is not None:
            word = "".join(c for c in word if c in self.whitelist)
        if self.blacklist is not None:
            word = "".join(c for c in word if c not in self.blacklist)
        return word


def _refuse(message: str) -> ParameterError:
    return ParameterError(f"ocr_config: {message}", code=_CODE, field=_FIELD)


def parse_ocr_config(text: str) -> TesseractOptions:
    """The options of ``text``; ParameterError naming the first one outside the list."""
    if len(text) > MAX_CONFIG_CHARS:
        raise _refuse(f"longer than {MAX_CONFIG_CHARS} characters")
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise _refuse(f"cannot be split into options ({str(exc).lower()})") from None
    found: dict[str, object] = {}
    at = 0
    while at < len(tokens):
        option = tokens[at]
        if option not in ("--psm", "-l", "-c"):
            raise _refuse(
                f"option {option!r} is not accepted; accepted: --psm N, -l LANG, "
                "-c tessedit_char_whitelist=..., -c tessedit_char_blacklist=..."
            )
        if at + 1 >= len(tokens):
            raise _refuse(f"option {option} needs a value")
        value = tokens[at + 1]
        at += 2
        if option == "--psm":
            _once(found, "psm", _psm(value))
        elif option == "-l":
            if value not in LANGUAGES:
                raise _refuse(f"-l {value!r} is not accepted; accepted: {', '.join(LANGUAGES)}")
            _once(found, "lang", value)
        else:
            name, equals, chars = value.partition("=")
            if not equals or name not in CHARACTER_VARIABLES:
                raise _refuse(
                    f"-c {name!r} is not accepted; accepted: {', '.join(CHARACTER_VARIABLES)}"
                )
            if not chars or not chars.isprintable():
                raise _refuse(f"-c {name} needs printable characters")
            _once(found, name.removeprefix("tessedit_char_"), chars)
    return TesseractOptions(**found)  # type: ignore[arg-type]


def _psm(value: str) -> int:
    if not value.isdigit() or int(value) not in PAGE_SEGMENTATION_MODES:
        modes = ", ".join(map(str, PAGE_SEGMENTATION_MODES))
        raise _refuse(f"--psm {value!r} is not accepted; accepted: {modes}")
    return int(value)


def _once(found: dict[str, object], key: str, value: object) -> None:
    if key in found:
        raise _refuse(f"{key} is given twice")
    found[key] = value
