"""`import gias`: the real GIAS extract samples, idempotency, newer files, encodings and malformed files."""

from __future__ import annotations

import csv
import datetime as dt
import io

from import_helpers import GIAS_SAMPLE, GIAS_SUBSET, fixture, must_import, run

from workforce.imports.gias import file_date
from workforce.organisations.scope import scope_group_for
from workforce.organisations.tables import LocalAuthority, Region, School, Trust, TrustMembership


async def table_counts() -> dict[str, int]:
    return {t.__name__: await t.count() for t in (Region, LocalAuthority, Trust, School, TrustMembership)}


def gias_rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def gias_date(value: str) -> dt.date | None:
    return dt.datetime.strptime(value, "%d-%m-%Y").date() if value else None


def rewrite(path, changes: dict[str, dict[str, str]]) -> bytes:
    """The file at ``path`` with some cells changed: {URN: {column: new value}}."""
    rows = gias_rows(path)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        row.update(changes.get(row["URN"], {}))
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


async def test_sample_imports_every_establishment_with_its_fields():
    report = await must_import("gias", GIAS_SAMPLE)
    rows = gias_rows(GIAS_SAMPLE)
    assert len(rows) == 99
    assert report.rows_read == 99
    assert report.entities["schools"].created == 99
    assert await School.count() == 99

    schools = {s["urn"]: s for s in await School.select()}
    las = {la["id"]: la for la in await LocalAuthority.select()}
    regions = {r["id"]: r for r in await Region.select()}
    for row in rows:
        school = schools[int(row["URN"])]
        assert school["name"] == row["EstablishmentName"]
        assert school["type_code"] == int(row["TypeOfEstablishment (code)"])
        assert school["scope_group"] == scope_group_for(int(row["TypeOfEstablishment (code)"]))
        assert school["status_code"] == int(row["EstablishmentStatus (code)"])
        assert school["phase"] == row["PhaseOfEducation (name)"]
        assert school["open_date"] == gias_date(row["OpenDate"])
        assert school["close_date"] == gias_date(row["CloseDate"])
        for field, column in (
            ("number_of_pupils", "NumberOfPupils"),
            ("sen_support_pupils", "SENNoStat"),
            ("ehc_plan_pupils", "SENStat"),
        ):
            assert school[field] == (int(row[column]) if row[column] else None), (row["URN"], field)
        provision = row["TypeOfResourcedProvision (name)"]
        assert school["resourced_provision"] == provision.startswith("Resourced provision")
        assert school["sen_unit"] == provision.endswith("SEN unit")
        assert las[school["local_authority"]]["code"] == row["LA (code)"]
        assert las[school["local_authority"]]["name"] == row["LA (name)"]
        assert regions[school["region"]]["code"] == row["GOR (code)"]

    aldgate = schools[100000]
    assert (aldgate["name"], aldgate["scope_group"], aldgate["number_of_pupils"]) == (
        "The Aldgate School",
        "mainstream-maintained",
        276,
    )
    assert las[aldgate["local_authority"]]["name"] == "City of London"
    assert regions[aldgate["region"]]["name"] == "London"
    assert sum(s["resourced_provision"] for s in schools.values()) == 5
    assert sum(s["sen_unit"] for s in schools.values()) == 2


async def test_reimporting_the_same_file_changes_nothing():
    first = await must_import("gias", GIAS_SUBSET)
    counts = await table_counts()
    stamps = {s["urn"]: s["updated_at"] for s in await School.select(School.urn, School.updated_at)}
    memberships = await TrustMembership.select()

    second = await must_import("gias", GIAS_SUBSET)

    assert await table_counts() == counts
    assert second.created == 0 and second.updated == 0
    assert second.unchanged == first.created
    assert {s["urn"]: s["updated_at"] for s in await School.select(School.urn, School.updated_at)} == stamps
    assert await TrustMembership.select() == memberships


async def test_the_larger_sample_twice_leaves_the_same_row_counts():
    await must_import("gias", GIAS_SAMPLE)
    counts = await table_counts()
    again = await must_import("gias", GIAS_SAMPLE)
    assert await table_counts() == counts
    assert again.entities["schools"].unchanged == 99 and again.created == again.updated == 0


async def test_trusts_and_memberships_from_the_extract():
    await must_import("gias", GIAS_SUBSET)
    trusts = {t["uid"]: t for t in await Trust.select()}
    assert trusts["3104"]["name"] == "THE FIRST FEDERATION TRUST"
    assert trusts["3104"]["trust_type"] == "MAT"  # "Supported by a multi-academy trust"
    assert trusts["1579"]["trust_type"] == "OTHER"  # "Supported by a trust" (a foundation trust)
    memberships = await TrustMembership.select(
        TrustMembership.school.urn,
        TrustMembership.trust.uid,
        TrustMembership.joined_on,
        TrustMembership.left_on,
    )
    assert sorted(memberships, key=lambda m: m["school.urn"]) == [
        # joined when the academy opened (01-11-2011); no open date in the file: joining date unknown
        {"school.urn": 124087, "trust.uid": "1579", "joined_on": None, "left_on": None},
        {"school.urn": 137666, "trust.uid": "3104", "joined_on": dt.date(2011, 11, 1), "left_on": None},
    ]


async def test_single_academy_trust_type():
    await must_import("gias", fixture("gias_small.csv"))
    types = {t["uid"]: t["trust_type"] for t in await Trust.select()}
    assert types == {"5001": "MAT", "5002": "SAT"}


async def test_newer_file_updates_schools_in_place_and_moves_a_school_between_trusts(tmp_path):
    await must_import("gias", GIAS_SUBSET)
    before = {s["urn"]: s for s in await School.select()}
    newer = tmp_path / "edubasealldata20250301.csv"
    newer.write_bytes(
        rewrite(
            GIAS_SUBSET,
            {
                "137666": {
                    "NumberOfPupils": "120",
                    "Trusts (code)": "1579",
                    "Trusts (name)": "Tame Valley Co-Operative Learning Trust",
                    "TrustSchoolFlag (name)": "Supported by a trust",
                },
                "124087": {
                    "Trusts (code)": "",
                    "Trusts (name)": "",
                    "TrustSchoolFlag (name)": "Not applicable",
                },
            },
        )
    )

    report = await must_import("gias", newer)

    assert report.entities["schools"].updated == 1
    assert report.entities["schools"].unchanged == 7
    assert report.entities["trust memberships"].updated == 2  # two memberships ended
    assert report.entities["trust memberships"].created == 1
    after = {s["urn"]: s for s in await School.select()}
    assert after.keys() == before.keys()
    assert after[137666]["id"] == before[137666]["id"]
    assert after[137666]["number_of_pupils"] == 120
    assert after[137666]["updated_at"] > before[137666]["updated_at"]
    assert after[100000]["updated_at"] == before[100000]["updated_at"]
    rows = await TrustMembership.select(
        TrustMembership.school.urn,
        TrustMembership.trust.uid,
        TrustMembership.joined_on,
        TrustMembership.left_on,
    )
    on = dt.date(2025, 3, 1)  # the date in the file name
    assert sorted(rows, key=lambda m: (m["school.urn"], m["trust.uid"])) == [
        {"school.urn": 124087, "trust.uid": "1579", "joined_on": None, "left_on": on},
        {"school.urn": 137666, "trust.uid": "1579", "joined_on": on, "left_on": None},
        {"school.urn": 137666, "trust.uid": "3104", "joined_on": dt.date(2011, 11, 1), "left_on": on},
    ]

    again = await must_import("gias", newer)
    assert again.created == again.updated == 0
    assert await TrustMembership.count() == 3


async def test_as_of_overrides_the_membership_date():
    await must_import("gias", GIAS_SUBSET)
    moved = rewrite(GIAS_SUBSET, {"137666": {"Trusts (code)": "1579", "Trusts (name)": "Tame Valley"}})
    await must_import("gias", moved, as_of=dt.date(2024, 4, 1))
    ended = await TrustMembership.select().where(TrustMembership.left_on.is_not_null())
    assert [m["left_on"] for m in ended] == [dt.date(2024, 4, 1)]
    # The trust's name is updated from the newer file too.
    assert await Trust.select(Trust.name).where(Trust.uid == "1579").first() == {"name": "Tame Valley"}


def test_file_date_comes_from_the_option_then_the_file_name_then_today():
    assert file_date("x/edubasealldata20240615.csv", dt.date(2020, 1, 2)) == dt.date(2020, 1, 2)
    assert file_date("x/edubasealldata20240615.csv", None) == dt.date(2024, 6, 15)
    assert file_date("x/extract.csv", None) == dt.date.today()
    assert file_date(b"URN\n", None) == dt.date.today()


async def test_latin1_file_is_read_with_its_accents():
    text = fixture("gias_small.csv").read_text(encoding="utf-8")
    text = text.replace("Oak Primary Academy", "Académie d’Oak")
    report = await must_import("gias", text.encode("cp1252"))
    assert report.rows_read == 5
    name = await School.select(School.name).where(School.urn == 140001).first()
    assert name == {"name": "Académie d’Oak"}

    # ISO-8859-1 with a byte Windows-1252 does not define (0x81) still imports.
    latin1 = text.replace("Académie d’Oak", "Ash \x81 Academy").encode("latin-1", errors="replace")
    assert (await run("gias", latin1)).applied


async def test_only_the_needed_columns_are_required():
    data = b"URN,EstablishmentName,TypeOfEstablishment (code),Unrelated column\n123456,Tiny School,7,x\n"
    await must_import("gias", data)
    school = await School.select().where(School.urn == 123456).first()
    assert (school["name"], school["scope_group"], school["local_authority"]) == (
        "Tiny School",
        "special",
        None,
    )


async def test_a_column_missing_from_a_later_file_leaves_that_field_alone():
    await must_import("gias", GIAS_SUBSET)
    await must_import("gias", b"URN,EstablishmentName,TypeOfEstablishment (code)\n137666,Renamed,34\n")
    school = await School.select().where(School.urn == 137666).first()
    assert school["name"] == "Renamed"
    assert school["number_of_pupils"] == 100  # no NumberOfPupils column: kept
    assert await TrustMembership.count() == 2  # no Trusts (code) column: memberships kept


async def test_missing_urn_column_rejects_the_file():
    data = b"EstablishmentName,TypeOfEstablishment (code)\nA School,1\n"
    report = await run("gias", data)
    assert not report.applied
    assert report.error_lines() == ["row 1, column URN: required column is missing from the header row"]
    assert await School.count() == 0


async def test_bad_rows_are_reported_one_line_each_and_nothing_is_written():
    rows = gias_rows(fixture("gias_small.csv"))
    header = list(rows[0])
    rows[1]["URN"] = "14000X"
    rows[2]["OpenDate"] = "2017-09-01"
    rows[3]["NumberOfPupils"] = "about 200"
    rows[4]["CloseDate"] = "31-02-2020"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

    report = await run("gias", out.getvalue().encode())

    assert not report.applied
    assert report.error_lines() == [
        "row 3, column URN: URN must be 6 digits, got '14000X'",
        "row 4, column OpenDate: date must be DD-MM-YYYY, got '2017-09-01'",
        "row 5, column NumberOfPupils: must be a number of pupils, got 'about 200'",
        "row 6, column CloseDate: '31-02-2020' is not a real date",
    ]
    assert report.summary().startswith("gias import rejected: 4 errors in 4 rows")
    assert await table_counts() == {
        "Region": 0,
        "LocalAuthority": 0,
        "Trust": 0,
        "School": 0,
        "TrustMembership": 0,
    }


async def test_duplicate_urn_is_an_error():
    data = b"URN,EstablishmentName,TypeOfEstablishment (code)\n123456,A,1\n123457,B,1\n123456,C,1\n"
    report = await run("gias", data)
    assert report.error_lines() == ["row 4, column URN: URN 123456 appears again (first on row 2)"]
    assert await School.count() == 0


async def test_a_bad_row_after_thousands_of_good_ones_writes_nothing():
    """The good rows before it are written in chunks inside the transaction, then all rolled back."""
    lines = [
        "URN,EstablishmentName,TypeOfEstablishment (code),LA (code),LA (name),Trusts (code),Trusts (name)"
    ]
    lines += [f"{200000 + i},School {i},34,886,Kent,{7000 + i % 50},Trust {i % 50}" for i in range(4500)]
    lines.append("299999,Last School,not-a-code,886,Kent,,")
    report = await run("gias", "\n".join(lines).encode())
    assert report.rows_read == 4501
    assert report.error_lines() == [
        "row 4502, column TypeOfEstablishment (code): must be a type code, got 'not-a-code'"
    ]
    assert await table_counts() == {
        "Region": 0,
        "LocalAuthority": 0,
        "Trust": 0,
        "School": 0,
        "TrustMembership": 0,
    }


async def test_dry_run_counts_like_a_real_run_and_writes_nothing():
    dry = await run("gias", GIAS_SUBSET, dry_run=True)
    assert dry.ok and not dry.applied
    assert await table_counts() == {
        "Region": 0,
        "LocalAuthority": 0,
        "Trust": 0,
        "School": 0,
        "TrustMembership": 0,
    }
    real = await must_import("gias", GIAS_SUBSET)
    assert dry.entities == real.entities
    assert "dry run" in dry.summary()


async def test_a_file_that_is_not_csv_is_rejected_with_a_clear_line():
    data = (
        b"URN,EstablishmentName,TypeOfEstablishment (code)\n123456,A,1\n123457,B"
        + b"x" * (17 * 1024 * 1024)
        + b",1\n"
    )
    report = await run("gias", data)
    assert not report.applied
    assert report.error_lines() == [
        "row 3, column (file): this is not a readable CSV file: field larger than field limit (16777216)"
    ]
    assert await School.count() == 0
