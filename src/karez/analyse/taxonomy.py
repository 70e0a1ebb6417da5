"""The taxonomy of stated reasons: loading, per-case extension, text folding and matching.

The taxonomy is data (`taxonomy.yaml` next to this module; a case may add
`CASE/taxonomy.yaml`). This module turns it into compiled patterns and finds every match in a
text, reporting each match as a span of the *original* text so the evidence can be shown
verbatim.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from karez.errors import KarezError

LANGUAGES = ("zh", "en", "ug_latn", "ug_arab")
# The codes shared with the testbed (docs/architecture.md); evaluation is on these.
SHARED_CODES = (
    "religious_extremism_label",
    "religious_practice",
    "family_planning",
    "passport_travel",
    "relatives_abroad",
    "contact_abroad",
    "internet",
    "untrustworthy",
    "birth_decade",
    "relative_detained",
    "other",
)
# Clause boundaries: an override only applies inside one clause.
_CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n、|/]|\.\s|\s-\s|،|؛")
_FRAGMENT = re.compile(r"\{([a-z_]+)\}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "ʻ": "'"})


class TaxonomyError(KarezError):
    """A taxonomy file is invalid; the message names the file, the category and what to fix."""


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern of a sub-category."""

    category: str
    subcategory: str
    lang: str
    source: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Match:
    """A pattern found in a text; `start`/`end` index the original (unfolded) text."""

    category: str
    subcategory: str
    lang: str
    pattern: str
    start: int
    end: int
    evidence: str
    clause: int


@dataclass
class Taxonomy:
    """A loaded taxonomy: categories with definitions, compiled patterns, statuses."""

    data: dict[str, Any]
    sources: list[str]
    patterns: list[Pattern] = field(default_factory=list)
    status_patterns: list[Pattern] = field(default_factory=list)
    _status_cache: dict[str, str | None] = field(default_factory=dict, repr=False)
    _groups: list[_Group] | None = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        """Fingerprint of the taxonomy as used, stored with every coding it produced."""
        text = json.dumps(self.data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def categories(self) -> dict[str, dict[str, Any]]:
        return self.data["categories"]

    def overrides(self, category: str, scope: str = "clause") -> set[str]:
        """Categories this one displaces when both are found in the same clause
        (`overrides`) or anywhere in the same text (`scope="text"`, `overrides_in_text`)."""
        key = "overrides" if scope == "clause" else "overrides_in_text"
        return set(self.categories.get(category, {}).get(key) or ())

    def find(self, text: str) -> list[Match]:
        """Every category pattern found in `text`, before overrides are applied."""
        if self._groups is None:
            self._groups = _groups(self.patterns)
        return _find(self.patterns, text, self._groups)

    def status_of(self, text: str | None) -> str | None:
        """The first status (sentenced, released, ...) whose patterns match `text`, else None."""
        if not text:
            return None
        if text not in self._status_cache:
            folded, _, _ = fold(text)
            self._status_cache[text] = next(
                (p.category for p in self.status_patterns if p.regex.search(folded)), None
            )
        return self._status_cache[text]

    def describe(self) -> list[dict[str, Any]]:
        """Rows of category, sub-category and definition, for documentation and reports."""
        rows = []
        for code, category in self.categories.items():
            rows.append(
                {
                    "category": code,
                    "subcategory": "",
                    "label": category.get("label", code),
                    "definition": " ".join(str(category.get("definition", "")).split()),
                }
            )
            for sub, spec in (category.get("subcategories") or {}).items():
                rows.append(
                    {
                        "category": code,
                        "subcategory": sub,
                        "label": "",
                        "definition": " ".join(str(spec.get("definition", "")).split()),
                        "n_patterns": sum(len(v or []) for v in (spec.get("patterns") or {}).values()),
                    }
                )
        return rows


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """Normalise `text` for matching, keeping where each folded character came from.

    Returns the folded text and, for each of its characters, the start and end index in the
    original. Folding is NFKC per grapheme (full-width digits and Latin, Arabic presentation
    forms), Latin letters lose their diacritics (ULY ü/ö/é typed as u/o/e), and typographic
    apostrophes become "'".
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = _fold_piece(text[i:j])
        for ch in piece:
            out.append(ch)
            starts.append(i)
            ends.append(j)
        i = j
    return "".join(out), starts, ends


def _fold_piece(piece: str) -> str:
    normal = unicodedata.normalize("NFKC", piece).translate(_APOSTROPHES)
    base = normal[:1]
    if base and base.isalpha() and ord(base) < 0x250:
        # Latin: drop the diacritics, so hand-typed ULY without them still matches.
        decomposed = unicodedata.normalize("NFKD", normal)
        normal = "".join(c for c in decomposed if not unicodedata.combining(c))
    return normal


def _fold_pattern(pattern: str) -> str:
    """Fold a regex the way texts are folded (diacritics and width), leaving its syntax alone."""
    return "".join(_fold_piece(c) if not unicodedata.combining(c) else "" for c in unicodedata.normalize("NFC", pattern))


def clauses(folded: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a folded text (between punctuation)."""
    spans = []
    start = 0
    for brk in _CLAUSE_BREAK.finditer(folded):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(folded)))
    return spans


_SCRIPTS = {
    "zh": re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"),
    "ug_arab": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "en": re.compile(r"[A-Za-z]"),
    "ug_latn": re.compile(r"[A-Za-z]"),
}


@dataclass(frozen=True)
class _Group:
    """The patterns of one sub-category and language, with one combined regex that says
    quickly whether any of them can match."""

    lang: str
    any_of: re.Pattern[str]
    patterns: tuple[Pattern, ...]


def _groups(patterns: list[Pattern]) -> list[_Group]:
    keyed: dict[tuple[str, str, str], list[Pattern]] = {}
    for pattern in patterns:
        keyed.setdefault((pattern.category, pattern.subcategory, pattern.lang), []).append(pattern)
    return [
        _Group(lang, re.compile("|".join(f"(?:{p.regex.pattern})" for p in group), re.IGNORECASE), tuple(group))
        for (_, _, lang), group in keyed.items()
    ]


def _find(patterns: list[Pattern], text: str, groups: list[_Group] | None = None) -> list[Match]:
    folded, starts, ends = fold(text)
    spans = clauses(folded)
    found: list[Match] = []
    # Only the languages whose script occurs in the text, and only the groups that can match:
    # most texts touch one or two of the taxonomy's hundreds of patterns.
    present = {lang for lang, script in _SCRIPTS.items() if script.search(folded)}
    candidates = [
        p
        for group in (groups if groups is not None else _groups(patterns))
        if (group.lang in present or group.lang not in _SCRIPTS) and group.any_of.search(folded)
        for p in group.patterns
    ]
    for pattern in candidates:
        for m in pattern.regex.finditer(folded):
            if m.end() == m.start():
                continue
            start, end = starts[m.start()], ends[m.end() - 1]
            clause = next(
                (k for k, (a, b) in enumerate(spans) if a <= m.start() < max(b, a + 1)), len(spans) - 1
            )
            found.append(
                Match(
                    pattern.category,
                    pattern.subcategory,
                    pattern.lang,
                    pattern.source,
                    start,
                    end,
                    text[start:end],
                    clause,
                )
            )
    return found


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("karez.analyse").joinpath("taxonomy.yaml")))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TaxonomyError(f"file {path}: cannot read the taxonomy: {error}. Fix the YAML and try again.") from error
    if not isinstance(data, dict):
        raise TaxonomyError(f"file {path}: a taxonomy must be a mapping with a `categories:` key.")
    return data


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (the key is empty)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"{type(value).__name__} {value!r}"


def _check_shape(path: Path | str, data: dict[str, Any]) -> None:
    """Check that a taxonomy file has the documented shape before it is merged.

    Raises TaxonomyError naming the file and the key path (`categories.x.subcategories.y.
    patterns.zh`) and the shape expected. A pattern list written as a single text is refused
    rather than read character by character.
    """

    def fail(where: str, expected: str, value: Any) -> TaxonomyError:
        return TaxonomyError(
            f"file {path}: `{where}` must be {expected}, but it is {_kind(value)}. "
            "Correct the file (see docs/analysis.md, Per-case extension) and run again."
        )

    def mapping(value: Any, where: str, expected: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(where, expected, value)
        return value

    def texts(value: Any, where: str, expected: str) -> None:
        if not isinstance(value, list):
            raise fail(where, expected, value)
        for i, item in enumerate(value):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                raise fail(f"{where}[{i}]", "a text", item)

    def patterns_of(spec: dict[str, Any], where: str) -> None:
        if spec.get("patterns") is None:
            return
        langs = mapping(
            spec["patterns"], f"{where}.patterns",
            f"a mapping of language ({', '.join(LANGUAGES)}) to a list of patterns",
        )
        for lang, items in langs.items():
            if items is not None:
                texts(items, f"{where}.patterns.{lang}", 'a list of patterns, e.g. ["超生"] (one pattern is a one-item list)')

    entry = "a mapping with `definition` and `patterns` (language: list of patterns)"
    if data.get("fragments") is not None:
        for name, text in mapping(data["fragments"], "fragments", "a mapping of name to pattern").items():
            if not isinstance(text, (str, int, float)) or isinstance(text, bool):
                raise fail(f"fragments.{name}", "a pattern (text)", text)
    if data.get("statuses") is not None:
        for status, spec in mapping(data["statuses"], "statuses", "a mapping of status to its patterns").items():
            patterns_of(mapping(spec, f"statuses.{status}", entry), f"statuses.{status}")
    if data.get("categories") is not None:
        categories = mapping(data["categories"], "categories", "a mapping of category code to its definition")
        for code, spec in categories.items():
            where = f"categories.{code}"
            spec = mapping(spec, where, "a mapping with `label`, `definition` and `subcategories`")
            for key in ("overrides", "overrides_in_text"):
                if spec.get(key) is not None:
                    texts(spec[key], f"{where}.{key}", "a list of category codes")
            if spec.get("subcategories") is None:
                continue
            subs = mapping(spec["subcategories"], f"{where}.subcategories", "a mapping of sub-category to its patterns")
            for sub, sub_spec in subs.items():
                patterns_of(mapping(sub_spec, f"{where}.subcategories.{sub}", entry), f"{where}.subcategories.{sub}")


def merge(base: dict[str, Any], extension: dict[str, Any]) -> dict[str, Any]:
    """Merge a case's taxonomy over the default: categories and sub-categories are merged,
    pattern lists extended (or replaced where a sub-category says `replace: true`)."""
    merged = copy.deepcopy(base)
    merged.setdefault("fragments", {}).update(extension.get("fragments") or {})
    merged.setdefault("statuses", {})
    for status, spec in (extension.get("statuses") or {}).items():
        target = merged["statuses"].setdefault(status, {"patterns": {}})
        _merge_patterns(target, spec)
    for code, spec in (extension.get("categories") or {}).items():
        target = merged["categories"].setdefault(code, {"subcategories": {}})
        for key in ("label", "definition", "overrides", "overrides_in_text"):
            if key in spec:
                target[key] = spec[key]
        subs = target.setdefault("subcategories", {})
        for sub, sub_spec in (spec.get("subcategories") or {}).items():
            sub_target = subs.setdefault(sub, {"patterns": {}})
            if "definition" in sub_spec:
                sub_target["definition"] = sub_spec["definition"]
            _merge_patterns(sub_target, sub_spec)
    return merged


def _merge_patterns(target: dict[str, Any], spec: dict[str, Any]) -> None:
    if spec.get("replace"):
        target["patterns"] = {}
    patterns = target.setdefault("patterns", {})
    for lang, items in (spec.get("patterns") or {}).items():
        patterns.setdefault(lang, [])
        patterns[lang] = list(patterns[lang]) + [p for p in items or [] if p not in patterns[lang]]


def _compile(
    where: str, code: str, sub: str, lang: str, source: str, fragments: dict[str, str]
) -> Pattern:
    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        return fragments[name] if name in fragments else m.group(0)

    text = _fold_pattern(_FRAGMENT.sub(expand, str(source)))
    try:
        regex = re.compile(text, re.IGNORECASE)
    except re.error as error:
        raise TaxonomyError(
            f"file {where}: category {code!r}, sub-category {sub!r}, {lang} pattern {source!r} "
            f"is not a valid regular expression ({error}). Correct it and run again."
        ) from error
    return Pattern(code, sub, lang, str(source), regex)


def load_taxonomy(case_dir: Path | str | None = None, extra: Path | str | None = None) -> Taxonomy:
    """The default taxonomy, merged with `CASE/taxonomy.yaml` if it exists and then `extra`.

    Raises TaxonomyError naming the file and pattern when a pattern does not compile or a
    category is malformed.
    """
    paths = [default_taxonomy_path()]
    if case_dir is not None and (Path(case_dir) / "taxonomy.yaml").exists():
        paths.append(Path(case_dir) / "taxonomy.yaml")
    if extra is not None:
        paths.append(Path(extra))
    data = _read_yaml(paths[0])
    _check_shape(paths[0], data)
    for path in paths[1:]:
        extension = _read_yaml(path)
        _check_shape(path, extension)
        data = merge(data, extension)
    taxonomy = Taxonomy(data=data, sources=[str(p) for p in paths])
    where = " + ".join(taxonomy.sources)
    fragments = {k: _fold_pattern(str(v)) for k, v in (data.get("fragments") or {}).items()}
    if not isinstance(data.get("categories"), dict):
        raise TaxonomyError(f"file {where}: a taxonomy needs a `categories:` mapping.")
    for code, spec in data["categories"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("subcategories"), dict):
            raise TaxonomyError(
                f"file {where}: category {code!r} needs `subcategories:` with patterns."
            )
        for other in list(spec.get("overrides") or ()) + list(spec.get("overrides_in_text") or ()):
            if other not in data["categories"]:
                raise TaxonomyError(
                    f"file {where}: category {code!r} overrides unknown category {other!r}."
                )
        for sub, sub_spec in spec["subcategories"].items():
            for lang, items in ((sub_spec or {}).get("patterns") or {}).items():
                for source in items or ():
                    taxonomy.patterns.append(_compile(where, code, sub, lang, source, fragments))
    for status, spec in (data.get("statuses") or {}).items():
        for lang, items in (spec.get("patterns") or {}).items():
            for source in items or ():
                taxonomy.status_patterns.append(
                    _compile(where, status, status, lang, source, fragments)
                )
    return taxonomy
