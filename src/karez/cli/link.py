"""`karez link CASE` and `karez review CASE`: who is the same person, and the reviewer's say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

import karez.link  # noqa: F401  (light: registers the hook that clears link rows on `karez remove`)
from karez.cli.common import console, print_json


def _mention_panel(card: dict[str, Any], title: str) -> Any:
    from rich.table import Table

    table = Table(title=title, show_header=False, title_justify="left", expand=True)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    reading = " (machine reading of the characters)" if card.get("machine_reading") else ""
    rows = [
        ("name as written", card.get("name")),
        (f"Latin (ULY){reading}", card.get("uly")),
        (f"Uyghur Arabic{reading}", card.get("arabic")),
        (f"Cyrillic{reading}", card.get("cyrillic")),
        ("role", card.get("role")),
        ("ID number", card.get("id_number")),
        ("birth date", f"{card['birth_date']} ({card['birth_date_precision']})" if card.get("birth_date") else None),
        ("age", card.get("age")),
        ("sex", card.get("sex")),
        ("village / township", " / ".join(str(v) for v in (card.get("village"), card.get("township")) if v) or None),
        ("address", card.get("address")),
        ("condition stated", "; ".join(card.get("conditions") or []) or None),
        ("whereabouts (karez's reading)", (card.get("whereabouts") or "").replace("_", " ") or None),
        ("relatives stated", "; ".join(f"{r['relationship']}: {r['name']}" for r in card.get("relatives", [])) or None),
        ("source", card.get("file")),
        ("where", ", ".join(f"{label} {card[k]}" for k, label in (("sheet", "sheet"), ("page", "page"), ("row_number", "row")) if card.get(k) is not None)),
        ("mention", card.get("mention_id")),
    ]
    for field, value in rows:
        table.add_row(field, "" if value is None else str(value))
    return table


def _show_pair(case: Any, item: dict[str, Any]) -> None:
    from rich.columns import Columns

    from karez.link import mention_card

    left = mention_card(case, item["mention_l"])
    right = mention_card(case, item["mention_r"])
    console.rule(f"pair {item['pair_id']}  match probability {item['match_probability']:.3f}")
    console.print(Columns([_mention_panel(left, "mention A"), _mention_panel(right, "mention B")], equal=True, expand=True))
    drivers = sorted(item["explanation"].items(), key=lambda kv: -abs(kv[1].get("weight") or 0.0))
    for name, part in drivers:
        weight = part.get("weight") or 0.0
        console.print(f"  {name:<10} {weight:+7.2f}  {part.get('level')}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the top-level `link` and `review` commands to the karez CLI."""

    @app.command("link")
    def link_command(
        case_path: Path = typer.Argument(..., help="The case folder."),
        threshold: float = typer.Option(0.75, "--threshold", help="Pairs at or above this match probability join a person."),
        engine: str = typer.Option("duckdb", "--engine", help="The linkage engine (duckdb)."),
        reuse_model: bool = typer.Option(False, "--reuse-model", help="Score with the last saved model instead of training."),
        no_assign: bool = typer.Option(
            False, "--no-assign",
            help="Do not join mentions left alone to a person that dominates their other candidates, "
            "nor the people of two linked records to each other.",
        ),
        show: int = typer.Option(20, "--show", help="How many persons found in several sources to print."),
        json_output: bool = typer.Option(False, "--json", help="Print the run's figures and persons as JSON."),
    ) -> None:
        """Link every mention of the case within and across sources: train the model,
        score candidate pairs, cluster them into persons (reviewer decisions kept),
        store the results and record the run in the ledger."""
        from rich.table import Table

        from karez.custody import Case
        from karez.link import link

        with Case.open(case_path) as case:
            result = link(case, threshold=threshold, engine=engine, retrain=not reuse_model, assign=not no_assign)
        persons = result.multi_source_persons()
        if json_output:
            print_json({**result.summary(), "persons_found_in_several_sources": persons})
            return
        summary = result.summary()
        console.print(
            f"{summary['mentions']:,} mentions -> {summary['persons']:,} persons; "
            f"{summary['pairs']:,} scored pairs kept; {len(persons):,} persons found in more than one source; "
            f"{summary['merges_refused']:,} merges refused (same record or reviewer); "
            f"{summary['assigned']:,} mentions left alone joined a person that dominated their other candidates "
            "or a relative named in a linked record",
            markup=False, highlight=False,
        )
        if persons and show:
            table = Table(title="found in more than one source")
            table.add_column("person")
            table.add_column("sources")
            table.add_column("names as written")
            for person in persons[:show]:
                table.add_row(person["person_id"], ", ".join(person["sources"]), " | ".join(person["names"] or []))
            console.print(table)

    @app.command("review")
    def review_command(
        case_path: Path = typer.Argument(..., help="The case folder."),
        accept: str | None = typer.Option(None, "--accept", help="Record that PAIR's two mentions are the same person."),
        reject: str | None = typer.Option(None, "--reject", help="Record that PAIR's two mentions are different people."),
        undo: bool = typer.Option(False, "--undo", help="Undo the latest decision (or the latest on --pair)."),
        pair: str | None = typer.Option(None, "--pair", help="With --undo: the pair whose decision to undo; alone: show it."),
        note: str | None = typer.Option(None, "--note", help="A note kept with the decision."),
        list_queue: bool = typer.Option(False, "--list", help="List the queue of uncertain pairs and exit."),
        limit: int = typer.Option(20, "--limit", help="How many pairs to list or review."),
        json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Review uncertain pairs: interactively (both mentions side by side), or with
        --accept PAIR / --reject PAIR / --undo. Every decision goes to the ledger and
        survives re-running `karez link`."""
        from karez.custody import Case
        from karez.link import review

        with Case.open(case_path) as case:
            if accept or reject or undo:
                if sum(bool(x) for x in (accept, reject, undo)) > 1:
                    raise typer.BadParameter("give one of --accept, --reject or --undo")
                if accept:
                    result = review.accept(case, accept, note=note)
                elif reject:
                    result = review.reject(case, reject, note=note)
                else:
                    result = review.undo(case, pair)
                if json_output:
                    print_json(result)
                else:
                    what = result.get("decision") or f"undid {result.get('undone')}"
                    console.print(f"{what}: {result['pair_id']} -> {result['persons']:,} persons", markup=False)
                return
            if pair:
                items = [item for item in review.queue(case, limit=1_000_000) if item["pair_id"].startswith(pair)]
                if not items:
                    raise review.ReviewError(f"pair {pair!r} is not in the review queue of {case_path}")
            else:
                items = review.queue(case, limit=limit)
            if list_queue or json_output:
                if json_output:
                    print_json(items)
                    return
                for item in items:
                    console.print(
                        f"{item['pair_id']}  p={item['match_probability']:.3f}  "
                        f"informativeness={item['informativeness']:.2f}  {item['mention_l']}  {item['mention_r']}",
                        markup=False, highlight=False,
                    )
                return
            _interactive(case, items)


def _interactive(case: Any, items: list[dict[str, Any]]) -> None:
    from rich.prompt import Prompt

    from karez.link import review

    if not items:
        console.print("The review queue is empty.")
        return
    for item in items:
        _show_pair(case, item)
        answer = Prompt.ask(
            "same person? [a]ccept / [r]eject / [s]kip / [u]ndo last / [q]uit",
            choices=["a", "r", "s", "u", "q"], default="s",
        )
        if answer == "q":
            return
        if answer == "a":
            result = review.accept(case, item["pair_id"])
        elif answer == "r":
            result = review.reject(case, item["pair_id"])
        elif answer == "u":
            result = review.undo(case)
        else:
            continue
        console.print(f"recorded; {result['persons']:,} persons now", markup=False)
