"""Reads each XLSX export of a directory with openpyxl (its streaming reader) and compares it cell for cell with
the CSV export of the same type there: an outside reader must see every value where our CSV has it."""
import csv
import datetime
import glob
import os
import sys

import openpyxl


def same(x, y):
    if x is None:
        return y == ""
    if isinstance(x, datetime.datetime):
        return x.date().isoformat() == y
    if isinstance(x, bool):
        return str(x).lower() == y.lower()
    if isinstance(x, (int, float)):
        try:
            return abs(float(x) - float(y)) < 1e-9
        except ValueError:
            return False
    return str(x) == y


def main(directory):
    checked = 0
    for xlsx in sorted(glob.glob(os.path.join(directory, "*.xlsx"))):
        kind = os.path.basename(xlsx).split("_")[0]
        csvs = sorted(glob.glob(os.path.join(directory, kind + "_*.csv")))
        if not csvs:
            continue
        with open(csvs[0], encoding="utf-8-sig", newline="") as f:
            want = list(csv.reader(f))
        sheet = openpyxl.load_workbook(xlsx, read_only=True).worksheets[0]
        got = [list(r) for r in sheet.iter_rows(values_only=True)]
        if len(got) != len(want):
            sys.exit(f"{xlsx}: {len(got)} rows, the CSV has {len(want)}")
        for r, (g, w) in enumerate(zip(got, want), start=1):
            g = g + [None] * (len(w) - len(g))
            for c, (x, y) in enumerate(zip(g, w), start=1):
                if not same(x, y):
                    sys.exit(f"{xlsx}: row {r}, column {c} reads {x!r}; the CSV has {y!r}")
        checked += 1
        print(f"{os.path.basename(xlsx)}: {len(got)} rows match {os.path.basename(csvs[0])}")
    if checked == 0:
        sys.exit(f"no XLSX export with a CSV beside it in {directory}")


if __name__ == "__main__":
    main(sys.argv[1])
