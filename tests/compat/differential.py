#!/usr/bin/python3
"""Randomized differential test: Retort against real Alembic on twin databases.

Generates random revision graphs (branches, merges, second roots, branch labels, depends_on)
and random command sequences (upgrade and downgrade to absolute ids, partial ids, heads, base,
label@head, relative +N/-N and rev+N, plus stamp), runs each command with both tools, each on
its own database, and after every command requires the same outcome: both succeed or both fail,
the same version rows, the same tables. Each revision creates and drops its own table without
IF [NOT] EXISTS, so a step run twice or skipped shows.

  differential.py --retort BIN [--seed 1] [--commands 200] [--graphs 0 (= commands / 25)]

Where Retort deliberately differs from Alembic (docs/engine.md, "Alembic compatibility"), the
command is skipped, counted and printed, never passed. Prints a reproducer on a mismatch.
"""
import argparse
import contextlib
import functools
import io
import os
import pathlib
import random
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import alembic_compat as compat  # noqa: E402
import compat_runner  # noqa: E402

# Progress shows as it happens when ctest or a pipe captures the output.
print = functools.partial(print, flush=True)


def random_graph(rng, root, index):
    """Writes a random script location; returns (location, revisions, labels)."""
    location = root / f"graph{index}"
    (location / "versions").mkdir(parents=True)
    count = rng.randint(4, 10)
    revs = [f"{rng.getrandbits(48):012x}" for _ in range(count)]
    parents, labels, deps = {}, {}, {}
    for i, rev in enumerate(revs):
        if i == 0 or rng.random() < 0.08:
            parents[rev] = []  # a root (sometimes a second one)
        else:
            k = 2 if i >= 2 and rng.random() < 0.25 else 1
            parents[rev] = rng.sample(revs[:i], k)
        if rng.random() < 0.2:
            labels[rev] = f"lbl{i}"
        if i >= 2 and rng.random() < 0.15:
            deps[rev] = [rng.choice(revs[:i])]
    # A revision's labels must name a branch no other labelled revision shares ancestry with
    # in Alembic's eyes only loosely; Alembic accepts any distinct label strings.
    for i, rev in enumerate(revs):
        downs = ", ".join(parents[rev])
        (location / "versions" / f"{i:02d}_{rev}.sql").write_text(
            f"-- revision: {rev}\n-- down_revision: {downs}\n"
            f"-- branch_labels: {labels.get(rev, '')}\n-- depends_on: {', '.join(deps.get(rev, []))}\n"
            f"-- message: r{i}\n\n-- migrate:upgrade\nCREATE TABLE t_{rev} (id int);\n\n"
            f"-- migrate:downgrade\nDROP TABLE t_{rev};\n")
    return location, revs, sorted(labels.values())


def random_command(rng, revs, labels):
    rev = rng.choice(revs)
    kind = rng.random()
    if kind < 0.45:
        target = rng.choice([
            "heads", "head", rev, rev[:rng.randint(4, 8)], f"+{rng.randint(1, 3)}",
            f"{rev}+1", *(f"{label}@head" for label in labels), *(labels),
        ])
        return ["upgrade", target]
    if kind < 0.9:
        target = rng.choice(["base", rev, rev[:6], f"-{rng.randint(1, 3)}", f"{rev}-1",
                             *(f"{label}@base" for label in labels)])
        return ["downgrade", target]
    return ["stamp", rng.choice(["heads", rev, "base"])]


def deliberate_difference(command, rows_before):
    """docs/engine.md lists where Retort chooses differently; those commands are skipped."""
    verb, target = command
    # `downgrade -1` from several heads: Alembic takes an unordered SELECT's first row.
    if verb == "downgrade" and target.startswith("-") and len(rows_before) > 1:
        return "relative downgrade from several heads"
    return None




class InProcessTools(compat.Tools):
    """Runs the real Alembic in this interpreter instead of `python3 -m alembic` per command:
    interpreter start-up and imports took about a second per command, most of the test's time.
    Alembic still loads env.py and every script afresh on each command, as its CLI does."""

    def alembic(self, *args):
        import alembic.config
        os.environ["ALEMBIC_URL"] = self.url
        output = io.StringIO()
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                alembic.config.main(argv=["-c", str(self.ini), *args], prog="alembic")
        except SystemExit as e:  # Alembic's CLI reports a CommandError by exiting
            if e.code not in (0, None):
                raise AssertionError(f"alembic {' '.join(args)} failed: {output.getvalue()}") from None
        except Exception as e:  # a failing statement propagates from SQLAlchemy
            raise AssertionError(f"alembic {' '.join(args)} failed: {output.getvalue()}{e}") from None
        return output.getvalue()


def outcome(fn, *args):
    try:
        fn(*args)
        return True, ""
    except AssertionError as e:
        return False, str(e)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--graphs", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    graphs = args.graphs or max(1, args.commands // 25)
    ran = skipped = mismatches = both_failed = 0
    # A mismatch keeps the scratch directory: the graphs it printed are the reproducer.
    with compat_runner.scratch_server("retort-differential.", keep_work=lambda: mismatches > 0) \
            as (work, admin_url):
        for g in range(graphs):
            location, revs, labels = random_graph(rng, work, g)
            ini = compat.alembic_env_from(location, work / f"alembic{g}")
            # Retort commits each step on its own (docs/engine.md, "Running steps"); Alembic's
            # matching mode is transaction_per_migration, so a failing step keeps earlier ones.
            env = work / f"alembic{g}" / "env.py"
            # NullPool: in one interpreter, each command's engine must not keep connections open.
            env.write_text(env.read_text().replace(
                "context.configure(connection=connection)",
                "context.configure(connection=connection, transaction_per_migration=True)").replace(
                "from sqlalchemy import create_engine",
                "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool").replace(
                'create_engine(os.environ["ALEMBIC_URL"])',
                'create_engine(os.environ["ALEMBIC_URL"], poolclass=NullPool)'))
            a = InProcessTools(args.retort, location, ini, compat_runner.new_database(admin_url, f"diff{g}_alembic"))
            r = compat.Tools(args.retort, location, ini, compat_runner.new_database(admin_url, f"diff{g}_retort"))
            history = []
            per_graph = args.commands // graphs + (1 if g < args.commands % graphs else 0)
            for _ in range(per_graph):
                command = random_command(rng, revs, labels)
                history.append(" ".join(command))
                reason = deliberate_difference(command, a.rows())
                if reason:
                    skipped += 1
                    print(f"SKIP graph {g} '{' '.join(command)}': {reason}")
                    continue
                ran += 1
                a_ok, a_err = outcome(a.alembic, *command)
                r_ok, r_err = outcome(r.retort_, *command)
                if not a_ok and not r_ok:
                    # Both refused or failed mid-run. How far a failing run got depends on the
                    # order of independent branches, where Retort deliberately differs
                    # (deterministic vs hash-seeded), so the twins restart from empty instead.
                    both_failed += 1
                    a.url = compat_runner.new_database(admin_url, f"diff{g}_alembic")
                    r.url = compat_runner.new_database(admin_url, f"diff{g}_retort")
                    history = []
                    continue
                problems = []
                if a_ok != r_ok:
                    problems.append(f"alembic {'succeeded' if a_ok else 'failed'}, retort "
                                    f"{'succeeded' if r_ok else 'failed'}\n  alembic: {a_err[-400:]}\n  retort: {r_err[-400:]}")
                if a.rows() != r.rows():
                    problems.append(f"rows: alembic {a.rows()} retort {r.rows()}")
                if a.tables() != r.tables():
                    problems.append(f"tables: alembic {a.tables()} retort {r.tables()}")
                history[-1] += " (ok)" if a_ok else " (failed)"
                if problems:
                    mismatches += 1
                    print(f"MISMATCH seed {args.seed} graph {g} ({location}) after: {' ; '.join(history)}")
                    for p in problems:
                        print("  " + p)
                    # Start this graph again from empty twins so later commands still compare.
                    a.url = compat_runner.new_database(admin_url, f"diff{g}_alembic")
                    r.url = compat_runner.new_database(admin_url, f"diff{g}_retort")
                    history = []
    print(f"seed {args.seed}: {ran} commands compared, {skipped} skipped (deliberate differences), "
          f"{both_failed} failed in both, {mismatches} mismatches")
    return 1 if mismatches or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
