"""Runs commands in alternation and records each run's wall and CPU time.

    python3 bench/pairs.py OUT.json RUNS WARMUP CMD...

Every round runs each command once, the order rotated from round to round,
so that the runs of two commands compared in the report are neighbours in
time: a ratio is then taken pair by pair (round by round) and its median
and spread reported, which holds on a machine whose speed drifts. A command
of the form `A | B` runs as a pipeline with A's output read by B, the way
users read output; the rest of every command's output goes to /dev/null.
"""
import json, os, shlex, sys, time

def spawn(argv, stdin=None, stdout=None):
    actions = []
    if stdin is not None:
        actions.append((os.POSIX_SPAWN_DUP2, stdin, 0))
    if stdout is not None:
        actions.append((os.POSIX_SPAWN_DUP2, stdout, 1))
    path = argv[0]
    if "/" not in path:
        for d in os.environ.get("PATH", "").split(":"):
            if os.access(os.path.join(d, path), os.X_OK):
                path = os.path.join(d, path)
                break
    return os.posix_spawn(path, argv, os.environ, file_actions=actions)

def run_once(stages, devnull):
    """Wall seconds, CPU seconds (user + system of every stage), exit codes."""
    start = time.perf_counter()
    pids = []
    read_end = None
    for i, argv in enumerate(stages):
        last = i == len(stages) - 1
        if last:
            pids.append(spawn(argv, stdin=read_end, stdout=devnull))
        else:
            r, w = os.pipe()
            pids.append(spawn(argv, stdin=read_end, stdout=w))
            os.close(w)
        if read_end is not None:
            os.close(read_end)
        read_end = None if last else r
    cpu, codes = 0.0, []
    for pid in pids:
        _, status, usage = os.wait4(pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
        codes.append(os.waitstatus_to_exitcode(status))
    return time.perf_counter() - start, cpu, codes

def pipeline(command):
    """The stages of a command: its words split at each unquoted `|`."""
    stages = [[]]
    for word in shlex.split(command):
        if word == "|":
            stages.append([])
        else:
            stages[-1].append(word)
    return stages

def main():
    out, runs, warmup, commands = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    stages = [pipeline(c) for c in commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = [[] for _ in commands]
    cpus = [[] for _ in commands]
    codes = [set() for _ in commands]
    for round_ in range(warmup + runs):
        n = len(commands)
        for k in range(n):
            i = (k + round_) % n
            wall, cpu, code = run_once(stages[i], devnull)
            if round_ >= warmup:
                times[i].append(wall)
                cpus[i].append(cpu)
                codes[i].update(code)
    results = [
        {"command": c, "times": t, "cpu": u, "exit_codes": sorted(e)}
        for c, t, u, e in zip(commands, times, cpus, codes)
    ]
    with open(out, "w") as f:
        json.dump({"runs": runs, "results": results}, f)

if __name__ == "__main__":
    main()
