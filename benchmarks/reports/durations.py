"""Reads a slice of PostgreSQL's log (log_min_duration_statement = 0) and picks out the report statements: those that
read a `report_` view.

    durations.py N          the median over N requests of the report statements' server time, summed per request (ms)
    durations.py sql FILE   writes the report statements of the slice to FILE, each with its parameters substituted
                            (the DETAIL line that follows it), one per line group and ending in `;`: a pgbench script
                            and a psql file for EXPLAIN, exactly as the server ran them"""
import re
import sys

entries = []
for line in sys.stdin:
    if re.match(r"^\S.*(LOG|ERROR|STATEMENT|DETAIL):", line):
        entries.append(line)
    elif entries:
        entries[-1] += line

EXECUTE = re.compile(r"duration: ([0-9.]+) ms\s+(execute [^:]*|statement): (.*)", re.S)
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")

durations = []
statements = []
for index, entry in enumerate(entries):
    found = EXECUTE.search(entry)
    if not found or "report_" not in found.group(3):
        continue
    durations.append(float(found.group(1)))
    sql = found.group(3).rstrip().rstrip(";")
    following = entries[index + 1] if index + 1 < len(entries) else ""
    if "DETAIL:  parameters:" in following:
        values = {int(number): value for number, value in PARAMETER.findall(following)}
        sql = re.sub(r"\$(\d+)", lambda m: values.get(int(m.group(1)), m.group(0)), sql)
    statements.append(sql + ";\n")

if sys.argv[1] == "sql":
    with open(sys.argv[2], "w") as out:
        out.writelines(statements)
    sys.exit(0 if statements else 1)

requests = int(sys.argv[1])
# Statements come in the same number per request: group them in order.
per = max(1, len(durations) // requests) if durations else 1
sums = sorted(sum(durations[i * per:(i + 1) * per]) for i in range(requests)) if durations else []
print(f"{sums[(len(sums) - 1) // 2]:.1f}" if sums else "n/a")
