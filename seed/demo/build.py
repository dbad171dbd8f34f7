"""Regenerate the demo CSVs in this folder: `python seed/demo/build.py`.

The demo is one multi-academy trust (Riverside Learning Trust, 7 schools across phases including a special school,
an alternative-provision academy and a 16-19 academy) and one maintained school, staffed so that the demo shows
both compliant schools and real gaps on 23 November 2026:

- Riverside Primary Academy (149001): compliant — qualified SENCO on the senior team, CPD done, SEND governor.
- Hillcrest Primary Academy (149002): gaps — Ms A Khan became SENCO on 3 January 2023 with no NPQ for SENCOs,
  a teacher of the hearing-impaired resourced provision without the mandatory qualification, missing CPD,
  no SEND governor, very few TAs.
- Riverside Secondary Academy (149003): due soon — SENCO's deadline in March 2027, a new head appointed
  September 2026 without a SEND qualification yet.
- Meadow View Special Academy (149004): SENCO rules not applicable; MQ visual held, MQ multi-sensory in progress.
- Oakfield Infant Academy (149005): shares Riverside Primary's SENCO.
- Riverside Sixth Form College Academy (149006): CPD rules only.
- Tyneside Learning Centre (149007): alternative provision, SENCO advisory only.
- St Anne's CE Primary School (118990, maintained): SENCO exempt (served before September 2009).
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent

FIRST = ["Amelia", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hannah", "Isaac", "Jasmine", "Kwame",
         "Laura", "Mohammed", "Nina", "Oliver", "Priya", "Quentin", "Rosa", "Samuel", "Tara", "Usman", "Vera",
         "William", "Xin", "Yusuf", "Zara"]
LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Kaur",
        "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Usher", "Vaughan",
        "Walker", "Young"]

staff_rows: list[dict] = []
qual_rows: list[dict] = []
cpd_rows: list[dict] = []
placement_rows: list[dict] = []
governance_rows: list[dict] = []
_counter = {"staff": 0, "trn": 2400000, "cpd": 0}


def person(*, title="", first=None, last=None, qts=True) -> dict:
    n = _counter["staff"]
    _counter["staff"] += 1
    _counter["trn"] += 137
    return {
        "staff_id": f"RLT{n + 1:04d}",
        "trn": str(_counter["trn"]) if qts else "",
        "title": title or ("Ms" if n % 2 else "Mr"),
        "first_name": first or FIRST[n % len(FIRST)],
        "last_name": last or LAST[(n * 7) % len(LAST)],
        "email": "",
        "qts": "yes" if qts else "no",
    }


def post(p: dict, *, role, start, school="", trust="", fte="1", slt="no", senco_fte="", sensory="",
         sensory_since="", end="", exempt="", served_from="", served_to="") -> dict:
    p["email"] = f"{p['first_name'].lower()}.{p['last_name'].lower()}@riverside.example"
    row = dict(p)
    row.update({
        "school_urn": school, "trust_uid": trust, "role": role, "fte": fte, "start_date": start,
        "end_date": end, "senior_leader": slt, "senco_fte": senco_fte, "sensory_class": sensory,
        "sensory_class_since": sensory_since, "senco_exempt": exempt, "senco_served_from": served_from,
        "senco_served_to": served_to,
    })
    staff_rows.append(row)
    return p


def qual(p, kind, status, *, start="", award="", provider="") -> None:
    qual_rows.append({"staff_id": p["staff_id"], "qualification": kind, "status": status, "provider": provider,
                      "start_date": start, "award_date": award})


def cpd(p, date, title, *, hours="3", area="general", status="verified", provider="Riverside Learning Trust",
        mandatory="no", reflection="") -> None:
    _counter["cpd"] += 1
    cpd_rows.append({"staff_id": p["staff_id"], "record_id": f"CPD{_counter['cpd']:05d}", "title": title,
                     "provider": provider, "date": date, "hours": hours, "send": "yes", "send_area": area,
                     "mandatory_module": mandatory, "evidence_ref": f"EV-{_counter['cpd']:05d}",
                     "reflection": reflection, "status": status})


def team(school: int, *, teachers: int, tas: int, cpd_done: int, since="2019-09-01", ta_fte="0.8") -> list[dict]:
    """Class teachers and TAs; the first `cpd_done` of them have SEND CPD this academic year."""
    people = []
    for i in range(teachers):
        people.append(post(person(), role="teacher", school=str(school), start=since,
                           fte="0.6" if i == 1 else "1"))
    for _ in range(tas):
        people.append(post(person(qts=False), role="ta", school=str(school), start=since, fte=ta_fte))
    for i, p in enumerate(people):
        cpd(p, "2025-11-12", "Adaptive teaching for pupils with SEND", area="cognition-and-learning")
        if i < cpd_done:
            cpd(p, f"2026-{9 + i % 3:02d}-{10 + i:02d}", "Autism awareness: communication and interaction",
                area="communication-and-interaction", hours="2",
                reflection="Used visual timetables with two pupils; fewer transitions missed.")
    return people


# --- Riverside Learning Trust: central team and trustees --------------------------------------------------
ceo = post(person(title="Dr", first="Helen", last="Carter"), role="trust-leader", trust="17001", start="2018-09-01",
           slt="yes")
qual(ceo, "npq-headship", "passed", start="2012-10-01", award="2014-06-30")
send_lead = post(person(title="Mrs", first="Joanna", last="Pike"), role="trust-leader", trust="17001",
                 start="2020-01-06", slt="yes", fte="0.6")
qual(send_lead, "nasenco", "passed", start="2013-09-01", award="2015-07-10", provider="University of Northumbria")
for name, role, send, expertise in [
    ("Sir Peter Lang", "chair", "no", ""),
    ("Dr Amina Yusuf", "trustee", "yes", "Consultant paediatrician; parent of a child with an EHC plan"),
    ("Mark Ellison", "trustee", "no", ""),
]:
    governance_rows.append({"name": name, "school_urn": "", "trust_uid": "17001", "role": role,
                            "send_responsibility": send, "send_expertise": expertise,
                            "start_date": "2022-09-01", "end_date": ""})

# --- 149001 Riverside Primary Academy: compliant ------------------------------------------------------------
head = post(person(title="Mrs", first="Sarah", last="Whitfield"), role="headteacher", school="149001",
            start="2019-09-01", slt="yes")
qual(head, "npq-headship", "passed", start="2016-10-01", award="2018-06-30")
senco1 = post(person(title="Mr", first="Tom", last="Hadley"), role="senco", school="149001", start="2020-09-01",
              slt="yes", senco_fte="0.6", fte="0.8")
post(senco1, role="senco", school="149005", start="2022-09-01", fte="0.2", senco_fte="0.2")  # shared SENCO
qual(senco1, "npq-senco", "passed", start="2021-10-01", award="2023-07-14", provider="Best Practice Network")
cpd(senco1, "2026-10-02", "Trust SENCO network: EHC plan reviews", area="general")
team(149001, teachers=6, tas=5, cpd_done=11)
governance_rows.append({"name": "Grace Obi", "school_urn": "149001", "trust_uid": "", "role": "governor",
                        "send_responsibility": "yes", "send_expertise": "Former special school teacher",
                        "start_date": "2021-09-01", "end_date": ""})

# --- 149002 Hillcrest Primary Academy: gaps ------------------------------------------------------------------
head2 = post(person(title="Mr", first="David", last="Osei"), role="headteacher", school="149002",
             start="2017-04-01", slt="yes")
khan = post(person(title="Ms", first="Aisha", last="Khan"), role="senco", school="149002", start="2023-01-03",
            senco_fte="0.2", fte="1")
qual(khan, "npq-senco", "withdrawn", start="2023-10-01", provider="Ambition Institute")
hi_teacher = post(person(title="Mr", first="Owen", last="Price"), role="teacher", school="149002",
                  start="2021-09-01", sensory="hearing", sensory_since="2021-09-01")
team(149002, teachers=5, tas=1, cpd_done=2, ta_fte="0.5")
governance_rows.append({"name": "Paul Dent", "school_urn": "149002", "trust_uid": "", "role": "chair",
                        "send_responsibility": "no", "send_expertise": "", "start_date": "2020-09-01",
                        "end_date": ""})

# --- 149003 Riverside Secondary Academy: due soon ------------------------------------------------------------
head3 = post(person(title="Ms", first="Rachel", last="Ngata"), role="headteacher", school="149003",
             start="2026-09-01", slt="yes")
qual(head3, "npq-headship", "passed", start="2022-10-01", award="2024-06-30")
dep3 = post(person(title="Mr", first="Liam", last="Foster"), role="deputy-head", school="149003",
            start="2015-09-01", slt="yes")
qual(dep3, "nasenco", "passed", start="2011-09-01", award="2013-07-01")
senco3 = post(person(title="Mrs", first="Priya", last="Raman"), role="senco", school="149003", start="2024-03-01",
              senco_fte="1.0")
qual(senco3, "npq-senco", "in-progress", start="2025-10-01", provider="UCL Centre for Inclusive Education")
team(149003, teachers=9, tas=4, cpd_done=10, since="2016-09-01")
ect = post(person(title="Ms", first="Bethany", last="Cole"), role="teacher", school="149003", start="2025-09-01")
placement_rows.append({"staff_id": ect["staff_id"], "route": "ITT", "host_urn": "149004",
                       "start_date": "2025-01-06", "end_date": "2025-02-14", "days": "25"})
ect2 = post(person(title="Mr", first="Jamal", last="Reid"), role="teacher", school="149003", start="2025-09-01")
placement_rows.append({"staff_id": ect2["staff_id"], "route": "ITT", "host_urn": "149001",
                       "start_date": "2025-02-24", "end_date": "2025-04-04", "days": "28"})
governance_rows.append({"name": "Imran Shah", "school_urn": "149003", "trust_uid": "", "role": "governor",
                        "send_responsibility": "yes", "send_expertise": "Dyslexia Association volunteer",
                        "start_date": "2023-09-01", "end_date": ""})

# --- 149004 Meadow View Special Academy --------------------------------------------------------------------
head4 = post(person(title="Mrs", first="Lucy", last="Armstrong"), role="headteacher", school="149004",
             start="2014-09-01", slt="yes")
qual(head4, "send-leadership", "passed", start="2015-09-01", award="2016-07-01")
vi = post(person(title="Ms", first="Nadia", last="Bell"), role="teacher", school="149004", start="2018-09-01",
          sensory="visual", sensory_since="2018-09-01")
qual(vi, "mq-visual", "passed", start="2018-10-01", award="2020-07-01", provider="University of Birmingham")
msi = post(person(title="Mr", first="Ravi", last="Menon"), role="teacher", school="149004", start="2024-09-02",
           sensory="multi-sensory", sensory_since="2024-09-02")
qual(msi, "mq-multi-sensory", "in-progress", start="2025-01-13", provider="University of Birmingham")
team(149004, teachers=6, tas=12, cpd_done=18, since="2017-09-01", ta_fte="1")
governance_rows.append({"name": "Helen Marsh", "school_urn": "149004", "trust_uid": "", "role": "governor",
                        "send_responsibility": "yes", "send_expertise": "Parent of a pupil at the school",
                        "start_date": "2024-01-15", "end_date": ""})

# --- 149005 Oakfield Infant Academy (shares the Riverside Primary SENCO) --------------------------------------
head5 = post(person(title="Mr", first="Colin", last="Ward"), role="headteacher", school="149005",
             start="2018-09-01", slt="yes")
team(149005, teachers=4, tas=3, cpd_done=5)

# --- 149006 Riverside Sixth Form College Academy: CPD rules only ---------------------------------------------
head6 = post(person(title="Dr", first="Alan", last="Pryce"), role="headteacher", school="149006",
             start="2019-09-01", slt="yes")
team(149006, teachers=6, tas=1, cpd_done=3, since="2019-09-01")

# --- 149007 Tyneside Learning Centre: alternative provision, no SENCO (advisory) -----------------------------
head7 = post(person(title="Ms", first="Joy", last="Adeyemi"), role="headteacher", school="149007",
             start="2021-01-04", slt="yes")
team(149007, teachers=3, tas=3, cpd_done=6, since="2020-09-01")

# --- 118990 St Anne's CE Primary School (maintained, Gateshead) ----------------------------------------------
head8 = post(person(title="Mrs", first="Catherine", last="Lowe"), role="headteacher", school="118990",
             start="2026-09-01", slt="yes")
qual(head8, "npq-senco", "passed", start="2019-10-01", award="2021-07-01")
senco8 = post(person(title="Mrs", first="Margaret", last="Doyle"), role="senco", school="118990",
              start="2004-09-01", senco_fte="0.4", slt="yes", exempt="yes", served_from="2004-09-01",
              served_to="2026-08-31")
team(118990, teachers=7, tas=4, cpd_done=7, since="2012-09-01")
governance_rows.append({"name": "Revd John Ashby", "school_urn": "118990", "trust_uid": "", "role": "chair",
                        "send_responsibility": "yes", "send_expertise": "Chaplain to the county SEND forum",
                        "start_date": "2019-09-01", "end_date": ""})

# The first teacher of Hillcrest (no CPD this year) is the demo teacher account's staff record.
DEMO_TEACHER_STAFF_ID = next(r["staff_id"] for r in staff_rows if r["school_urn"] == "149002" and r["role"] == "teacher"
                             and r["staff_id"] != hi_teacher["staff_id"])


def write(name: str, rows: list[dict]) -> None:
    with open(HERE / name, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write("staff.csv", staff_rows)
    write("qualifications.csv", qual_rows)
    write("cpd.csv", cpd_rows)
    write("placements.csv", placement_rows)
    write("governance.csv", governance_rows)
    (HERE / "demo_teacher_staff_id.txt").write_text(DEMO_TEACHER_STAFF_ID + "\n")
    print(f"{len(staff_rows)} employments, {len(qual_rows)} qualifications, {len(cpd_rows)} CPD records, "
          f"{len(placement_rows)} placements, {len(governance_rows)} governance roles")
