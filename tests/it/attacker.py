#!/usr/bin/env python3
"""A reader who sets out to work back the counts the reports hide.

Usage: attacker.py OUT_ROOT [OUT_ROOT ...]

Reads every HTML copy (report.html and report-rounded-to-N.html) of every report and
period under each output root, as someone on every recipient list would have them, and
knows what the methodology says: a breakdown's groups add up to the service, ethnic
categories to their group, a priority group that is one ethnic category (or men, or the
oldest age bands) equals it, referral sources and partners add up to the service, a
percentage with its 95 % Wilson interval is worked from two counts (the uptake and
interpreter percentages over the row's referrals, the waits over the row's finished
courses), two half-years add up to their year, and a quarter-end snapshot is the year's
snapshot. Each count is an unknown with bounds: exact where a copy shows it, within
the rounding where a rounded copy does, from 0 up where it is `*`. Interval propagation
over the integers and elimination over the sums narrow them; a hidden count narrowed to
one value above zero is a leak, and so is a count one copy hides and another shows.

Prints every leak with where it was found and exits 1 if there is any, else 0. It
knows nothing of the program's own suppression: only what a reader sees.
"""

import html
import math
import os
import re
import sys
from collections import defaultdict

Z = 1.959963984540054
INF = float("inf")

# ---------------------------------------------------------------- reading the copies


def cells_of(tr):
    return [
        html.unescape(re.sub(r"<.*?>", "", c)).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
    ]


def tables(path):
    """(caption, header, rows, total_row_index or None) of every table in a page."""
    text = open(path, encoding="utf-8").read()
    out = []
    for t in re.findall(r"<table.*?</table>", text, re.S):
        cap = re.search(r"<caption[^>]*>(.*?)</caption>", t, re.S)
        caption = html.unescape(re.sub(r"<.*?>", "", cap.group(1))).strip() if cap else ""
        head = re.search(r"<thead>(.*?)</thead>", t, re.S)
        header = cells_of(head.group(1)) if head else []
        bodies = re.findall(r"<tbody>(.*?)</tbody>", t, re.S)
        rows, total, groups = [], None, []
        for tr in re.findall(r"<tr.*?</tr>", "".join(bodies) if bodies else t, re.S):
            if 'class="group"' in tr:
                # a combined table: the breakdowns under their own headings
                groups.append((cells_of(tr)[0], len(rows)))
                continue
            if 'class="total"' in tr:
                total = len(rows)
            rows.append(cells_of(tr))
        if not groups:
            out.append((caption, header, rows, total))
            continue
        # each breakdown read as the table it was, with the total they share
        ends = [at for _, at in groups[1:]] + [total if total is not None else len(rows)]
        for (name, at), end in zip(groups, ends):
            part = rows[at:end]
            if total is not None:
                out.append((name, header, part + [rows[total]], len(part)))
            else:
                out.append((name, header, part, None))
    return text, out


COUNT = re.compile(r"^(\*|-|[0-9][0-9,]*)(?: \(([0-9.]+)%\))?$")
PCT = re.compile(r"^([0-9.]+)% \(([0-9.]+)% to ([0-9.]+)%\)$|^([0-9.]+)%$")


def count_of(cell):
    """('hidden'|'value'|None, value, share) of a count cell: "12", "*", "12 (40.0%)"."""
    m = COUNT.match(cell)
    if not m:
        return None
    if m.group(1) == "*":
        return ("hidden", None, None)
    if m.group(1) == "-":
        return ("value", 0, None)
    share = float(m.group(2)) / 100 if m.group(2) else None
    return ("value", int(m.group(1).replace(",", "")), share)


def pct_of(cell):
    """(p, lo, hi) in percent (lo, hi None without an interval), 'hidden', or None."""
    if cell == "*":
        return "hidden"
    m = PCT.match(cell)
    if not m:
        return None
    if m.group(4):
        return (float(m.group(4)), None, None)
    return (float(m.group(1)), float(m.group(2)), float(m.group(3)))


# ---------------------------------------------------------------- what a reader knows

DIMENSIONS = {
    "Priority groups": "priority",
    "Ethnic group": "group",
    "Ethnic category": "cat",
    "Age": "age",
    "Sex": "sex",
    "Disability": "disability",
    "Deprivation (IMD quintile)": "imd",
    "Interpreter need": "cat",
}
ADDITIVE = {"group", "cat", "age", "sex", "disability", "imd", "partner", "source", "band"}
GROUP_OF_CODE = {}
for codes, group in [("ABC", "White"), ("DEFG", "Mixed"), ("HJKL", "Asian"), ("MNP", "Black"), ("RS", "Other")]:
    for c in codes:
        GROUP_OF_CODE[c] = group
# priority groups a reader can tie to another breakdown (reports.md's defaults)
PRIORITY_IS = {
    "Pakistani": [("cat", "J")],
    "Black African": [("cat", "N")],
    "Black Caribbean": [("cat", "M")],
    "Chinese": [("cat", "R")],
    "Men": [("sex", "Male")],
    "Aged 65+": [("age", "65-74"), ("age", "75+")],
}
# counts a column gives, and the two counts a percentage column is worked from
COUNT_COLUMNS = {
    "Referrals": "referrals",
    "Finished treatment": "finished",
    "Referrals in the period": "referrals",
    "Staff": "staff",
    "BME mentees matched": "mentees",
}
PCT_COLUMNS = {
    "Treated by year end": ("taken_up", "referrals"),
    "Treated by the period end": ("taken_up", "referrals"),
    "Interpreter needed": ("interpreter", "referrals"),
    "Appointments missed": ("dna", "appointments"),
    "Ended without treatment": ("ended_untreated", "ended"),
    "Recovery": ("recovered", "caseness"),
    "Reliable recovery": ("reliably_recovered", "caseness"),
    "Reliable improvement": ("improved", "paired"),
    "Treated within 6 weeks": ("wait_6wk", "finished"),
    "Within 18 weeks": ("wait_18wk", "finished"),
    "Ethnicity not stated or not known": ("ethnicity_unknown", "referrals"),
    # workforce
    "BME": ("bme", "staff"),
    "White": ("white", "staff"),
    "Unknown": ("ethnicity_unknown", "staff"),
    "BME at Band 7+": ("bme_band7", "staff_band7"),
    "Disability declared": ("disabled", "staff"),
    "Men": ("men", "staff"),
    "Ethnicity unknown": ("ethnicity_unknown", "staff"),
}
PARTNER_PAGE_ROWS = {
    "Staff in post (headcount)": ("count", "staff"),
    "BME staff": ("pct", ("bme", "staff")),
    "BME staff at Band 7 and above": ("pct", ("bme_band7", "staff_band7")),
    "Staff declaring a disability": ("pct", ("disabled", "staff")),
    "Men": ("pct", ("men", "staff")),
    "Ethnicity not stated or not known": ("pct", ("ethnicity_unknown", "staff")),
}
# the national returns' band table: each AfC band's cluster, and what its columns count
BAND_CLUSTER = {
    "Band 1": "Bands 1-4", "Band 2": "Bands 1-4", "Band 3": "Bands 1-4", "Band 4": "Bands 1-4",
    "Band 5": "Bands 5-7", "Band 6": "Bands 5-7", "Band 7": "Bands 5-7",
    "Band 8a": "Bands 8a-8b", "Band 8b": "Bands 8a-8b",
    "Band 8c": "Bands 8c-9 & VSM", "Band 8d": "Bands 8c-9 & VSM", "Band 9": "Bands 8c-9 & VSM",
    "Very senior managers": "Bands 8c-9 & VSM", "Other (medical and non-AfC)": "Other",
}
RETURN_COLUMNS = {
    "White": "white", "BME": "bme", "Ethnicity unknown": "ethnicity_unknown",
    "Disabled": "disabled", "Not disabled": "not_disabled", "Not stated": "disability_unknown",
}
BOARD_ROWS = {
    "All board members": (),
    "Executive (voting)": (("role", "executive"),),
    "Non-executive (voting)": (("role", "non_executive"),),
}
# flows over a period: two half-years add up to their year
FLOWS = {
    "referrals", "finished", "recovered", "caseness", "reliably_recovered", "improved",
    "paired", "wait_6wk", "wait_18wk", "dna", "appointments", "ended", "ended_untreated",
    "interpreter", "ethnicity_unknown",
}


def column_name(header):
    return re.sub(r"\s*\(95 % CI\)$", "", header).strip()


def row_key(dim, label):
    """A table row as (dimension, value), the same for the same group in every table."""
    if label in ("All referrals", "All partners", "All staff"):
        return None
    if dim == "cat":
        m = re.match(r"^([A-Z]): ", label)
        return ("cat", m.group(1) if m else "Unknown")
    if dim == "group" and label == "Not stated or not known":
        return ("group", "Unknown")
    if dim == "partner":
        m = re.search(r"\(([A-Za-z]+)\)$", label)
        return ("partner", m.group(1) if m else label)
    return (dim, label)


class Reader:
    def __init__(self):
        self.index = {}
        self.keys = []
        self.lo = []
        self.hi = []
        self.hidden_at = defaultdict(set)  # var -> where it was shown as *
        self.shown_at = defaultdict(set)  # var -> where it was shown
        self.sums = []  # (total, [parts])
        self.within = []  # (part, whole)
        self.shares = []  # (num, den, (p, lo, hi), rounded copy, where)
        self.slack = 0
        self.band_rows = set()  # (period, band, clinical) of the band return's rows

    def var(self, key):
        if key not in self.index:
            self.index[key] = len(self.keys)
            self.keys.append(key)
            self.lo.append(0)
            self.hi.append(INF)
        return self.index[key]

    def bound(self, v, lo, hi):
        self.lo[v] = max(self.lo[v], lo)
        self.hi[v] = min(self.hi[v], hi)

    def seen(self, key, cell, rounding, where):
        v = self.var(key)
        kind, value, _ = cell
        if kind == "hidden":
            self.hidden_at[v].add(where)
            return v
        self.shown_at[v].add(where)
        if rounding and value >= 5:
            # 5, 6, 7 -> 5; 8 -> 10: the exact count is within half a step
            self.bound(v, max(value - rounding // 2, 5 if value == 5 else 0), value + rounding // 2)
        else:
            self.bound(v, value, value)
        return v

    def add_sum(self, total, parts):
        if parts:
            self.sums.append((total, list(parts)))

    def at_most(self, total, parts):
        """sum(parts) <= total: a slack unknown takes the rest."""
        self.slack += 1
        s = self.var(("slack", self.slack))
        self.add_sum(total, list(parts) + [s])

    # ------------------------------------------------------------ one copy of one report

    def read_copy(self, period, path, rounding):
        text, ts = tables(path)
        # a copy says whether its percentages come from its rounded counts
        pct_rounded = rounding if "worked from the rounded counts" in text else 0
        where = os.path.relpath(path, self.root)
        for caption, header, rows, total in ts:
            if caption in DIMENSIONS:
                self.read_breakdown(period, DIMENSIONS[caption], header, rows, total, rounding, pct_rounded, where)
            elif caption == "Referral sources":
                self.read_sources(period, header, rows, total, rounding, where)
            elif caption == "Ethnic group by sex":
                self.read_ethnic_sex(period, header, rows, rounding, pct_rounded, where)
            elif caption == "Ethnicity not stated or not known, by partner" and len(header) == 3:
                self.read_breakdown(period, "partner", header, rows, total, rounding, pct_rounded, where)
            elif caption in ("Figures by partner organisation", "Training and mentoring against targets"):
                self.read_breakdown(period, "partner", header, rows, total, rounding, pct_rounded, where)
            elif caption.startswith("Representation by pay band"):
                self.read_breakdown(period, "band", header, rows, total, rounding, pct_rounded, where)
                self.read_band_groups(period, rows, total)
            elif caption in ("Clinical staff", "Non-clinical staff") and header and header[0] == "Band":
                self.read_band_return(period, caption, header, rows, rounding, where)
            elif (m := re.match(r"^The data of the chart: (.+): BME share at each quarter end", caption)) and rows:
                # the model employer: a band's BME share (both kinds of staff) at the
                # year-end snapshot, its chart's last point
                last = rows[-1]
                if len(last) > 2 and last[1] != "*":
                    self.share(period, ("bme", "staff"), (("afcband", m.group(1)),), pct_of(f"{last[1]} ({last[2]})"), pct_rounded, where)
                elif len(last) > 1:
                    self.share(period, ("bme", "staff"), (("afcband", m.group(1)),), "hidden", pct_rounded, where)
            elif caption.startswith("The board") and header and header[0] == "Board members":
                self.read_board(period, rows, rounding, pct_rounded, where)
            elif re.search(r"\([A-Za-z]+\)$", caption) and header and header[0] == "Figure":
                self.read_partner_page(period, caption, rows, rounding, pct_rounded, where)

    def read_breakdown(self, period, dim, header, rows, total, rounding, pct_rounded, where):
        cols = [column_name(h) for h in header]
        by_count = defaultdict(list)
        for i, row in enumerate(rows):
            key = None if i == total else row_key(dim, row[0])
            if i != total and key is None:
                continue
            by = () if key is None else (key,)
            for j, cell in enumerate(row[1:], start=1):
                if j >= len(cols):
                    continue
                name = cols[j]
                if name in COUNT_COLUMNS:
                    c = count_of(cell)
                    if c is None:
                        continue
                    count = COUNT_COLUMNS[name]
                    v = self.seen((period, count, by), c, rounding, where)
                    if key is not None:
                        by_count[count].append(v)
                elif name in PCT_COLUMNS:
                    self.share(period, PCT_COLUMNS[name], by, pct_of(cell), pct_rounded, where)
        # a breakdown's groups add up to the total (priority groups overlap: not those)
        if dim in ADDITIVE:
            for count, parts in by_count.items():
                self.add_sum(self.var((period, count, ())), parts)

    def share(self, period, names, by, p, rounded, where):
        if p == "hidden":
            # a percentage is hidden with the count it is of
            self.hidden_at[self.var((period, names[0], by))].add(where)
            return
        if p is None:
            return
        num = self.var((period, names[0], by))
        den = self.var((period, names[1], by))
        self.within.append((num, den))
        self.shares.append((num, den, p, rounded, where))

    def read_sources(self, period, header, rows, total, rounding, where):
        sources = header[2:]
        for i, row in enumerate(rows):
            key = None if i == total else row_key("group", row[0])
            by = () if key is None else (key,)
            c = count_of(row[1])
            if c is None:
                continue
            t = self.seen((period, "referrals", by), c, rounding, where)
            parts = []
            for src, cell in zip(sources, row[2:]):
                c = count_of(cell)
                if c is None:
                    continue
                parts.append(self.seen((period, "referrals", by + (("source", src),)), c, rounding, where))
                # "n (p%)": the share of the row's referrals pins both when exact
                if c[0] == "value" and c[2] is not None and not rounding:
                    self.shares.append((parts[-1], t, (c[2] * 100, None, None), 0, where))
            self.add_sum(t, parts)
        for src in sources:
            parts = [
                self.var((period, "referrals", (row_key("group", row[0]), ("source", src))))
                for i, row in enumerate(rows)
                if i != total
            ]
            self.add_sum(self.var((period, "referrals", (("source", src),))), parts)

    def read_ethnic_sex(self, period, header, rows, rounding, pct_rounded, where):
        cols = [column_name(h) for h in header]
        per_sex = defaultdict(list)
        for row in rows:
            g = row_key("group", row[0])
            cells = []
            for name, cell in zip(cols[1:], row[1:]):
                sex = "Male" if name.startswith("Men") else "Female"
                by = tuple(sorted([g, ("sex", sex)]))
                if name.endswith("referrals"):
                    c = count_of(cell)
                    if c is not None:
                        v = self.seen((period, "referrals", by), c, rounding, where)
                        cells.append(v)
                        per_sex[sex].append(v)
                else:
                    self.share(period, ("recovered", "caseness"), by, pct_of(cell), pct_rounded, where)
            # men and women are two of the four sex codes
            self.at_most(self.var((period, "referrals", (g,))), cells)
        for sex, parts in per_sex.items():
            self.add_sum(self.var((period, "referrals", (("sex", sex),))), parts)

    def read_band_groups(self, period, rows, total):
        # White, BME and Unknown shares of a band are of the same staff, and add up to them
        for i, row in enumerate(rows):
            key = None if i == total else row_key("band", row[0])
            by = () if key is None else (key,)
            parts = [self.var((period, g, by)) for g in ("white", "bme", "ethnicity_unknown")]
            self.add_sum(self.var((period, "staff", by)), parts)

    def read_band_return(self, period, caption, header, rows, rounding, where):
        # a band's groups add up to its staff; "n (p%)" is the group's share of them
        clinical = "yes" if caption == "Clinical staff" else "no"
        for row in rows:
            by = (("afc", row[0]), ("clinical", clinical))
            c = count_of(row[-1])
            t = self.seen((period, "staff", by), c, rounding, where) if c else self.var((period, "staff", by))
            parts = []
            for name, cell in zip(header[1:-1], row[1:-1]):
                c = count_of(cell)
                if c is None or name not in RETURN_COLUMNS:
                    continue
                v = self.seen((period, RETURN_COLUMNS[name], by), c, rounding, where)
                parts.append(v)
                if c[0] == "value" and c[2] is not None and not rounding:
                    self.shares.append((v, t, (c[2] * 100, None, None), 0, where))
            self.add_sum(t, parts)
            self.band_rows.add((period, row[0], clinical))

    def read_board(self, period, rows, rounding, pct_rounded, where):
        for row in rows:
            if row[0] == "All staff in post":
                c = count_of(row[1])
                if c is not None:
                    self.seen((period, "staff", ()), c, rounding, where)
                self.share(period, ("bme", "staff"), (), pct_of(row[2]), pct_rounded, where)
                self.share(period, ("disabled", "staff"), (), pct_of(row[3]), pct_rounded, where)
                continue
            by = BOARD_ROWS.get(row[0])
            if by is None:
                continue
            c = count_of(row[1])
            if c is not None:
                self.seen((period, "board", by), c, rounding, where)
            self.share(period, ("board_bme", "board"), by, pct_of(row[2]), pct_rounded, where)
            self.share(period, ("board_disabled", "board"), by, pct_of(row[3]), pct_rounded, where)
        # the voting roles are among the whole board (with those not voting)
        for count in ("board", "board_bme", "board_disabled"):
            parts = [self.index.get((period, count, r)) for r in list(BOARD_ROWS.values())[1:]]
            parts = [p for p in parts if p is not None]
            if parts:
                self.at_most(self.var((period, count, ())), parts)

    def tie_bands(self):
        """The band return's rows add up to their band cluster's and to all staff's,
        group by group (every band with staff has its row)."""
        periods = {p for p, _, _ in self.band_rows}
        for period in periods:
            rows = [(b, c) for p, b, c in self.band_rows if p == period]
            for count in ("staff", "white", "bme", "ethnicity_unknown", "disabled", "not_disabled", "disability_unknown"):
                cells = {
                    (b, c): self.index.get((period, count, (("afc", b), ("clinical", c))))
                    for b, c in rows
                }
                parts = [v for v in cells.values() if v is not None]
                if len(parts) == len(rows):
                    self.add_sum(self.var((period, count, ())), parts)
                # a band's staff, clinical and not (the model employer's shares)
                for band in {b for b, _ in rows}:
                    total = self.index.get((period, count, (("afcband", band),)))
                    ps = [v for (b, _), v in cells.items() if b == band]
                    if total is not None and None not in ps:
                        self.add_sum(total, ps)
                for cluster in set(BAND_CLUSTER.values()):
                    total = self.index.get((period, count, (("band", cluster),)))
                    ps = [v for (b, _), v in cells.items() if BAND_CLUSTER.get(b) == cluster]
                    if total is not None and ps and None not in ps:
                        self.add_sum(total, ps)

    def read_partner_page(self, period, caption, rows, rounding, pct_rounded, where):
        key = row_key("partner", caption)
        for row in rows:
            what = PARTNER_PAGE_ROWS.get(row[0])
            if what is None or len(row) < 3:
                continue
            for by, cell in (((key,), row[1]), ((), row[2])):
                if what[0] == "count":
                    c = count_of(cell)
                    if c is not None:
                        self.seen((period, what[1], by), c, rounding, where)
                else:
                    self.share(period, what[1], by, pct_of(cell), pct_rounded, where)

    # ------------------------------------------------------------ what the sums tie

    def tie_categories(self):
        """Ethnic categories add up to their group; priority groups equal what they are."""
        periods_counts = {(k[0], k[1]) for k in self.keys if k[0] != "slack"}
        for period, count in periods_counts:
            for group in ("White", "Mixed", "Asian", "Black", "Other"):
                codes = [c for c, g in GROUP_OF_CODE.items() if g == group]
                parts = [self.index.get((period, count, (("cat", c),))) for c in codes]
                total = self.index.get((period, count, (("group", group),)))
                if total is not None and all(p is not None for p in parts):
                    self.add_sum(total, parts)
            u = [self.index.get((period, count, ((d, "Unknown"),))) for d in ("group", "cat")]
            if None not in u:
                self.add_sum(u[0], [u[1]])
            for name, parts in PRIORITY_IS.items():
                t = self.index.get((period, count, (("priority", name),)))
                ps = [self.index.get((period, count, (p,))) for p in parts]
                if t is not None and None not in ps:
                    self.add_sum(t, ps)

    def tie_periods(self):
        """Two half-years add up to their year, for counts of events in a period."""
        for key, v in list(self.index.items()):
            if key[0] == "slack":
                continue
            period, count, by = key
            m = re.match(r"^(FY\d{4}-\d{2})$", period) if isinstance(period, str) else None
            if not m or count not in FLOWS:
                continue
            halves = [self.index.get((f"{period}-H{h}", count, by)) for h in (1, 2)]
            if None not in halves:
                self.add_sum(v, halves)

    # ------------------------------------------------------------ narrowing

    def decode_share(self, num, den, p, rounded):
        """Narrow a share's two counts to those that print as this percentage (and
        interval); with rounded counts, the exact ones lie within half a step."""
        pct, lo, hi = p
        dlo = max(1, int(self.lo[den]) - (rounded // 2 if rounded else 0))
        dhi = self.hi[den] + (rounded // 2 if rounded else 0)
        if dhi == INF and lo is not None and 1 < pct < 99 and hi - lo > 0.3:
            # an interval this wide is of a small denominator: Wilson's width is about
            # 2 z sqrt(p (1 - p) / d), so d is at most twice what the narrowest
            # printable width gives
            q = pct / 100
            w = (hi - lo - 0.2) / 100
            dhi = math.ceil(2 * 4 * Z * Z * q * (1 - q) / (w * w))
        if dhi == INF or dhi - dlo > 20000:
            return False
        ns, ds = [], []
        for d in range(dlo, int(dhi) + 1):
            if rounded and d % rounded:
                continue
            n0 = max(0, math.floor((pct - 0.06) / 100 * d))
            for n in range(n0, min(d, math.ceil((pct + 0.06) / 100 * d)) + 1):
                if not prints_as(100 * n / d, pct):
                    continue
                if lo is not None:
                    w = wilson(n, d)
                    if not prints_as(100 * w[0], lo) or not prints_as(100 * w[1], hi):
                        continue
                ns.append(n)
                ds.append(d)
        if not ns:
            return False
        slack = rounded // 2 if rounded else 0
        before = (self.lo[num], self.hi[num], self.lo[den], self.hi[den])
        self.bound(num, min(ns) - slack, max(ns) + slack)
        self.bound(den, min(ds) - slack, max(ds) + slack)
        return before != (self.lo[num], self.hi[num], self.lo[den], self.hi[den])

    def propagate(self):
        for _ in range(200):
            changed = False
            for t, parts in self.sums:
                slo = sum(self.lo[p] for p in parts)
                shi = sum(self.hi[p] for p in parts)
                if slo > self.lo[t]:
                    self.lo[t], changed = slo, True
                if shi < self.hi[t]:
                    self.hi[t], changed = shi, True
                for p in parts:
                    others_hi = shi - self.hi[p] if self.hi[p] != INF else sum(self.hi[q] for q in parts if q != p)
                    others_lo = slo - self.lo[p]
                    nlo = self.lo[t] - others_hi
                    nhi = self.hi[t] - others_lo
                    if nlo > self.lo[p]:
                        self.lo[p], changed = nlo, True
                    if nhi < self.hi[p]:
                        self.hi[p], changed = nhi, True
            for part, whole in self.within:
                if self.hi[whole] < self.hi[part]:
                    self.hi[part], changed = self.hi[whole], True
                if self.lo[part] > self.lo[whole]:
                    self.lo[whole], changed = self.lo[part], True
            for num, den, p, rounded, _ in self.shares:
                changed |= self.decode_share(num, den, p, rounded)
            changed |= self.solve()
            bad = [self.keys[v] for v in range(len(self.keys)) if self.lo[v] > self.hi[v]]
            if bad:
                raise SystemExit(f"the reader's model contradicts itself at {bad[:3]}: a rule above is wrong")
            if not changed:
                return

    def solve(self):
        """Gaussian elimination over the sums with the known counts moved across: a
        row left with one unknown gives it exactly."""
        known = lambda v: self.lo[v] == self.hi[v]
        rows = []
        for t, parts in self.sums:
            coeffs = defaultdict(float)
            rhs = 0.0
            for v, c in [(t, 1.0)] + [(p, -1.0) for p in parts]:
                if known(v):
                    rhs -= c * self.lo[v]
                else:
                    coeffs[v] += c
            coeffs = {v: c for v, c in coeffs.items() if abs(c) > 1e-12}
            if coeffs:
                rows.append((coeffs, rhs))
        pivots = {}
        for coeffs, rhs in rows:
            coeffs = dict(coeffs)
            for v in list(coeffs):
                if v in pivots and v in coeffs:
                    pc, pr = pivots[v]
                    f = coeffs[v]
                    for w, c in pc.items():
                        coeffs[w] = coeffs.get(w, 0.0) - f * c
                        if abs(coeffs[w]) < 1e-9:
                            del coeffs[w]
                    rhs -= f * pr
            if not coeffs:
                continue
            v = next(iter(coeffs))
            c = coeffs[v]
            coeffs = {w: x / c for w, x in coeffs.items()}
            rhs /= c
            for u, (pc, pr) in list(pivots.items()):
                if v in pc:
                    f = pc[v]
                    new = dict(pc)
                    for w, x in coeffs.items():
                        new[w] = new.get(w, 0.0) - f * x
                        if abs(new[w]) < 1e-9:
                            del new[w]
                    pivots[u] = (new, pr - f * rhs)
            pivots[v] = (coeffs, rhs)
        changed = False
        for v, (pc, pr) in pivots.items():
            if len(pc) == 1 and abs(pr - round(pr)) < 1e-6 and not known(v):
                x = round(pr)
                if self.lo[v] <= x <= self.hi[v]:
                    self.lo[v] = self.hi[v] = x
                    changed = True
        return changed


def prints_as(x, shown):
    """Whether a percentage could print as `shown` to one decimal: within half a step,
    with room for a figure rounded to four places of a fraction before it is printed."""
    return abs(x - shown) <= 0.05 + 0.0051


def wilson(n, d):
    p = n / d
    z2 = Z * Z
    centre = (p + z2 / (2 * d)) / (1 + z2 / d)
    half = Z * math.sqrt(p * (1 - p) / d + z2 / (4 * d * d)) / (1 + z2 / d)
    return (max(0.0, centre - half), min(1.0, centre + half))


def period_key(report, period):
    """Snapshot reports are tied by their snapshot: a year's is its last quarter's."""
    if report.startswith("workforce"):
        m = re.match(r"^FY(\d{4})-\d{2}$", period)
        if m:
            return f"snapshot {int(m.group(1)) + 1}-03-31"
        y, q = re.match(r"^(\d{4})-Q(\d)$", period).groups()
        return f"snapshot {y}-{['03-31', '06-30', '09-30', '12-31'][int(q) - 1]}"
    return period


def main(roots):
    leaks = []
    for root in roots:
        r = Reader()
        r.root = root
        for report in sorted(os.listdir(root)):
            folder = os.path.join(root, report)
            if not os.path.isdir(folder) or report in ("archive", "outbox"):
                continue
            for period in sorted(os.listdir(folder)):
                pf = os.path.join(folder, period)
                for f in sorted(os.listdir(pf)):
                    m = re.match(r"^report(?:-rounded-to-(\d+))?\.html$", f)
                    if m:
                        r.read_copy(period_key(report, period), os.path.join(pf, f), int(m.group(1) or 0))
        r.tie_categories()
        r.tie_bands()
        r.tie_periods()
        r.propagate()
        for v, places in r.hidden_at.items():
            key = r.keys[v]
            if r.shown_at[v]:
                leaks.append(f"{root}: {key} hidden in {sorted(places)} but shown in {sorted(r.shown_at[v])}")
            elif r.lo[v] == r.hi[v] and r.lo[v] > 0:
                leaks.append(f"{root}: {key} = {r.lo[v]} (hidden in {sorted(places)})")
        hidden = len(r.hidden_at)
        print(f"{root}: {len(r.keys)} counts read, {hidden} hidden", file=sys.stderr)
    for leak in leaks:
        print(leak)
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
