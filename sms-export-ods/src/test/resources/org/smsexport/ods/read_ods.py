# Reads an ODS file with python3-odf (odfpy) and prints every row of every sheet as a JSON array, one per line:
# a number, date or boolean as its typed value (office:value, office:date-value, office:boolean-value), text as the
# reader's text of its paragraphs (spaces, tabs and line breaks unwrapped), an empty cell as "".
import json
import sys
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P

doc = load(sys.argv[1])
for table in doc.spreadsheet.getElementsByType(Table):
    print(json.dumps({"sheet": table.getAttribute("name")}, ensure_ascii=False))
    for row in table.getElementsByType(TableRow):
        values = []
        for cell in row.getElementsByType(TableCell):
            kind = cell.getAttribute("valuetype")
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            if kind in ("float", "percentage", "currency"):
                v = cell.getAttribute("value")
            elif kind == "date":
                v = cell.getAttribute("datevalue")
            elif kind == "boolean":
                v = cell.getAttribute("booleanvalue")
            elif kind == "string":
                v = "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))
            else:
                v = ""
            values.extend([v] * repeat)
        print(json.dumps(values, ensure_ascii=False))
