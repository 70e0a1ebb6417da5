"""Mapping files: declarative YAML saying what a source's columns mean (docs/mapping.md).

Validation is strict and helpful: an unknown key or a column that does not exist is an
error naming the mapping file, the key, and the closest valid choice.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from karez.errors import MappingError

PERSON_FIELDS = (
    "name",
    "id_number",
    "birth_date",
    "sex",
    "age",
    "ethnicity",
    "address",
    "township",
    "village",
    "phone",
    "employer",
    "note",
)
ROLES = ("subject", "relative", "neighbour", "witness", "other")
EVENT_TYPES = ("detention", "transfer", "sentence", "release", "status", "other")
CELL_GROUPS = (*PERSON_FIELDS, "relationship", "status")
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "parquet", "pdf")

# Relationships as commonly written, coded to a small vocabulary; the text is always kept too.
DEFAULT_RELATIONSHIPS = {
    "父亲": "father", "父": "father", "爸爸": "father", "father": "father",
    "母亲": "mother", "母": "mother", "妈妈": "mother", "mother": "mother",
    "妻子": "spouse", "丈夫": "spouse", "配偶": "spouse", "妻": "spouse", "夫": "spouse", "老婆": "spouse",
    "wife": "spouse", "husband": "spouse", "spouse": "spouse",
    "儿子": "son", "子": "son", "长子": "son", "次子": "son", "son": "son",
    "女儿": "daughter", "女": "daughter", "长女": "daughter", "次女": "daughter", "daughter": "daughter",
    "哥哥": "brother", "弟弟": "brother", "兄": "brother", "弟": "brother", "brother": "brother",
    "姐姐": "sister", "妹妹": "sister", "姐": "sister", "妹": "sister", "sister": "sister",
    "祖父": "grandfather", "爷爷": "grandfather", "grandfather": "grandfather",
    "祖母": "grandmother", "奶奶": "grandmother", "grandmother": "grandmother",
    "孙子": "grandson", "孙女": "granddaughter",
    "儿媳": "daughter_in_law", "女婿": "son_in_law",
    "邻居": "neighbour", "neighbour": "neighbour", "neighbor": "neighbour",
    "朋友": "acquaintance", "熟人": "acquaintance", "friend": "acquaintance",
}


@dataclass(frozen=True)
class ValueSpec:
    """Where a value comes from: a column (optionally a regex group) or a constant."""

    column: str | None = None
    value: str | None = None
    values: dict[str, str] | None = None  # recoding of values as written
    kind: str | None = None  # age: full | nominal


@dataclass(frozen=True)
class CellSpec:
    column: str
    split: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class PersonSpec:
    role: str
    key: str
    fields: dict[str, ValueSpec]
    from_cell: CellSpec | None = None
    relation_to: str | None = None
    relationship_values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationSpec:
    from_key: str
    to_key: str
    relationship: ValueSpec


@dataclass(frozen=True)
class EventSpec:
    type: str
    person: str
    date: ValueSpec | None
    facility: ValueSpec | None
    status: ValueSpec | None
    detail: ValueSpec | None


@dataclass(frozen=True)
class ClassificationSpec:
    scheme: str
    person: str
    value: ValueSpec


@dataclass(frozen=True)
class ReasonSpec:
    person: str
    text: ValueSpec
    split: str | None


@dataclass(frozen=True)
class NoteSpec:
    person: str | None
    kind: str
    text: ValueSpec


@dataclass(frozen=True)
class SourceOptions:
    format: str | None = None
    encoding: str | None = "auto"
    delimiter: str | None = "auto"
    sheet: str | int | None = None
    header_row: int = 1
    header_names: list[str] | None = None
    skip_rows_matching: str | None = None
    records_path: str | None = None


@dataclass(frozen=True)
class Mapping:
    path: Path
    text: str
    sha256: str
    name: str
    source: SourceOptions
    persons: list[PersonSpec]
    relations: list[RelationSpec]
    events: list[EventSpec]
    classifications: list[ClassificationSpec]
    reasons: list[ReasonSpec]
    notes: list[NoteSpec]

    def columns(self) -> dict[str, str]:
        """Every column the mapping reads -> the key that names it (for error messages)."""
        used: dict[str, str] = {}

        def add(spec: ValueSpec | None, where: str) -> None:
            if spec is not None and spec.column is not None:
                used.setdefault(spec.column, where)

        for i, person in enumerate(self.persons):
            for name, spec in person.fields.items():
                add(spec, f"persons[{i}].fields.{name}")
            if person.from_cell:
                used.setdefault(person.from_cell.column, f"persons[{i}].from_cell.column")
        for i, relation in enumerate(self.relations):
            add(relation.relationship, f"relations[{i}].relationship")
        for i, event in enumerate(self.events):
            for name in ("date", "facility", "status", "detail"):
                add(getattr(event, name), f"events[{i}].{name}")
        for i, item in enumerate(self.classifications):
            add(item.value, f"classifications[{i}].value")
        for i, reason in enumerate(self.reasons):
            add(reason.text, f"reasons[{i}].text")
        for i, note in enumerate(self.notes):
            add(note.text, f"notes[{i}].text")
        return used

    def check_columns(self, headers: list[str], *, where: str) -> None:
        """Every column the mapping names exists; else name the closest real one."""
        for column, key in self.columns().items():
            if column not in headers:
                close = difflib.get_close_matches(column, headers, n=1, cutoff=0.3)
                suggestion = f"; did you mean {close[0]!r}?" if close else ""
                raise MappingError(
                    f"mapping {self.path.name}: {key} names column {column!r}, which {where} does not have"
                    f"{suggestion} (columns: {', '.join(headers[:30])})"
                )


def _shown(value: Any) -> str:
    """A wrong value in a message: scalars as written, containers by their kind."""
    if isinstance(value, dict):
        return "a mapping of keys"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return f"{value!r} ({type(value).__name__})"


# source.delimiter: "auto", one character, or a tab written as the escape '\t' or 'tab'.
TAB_SPELLINGS = ("\\t", "tab")


class _Checker:
    """Walks the YAML with a path, so every error names the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> MappingError:
        return MappingError(f"mapping {self.path.name}: {where}: {message}")

    def keys(self, block: Any, where: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(block, dict):
            raise self.fail(where, f"expected a mapping of keys, got {type(block).__name__}")
        for key in block:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (allowed: {', '.join(allowed)})"
                raise self.fail(where, f"unknown key {key!r}{hint}")
        for key in required:
            if key not in block:
                raise self.fail(where, f"missing key {key!r}")
        return block

    def items(self, block: Any, where: str, what: str) -> list[Any]:
        """A block that must be a list (absent or empty: no items)."""
        if block is None:
            return []
        if not isinstance(block, list):
            raise self.fail(where, f"expected a list of {what}, got {_shown(block)}")
        return block

    def value(self, block: Any, where: str) -> ValueSpec:
        if isinstance(block, str):
            return ValueSpec(column=block)
        block = self.keys(block, where, ("column", "value", "values", "kind"))
        if ("column" in block) == ("value" in block):
            raise self.fail(where, "give exactly one of 'column' or 'value'")
        kind = block.get("kind")
        if kind is not None and kind not in ("full", "nominal"):
            raise self.fail(where, f"kind must be 'full' or 'nominal', not {kind!r}")
        values = block.get("values")
        if values is not None and not isinstance(values, dict):
            raise self.fail(where + ".values", "expected a mapping of written value -> coded value")
        return ValueSpec(
            column=None if block.get("column") is None else str(block["column"]).strip(),
            value=None if block.get("value") is None else str(block["value"]),
            values=None if values is None else {str(k): str(v) for k, v in values.items()},
            kind=kind,
        )

    def regex(self, text: Any, where: str) -> re.Pattern[str]:
        try:
            return re.compile(str(text))
        except re.error as error:
            raise self.fail(where, f"invalid regular expression: {error}") from error

    def sql_regex(self, text: Any, where: str) -> None:
        """A regular expression the store runs (DuckDB's RE2), checked now rather than
        failing half-way through an ingest: RE2 has no look-around and no back-references."""
        self.regex(text, where)
        import duckdb

        try:
            duckdb.connect().execute("SELECT regexp_matches('', ?)", [str(text)])
        except duckdb.Error as error:
            raise self.fail(
                where,
                "a regular expression the store cannot run (it uses RE2: no look-ahead, look-behind "
                f"or back-references): {str(error).splitlines()[0]}",
            ) from error


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file."""
    if not path.is_file():
        raise MappingError(f"mapping file {path} not found")
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8-sig")
        data = yaml.safe_load(text)
    except UnicodeDecodeError as error:
        raise MappingError(f"mapping {path.name} must be UTF-8 text") from error
    except yaml.YAMLError as error:
        raise MappingError(f"mapping {path.name} is not valid YAML: {error}") from error
    check = _Checker(path)
    top = check.keys(
        data,
        "top level",
        ("karez_mapping", "name", "description", "source", "persons", "relations", "events",
         "classifications", "reasons", "notes"),
        ("karez_mapping", "persons"),
    )
    if top["karez_mapping"] != 1:
        raise check.fail("karez_mapping", f"unsupported version {top['karez_mapping']!r} (this karez reads 1)")

    source_block = check.keys(
        top.get("source") or {},
        "source",
        ("format", "encoding", "delimiter", "sheet", "header_row", "header_names", "skip_rows_matching", "records_path"),
    )
    fmt = source_block.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise check.fail("source.format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    header_row = source_block.get("header_row", 1)
    if not isinstance(header_row, int) or header_row < 1:
        raise check.fail("source.header_row", "must be a row number starting at 1")
    if source_block.get("skip_rows_matching"):
        check.sql_regex(source_block["skip_rows_matching"], "source.skip_rows_matching")
    delimiter = source_block.get("delimiter", "auto")
    if delimiter is None:
        delimiter = "auto"
    if not isinstance(delimiter, str) or not (
        delimiter == "auto" or delimiter in TAB_SPELLINGS or (len(delimiter) == 1 and delimiter not in '"\r\n')
    ):
        raise check.fail(
            "source.delimiter",
            f"{_shown(delimiter)} is not a delimiter; give exactly one character in quotes "
            '(",", ";", "|", "\\t" for a tab) or auto, and no quote mark or line break',
        )
    header_list = check.items(source_block.get("header_names"), "source.header_names", "column names, one per column")
    for i, name in enumerate(header_list):
        if isinstance(name, (dict, list)) or name is None:
            raise check.fail(f"source.header_names[{i}]", f"expected a column name, got {_shown(name)}")
    source = SourceOptions(
        format=fmt,
        encoding=source_block.get("encoding", "auto"),
        delimiter=delimiter,
        sheet=source_block.get("sheet"),
        header_row=header_row,
        header_names=None if source_block.get("header_names") is None else [str(h) for h in header_list],
        skip_rows_matching=source_block.get("skip_rows_matching"),
        records_path=source_block.get("records_path"),
    )

    persons: list[PersonSpec] = []
    raw_persons = top["persons"]
    if not isinstance(raw_persons, list) or not raw_persons:
        raise check.fail("persons", "expected a non-empty list")
    for i, block in enumerate(raw_persons):
        where = f"persons[{i}]"
        block = check.keys(block, where, ("role", "key", "fields", "from_cell", "relation_to", "relationship_values"), ("role",))
        role = block["role"]
        if role not in ROLES:
            raise check.fail(where + ".role", f"{role!r} is not one of {', '.join(ROLES)}")
        fields_block = check.keys(block.get("fields") or {}, where + ".fields", PERSON_FIELDS)
        fields = {name: check.value(spec, f"{where}.fields.{name}") for name, spec in fields_block.items()}
        cell = None
        if "from_cell" in block:
            cell_block = check.keys(block["from_cell"], where + ".from_cell", ("column", "split", "pattern"), ("column", "pattern"))
            pattern = check.regex(cell_block["pattern"], where + ".from_cell.pattern")
            unknown = set(pattern.groupindex) - set(CELL_GROUPS)
            if unknown:
                raise check.fail(where + ".from_cell.pattern", f"unknown group(s) {sorted(unknown)}; groups may be {', '.join(CELL_GROUPS)}")
            split = str(cell_block.get("split", r"[；;\n]+"))
            check.regex(split, where + ".from_cell.split")
            cell = CellSpec(str(cell_block["column"]).strip(), split, pattern)
        elif not fields:
            raise check.fail(where, "a person needs 'fields' or 'from_cell'")
        rel_values = block.get("relationship_values") or {}
        if not isinstance(rel_values, dict):
            raise check.fail(where + ".relationship_values", "expected a mapping")
        persons.append(
            PersonSpec(
                role=role,
                key=str(block.get("key", role)),
                fields=fields,
                from_cell=cell,
                relation_to=block.get("relation_to"),
                relationship_values={str(k): str(v) for k, v in rel_values.items()},
            )
        )
    keys = [p.key for p in persons]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise check.fail("persons", f"two persons share the key {sorted(duplicates)[0]!r}; give each a distinct 'key'")

    def person_ref(value: Any, where: str) -> str:
        if value not in keys:
            close = difflib.get_close_matches(str(value), keys, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (persons: {', '.join(keys)})"
            raise check.fail(where, f"no person with key {value!r}{hint}")
        return str(value)

    for i, person in enumerate(persons):
        if person.relation_to is not None:
            person_ref(person.relation_to, f"persons[{i}].relation_to")

    relations = []
    for i, block in enumerate(check.items(top.get("relations"), "relations", "relations (from, to, relationship)")):
        where = f"relations[{i}]"
        block = check.keys(block, where, ("from", "to", "relationship"), ("from", "to", "relationship"))
        relations.append(
            RelationSpec(person_ref(block["from"], where + ".from"), person_ref(block["to"], where + ".to"),
                         check.value(block["relationship"], where + ".relationship"))
        )
    events = []
    for i, block in enumerate(check.items(top.get("events"), "events", "events (type, person, ...)")):
        where = f"events[{i}]"
        block = check.keys(block, where, ("type", "person", "date", "facility", "status", "detail"), ("type", "person"))
        if block["type"] not in EVENT_TYPES:
            raise check.fail(where + ".type", f"{block['type']!r} is not one of {', '.join(EVENT_TYPES)}")
        events.append(
            EventSpec(
                block["type"],
                person_ref(block["person"], where + ".person"),
                *(check.value(block[k], f"{where}.{k}") if k in block else None for k in ("date", "facility", "status", "detail")),
            )
        )
    classifications = []
    for i, block in enumerate(check.items(top.get("classifications"), "classifications", "classifications (scheme, person, value)")):
        where = f"classifications[{i}]"
        block = check.keys(block, where, ("scheme", "person", "value"), ("scheme", "person", "value"))
        classifications.append(
            ClassificationSpec(str(block["scheme"]), person_ref(block["person"], where + ".person"), check.value(block["value"], where + ".value"))
        )
    reasons = []
    for i, block in enumerate(check.items(top.get("reasons"), "reasons", "reasons (person, text)")):
        where = f"reasons[{i}]"
        block = check.keys(block, where, ("person", "text", "split"), ("person", "text"))
        if block.get("split"):
            check.sql_regex(block["split"], where + ".split")
        reasons.append(ReasonSpec(person_ref(block["person"], where + ".person"), check.value(block["text"], where + ".text"), block.get("split")))
    notes = []
    for i, block in enumerate(check.items(top.get("notes"), "notes", "notes (kind, text)")):
        where = f"notes[{i}]"
        block = check.keys(block, where, ("person", "kind", "text"), ("kind", "text"))
        person = person_ref(block["person"], where + ".person") if block.get("person") is not None else None
        notes.append(NoteSpec(person, str(block["kind"]), check.value(block["text"], where + ".text")))

    return Mapping(
        path=path,
        text=text,
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        name=str(top.get("name") or path.stem),
        source=source,
        persons=persons,
        relations=relations,
        events=events,
        classifications=classifications,
        reasons=reasons,
        notes=notes,
    )
