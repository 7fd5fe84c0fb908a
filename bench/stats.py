"""Item statistics benchmark: ``item_statistics`` over 10,000 synthetic attempts.

Generates attempts from a seeded latent-ability model, so that discrimination is realistic:
each learner has an ability θ ~ N(0, 1), each question a difficulty b ~ N(0, 1) and a
discrimination a ~ U(0.5, 2) (a few questions get a ≤ 0, the miskeyed or misleading kind), and
P(correct) = logistic(a * (θ - b)). Wrong answers pick one of three distractors, weighted so
that some distractors attract and some do not; 2% of questions are left unanswered. About 20%
of the attempts are retakes (``first=False``) by a learner who improved.

Two scenarios, each timed as the median of ``--runs`` calls (after one untimed warm-up call;
generating the records is not timed), in wall-clock and in CPU seconds:

* ``fixed``: every attempt shows the same 20 questions (alpha is computed);
* ``drawn``: every attempt draws 20 questions from a pool of 40 (alpha is not).

Prints the figures and a sanity summary, and checks the target of the issue: "Item statistics
over 10,000 attempts in under 1 s", on the wall-clock median (``--clock cpu`` checks the CPU
median instead, which a busy shared machine disturbs less). Exit status: 0 target met in both
scenarios, 1 missed (unless ``--no-check``).

Only the standard library is used, so it runs with the project's virtualenv Python::

    .venv/bin/python bench/stats.py [--attempts 10000] [--items 20] [--runs 5] [--seed 2024]
                                    [--clock wall|cpu] [--no-check]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms.assessments.stats import (  # noqa: E402
    AttemptRecord,
    ItemResponse,
    QuizStats,
    item_statistics,
)

TARGET_SECONDS = 1.0
OPTIONS = ("a", "b", "c", "d")  # "a" is the key


def logistic(x: float) -> float:
    """Return 1 / (1 + e^-x)."""
    return 1.0 / (1.0 + math.exp(-x))


def generate(
    n_attempts: int, n_items: int, pool_size: int, seed: int
) -> tuple[list[AttemptRecord], int]:
    """Return synthetic attempts (each showing n_items of pool_size questions) and learners."""
    rng = random.Random(seed)
    questions = [f"q{i:03d}" for i in range(pool_size)]
    difficulty = {q: rng.gauss(0.0, 1.0) for q in questions}
    slope = {q: rng.uniform(0.5, 2.0) for q in questions}
    for q in rng.sample(questions, max(1, pool_size // 20)):
        slope[q] = rng.uniform(-0.8, 0.0)  # a question the weaker learners get right
    points = {q: rng.choice((1.0, 1.0, 1.0, 2.0)) for q in questions}
    pull = {q: [rng.random() + 0.05 for _ in OPTIONS[1:]] for q in questions}

    n_learners = max(1, round(n_attempts * 0.8))
    ability = [rng.gauss(0.0, 1.0) for _ in range(n_learners)]
    attempts: list[AttemptRecord] = []
    for attempt_id in range(n_attempts):
        first = attempt_id < n_learners
        user = attempt_id if first else rng.randrange(n_learners)
        theta = ability[user] + (0.0 if first else 0.6)  # a retake, after feedback
        shown = questions if pool_size == n_items else rng.sample(questions, n_items)
        items = []
        for q in shown:
            if rng.random() < 0.02:
                items.append(ItemResponse(q, 0.0, points[q], ()))
            elif rng.random() < logistic(slope[q] * (theta - difficulty[q])):
                items.append(ItemResponse(q, 1.0, points[q], ("a",)))
            else:
                wrong = rng.choices(OPTIONS[1:], weights=pull[q])[0]
                items.append(ItemResponse(q, 0.0, points[q], (wrong,)))
        max_marks = math.fsum(r.points for r in items)
        total = math.fsum(r.fraction * r.points for r in items) / max_marks
        attempts.append(AttemptRecord(attempt_id, user, first, total, tuple(items)))
    return attempts, n_learners


def time_runs(
    attempts: list[AttemptRecord], runs: int
) -> tuple[list[float], list[float], QuizStats]:
    """Return each run's wall-clock and CPU seconds of item_statistics, and the last result."""
    wall, cpu = [], []
    result = item_statistics(attempts)  # warm-up, untimed
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = item_statistics(attempts)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu, result


def summary(result: QuizStats) -> str:
    """Return a few figures that show the synthetic data behave like a real quiz."""
    discriminations = [i.discrimination for i in result.items if i.discrimination is not None]
    flagged = sum(1 for i in result.items if i.flags)
    alpha = "None" if result.cronbach_alpha is None else f"{result.cronbach_alpha:.3f}"
    negative = sum(1 for d in discriminations if d < 0)
    return (
        f"mean {result.mean:.3f}, sd {result.sd:.3f}, alpha {alpha}, "
        f"discrimination {min(discriminations):.2f}..{max(discriminations):.2f} "
        f"({negative} negative), {flagged}/{len(result.items)} questions flagged"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=20, help="questions per attempt")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="which median the target applies to (cpu: less sensitive to a busy machine)",
    )
    parser.add_argument("--no-check", action="store_true", help="always exit 0")
    args = parser.parse_args(argv)

    print(
        f"item_statistics: {args.attempts:,} attempts x {args.items} questions, "
        f"median of {args.runs} runs (Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
    )
    missed = False
    for name, pool in (("fixed", args.items), ("drawn", 2 * args.items)):
        attempts, learners = generate(args.attempts, args.items, pool, args.seed)
        wall, cpu, result = time_runs(attempts, args.runs)
        checked = statistics.median(wall if args.clock == "wall" else cpu)
        verdict = "ok" if checked < TARGET_SECONDS else "MISSED"
        missed = missed or checked >= TARGET_SECONDS
        print(
            f"  {name} ({pool} questions, {learners:,} learners): "
            f"wall {statistics.median(wall):.3f} s, CPU {statistics.median(cpu):.3f} s  "
            f"target: {args.clock} < {TARGET_SECONDS:.0f} s: {verdict}"
        )
        print(f"    wall runs: {', '.join(f'{s:.3f}' for s in wall)}")
        print(f"    {summary(result)}")
    return 1 if missed and not args.no_check else 0


if __name__ == "__main__":
    sys.exit(main())
