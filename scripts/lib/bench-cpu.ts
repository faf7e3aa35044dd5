// CPU time spent by each process a measurement runs on, so the report can say where a request's time
// went and which process bounds a ratio: the loaded Worker's workerd (for the API: the Worker, its
// Durable Objects and the local queue), this bench process (PGlite when embedded, the WebSocket
// bridge and the load generator), and a PostgreSQL server's processes when DATABASE_URL names one.
// Read from /proc (Linux); elsewhere the figures are left out.
import { readdirSync, readFileSync } from "node:fs";

/** The kernel's clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  /** Each workerd process's CPU so far, by pid. */
  workers: Map<number, number>;
  benchProcess: number;
  postgresServer: number;
}

/** Milliseconds of CPU (user + system) per process group between two snapshots. */
export interface CpuSpent {
  /** Every workerd this process started: only the Worker being measured is busy at a time. */
  workers: number;
  benchProcess: number;
  postgresServer: number;
}

export interface CpuMeter {
  /** False where /proc cannot be read; nothing is then reported. */
  readonly available: boolean;
  /** Whether a PostgreSQL server on this machine is measured (DATABASE_URL, not PGlite). */
  readonly measuresPostgres: boolean;
  snapshot(): CpuSnapshot;
}

interface ProcessStat {
  pid: number;
  name: string;
  parent: number;
  cpuMs: number;
  /** Of its children that ended and were reaped (the postmaster's ended backends). */
  reapedChildrenCpuMs: number;
}

function processStat(pid: number): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const nameEnd = text.lastIndexOf(")");
    const fields = text.slice(nameEnd + 2).split(" ");
    // After the name: state, ppid, …; utime and stime are fields 14 and 15 of the whole line.
    return {
      pid,
      name: text.slice(text.indexOf("(") + 1, nameEnd),
      parent: Number(fields[1]),
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
      reapedChildrenCpuMs: ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND,
    };
  } catch {
    // The process ended between listing and reading.
    return undefined;
  }
}

function allProcesses(): ProcessStat[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => processStat(Number(entry)))
    .filter((stat): stat is ProcessStat => stat !== undefined);
}

function procReadable(): boolean {
  try {
    readFileSync("/proc/self/stat", "utf8");
    return true;
  } catch {
    return false;
  }
}

/**
 * Measures by process group. The Workers are told apart by time, not by process: wrangler runs each
 * local Worker in workerd processes of its own (its proxy and the runtime, which it may restart), and
 * every measurement loads one Worker at a time (the reads alternate), so the workerd time spent
 * during a measurement is the loaded Worker's.
 */
export function cpuMeter(options: { postgresServer: boolean }): CpuMeter {
  const available = procReadable();
  return {
    available,
    measuresPostgres: available && options.postgresServer,
    snapshot() {
      if (!available) return { workers: new Map(), benchProcess: 0, postgresServer: 0 };
      const processes = allProcesses();
      const own = process.cpuUsage();
      return {
        workers: new Map(
          processes
            .filter((stat) => stat.name === "workerd" && stat.parent === process.pid)
            .map((stat) => [stat.pid, stat.cpuMs]),
        ),
        benchProcess: (own.user + own.system) / 1000,
        // A backend lives as long as its connection; once it ends, the postmaster that reaped it
        // holds its time among its children's.
        postgresServer: options.postgresServer
          ? processes
              .filter((stat) => stat.name === "postgres")
              .reduce((total, stat) => total + stat.cpuMs + stat.reapedChildrenCpuMs, 0)
          : 0,
      };
    },
  };
}

export function cpuSince(meter: CpuMeter, before: CpuSnapshot): CpuSpent {
  const now = meter.snapshot();
  let workers = 0;
  // A workerd started since counts from zero; one that ended since is lost with its time.
  for (const [pid, cpuMs] of now.workers) workers += cpuMs - (before.workers.get(pid) ?? 0);
  return {
    workers,
    benchProcess: now.benchProcess - before.benchProcess,
    postgresServer: now.postgresServer - before.postgresServer,
  };
}

export function addSpent(a: CpuSpent, b: CpuSpent): CpuSpent {
  return {
    workers: a.workers + b.workers,
    benchProcess: a.benchProcess + b.benchProcess,
    postgresServer: a.postgresServer + b.postgresServer,
  };
}

export const NO_CPU_SPENT: CpuSpent = { workers: 0, benchProcess: 0, postgresServer: 0 };

/**
 * Report rows of CPU per operation for one target: the Worker process it ran on, this process
 * and, when measured, the PostgreSQL server.
 */
export function cpuRows(
  meter: CpuMeter,
  spent: CpuSpent,
  operations: number,
  base: { measurement: string; target: string; per: string; worker: "api" | "bare" },
): { measurement: string; target: string; metric: string; value: number; unit: string; note?: string }[] {
  if (!meter.available || operations === 0) return [];
  const row = (metric: string, ms: number, note: string) => ({
    measurement: base.measurement,
    target: base.target,
    metric,
    value: ms / operations,
    unit: "ms CPU",
    note,
  });
  const rows = [
    row(
      `CPU / ${base.per}, Worker process`,
      spent.workers,
      base.worker === "api"
        ? "the API's workerd (wrangler's proxy in front included): the Worker, its Durable Objects, the local queue"
        : "the bare Worker's workerd (wrangler's proxy in front included)",
    ),
    row(
      `CPU / ${base.per}, bench process`,
      spent.benchProcess,
      meter.measuresPostgres
        ? "the WebSocket bridge and the load generator"
        : "PGlite, the WebSocket bridge and the load generator",
    ),
  ];
  if (meter.measuresPostgres)
    rows.push(
      row(`CPU / ${base.per}, PostgreSQL server`, spent.postgresServer, "its processes on this machine"),
    );
  return rows;
}
