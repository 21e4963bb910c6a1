"""Reads a slice of PostgreSQL's log: the report statements' durations (log_min_duration_statement), summed per request.

Argument: the number of requests in the slice (prints the median of the per-request sums, in ms), or `plan` to print
the first auto_explain plan of a report statement. A report statement is one that reads a `report_` view."""
import re
import sys

entries = []
for line in sys.stdin:
    if re.match(r"^\S.*(LOG|ERROR|STATEMENT|DETAIL):", line):
        entries.append(line)
    elif entries:
        entries[-1] += line

durations = []
plans = []
for entry in entries:
    if "report_" not in entry:
        continue
    if "plan:" in entry:
        plans.append(entry)
        continue
    found = re.search(r"duration: ([0-9.]+) ms\s+(execute|statement)", entry)
    if found:
        durations.append(float(found.group(1)))

if sys.argv[1] == "plan":
    print(plans[0] if plans else "(no plan over 1 ms)")
    sys.exit(0)
requests = int(sys.argv[1])
# Statements come in the same number per request: group them in order.
per = max(1, len(durations) // requests) if durations else 1
sums = sorted(sum(durations[i * per:(i + 1) * per]) for i in range(requests)) if durations else []
print(f"{sums[(len(sums) - 1) // 2]:.1f}" if sums else "n/a")
