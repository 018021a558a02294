"""Several writer processes appending at once to one store: `python bench/writers.py STORE
WRITERS EVENTS_EACH`. Half the writers share one contingent (they race for its versions), the
others write their own. Prints events per second in all and the lost races retried."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
SOURCE = {"title": "Benchmark (made-up events)", "published_on": "2022-01-01"}
WRITER = textwrap.dedent(f"""
    import sys
    import tracker.app.unit_of_work as app
    lost = [0]
    save = app.UnitOfWork.save
    def counting(self):
        try:
            return save(self)
        except app.ConflictError:
            lost[0] += 1
            raise
    app.UnitOfWork.save = counting
    from tracker import Tracker
    tracker = Tracker(sys.argv[1])
    for n in range(int(sys.argv[3])):
        tracker.deploy_contingent(mission="BENCH", contributor=sys.argv[2], count=1,
                                  valid=f"2022-{{1 + n % 12:02d}}-01", source={SOURCE!r})
    print(lost[0])
""")
CODES = ["TCD", "BEN", "NER", "SEN", "TGO", "BFA", "GIN", "NGA"]


def main() -> None:
    store, writers, each = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    setup = Tracker(store)
    setup.establish_mission(
        mission="BENCH", name="Benchmark", host="MLI", valid="2020-01-01", source=SOURCE
    )
    setup.close()
    who = ["TCD" if n < writers // 2 else CODES[n % len(CODES)] for n in range(writers)]
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, store, code, str(each)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for code in who
    ]
    lost = sum(int(p.communicate()[0]) for p in procs)
    took = time.perf_counter() - start
    total = writers * each
    print(
        f"{writers} writers x {each} events ({writers // 2} on one contingent): {total:,} events "
        f"in {took:.1f} s, {total / took:,.0f} events/s, {lost} lost races retried"
    )


if __name__ == "__main__":
    main()
