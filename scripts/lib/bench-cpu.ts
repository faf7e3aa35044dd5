// CPU time spent by each process a measurement runs on, so the report can say where a request's time
// went and which process bounds a ratio: the API's workerd (the Worker, its Durable Objects and the
// local queue), the bare Worker's workerd, this bench process (PGlite when embedded, the WebSocket
// bridge and the load generator), and a PostgreSQL server's processes when DATABASE_URL names one.
// Read from /proc (Linux); elsewhere the figures are left out.
import { readdirSync, readFileSync } from "node:fs";

/** The kernel's clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  apiWorker: number;
  bareWorker: number;
  benchProcess: number;
  postgresServer: number;
}

/** Milliseconds of CPU (user + system) per process group between two snapshots. */
export type CpuSpent = CpuSnapshot;

export interface CpuMeter {
  /** False where /proc cannot be read; snapshots are then all zero. */
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

/** The workerd processes this bench process started (each local Worker runs in its own). */
export function workerdChildren(): number[] {
  if (!procReadable()) return [];
  return allProcesses()
    .filter((stat) => stat.name === "workerd" && stat.parent === process.pid)
    .map((stat) => stat.pid);
}

function procReadable(): boolean {
  try {
    readFileSync("/proc/self/stat", "utf8");
    return true;
  } catch {
    return false;
  }
}

export function cpuMeter(options: {
  apiPids: readonly number[];
  barePids: readonly number[];
  postgresServer: boolean;
}): CpuMeter {
  const available = procReadable();
  const sum = (pids: readonly number[]) =>
    pids.reduce((total, pid) => total + (processStat(pid)?.cpuMs ?? 0), 0);
  return {
    available,
    measuresPostgres: available && options.postgresServer,
    snapshot() {
      if (!available) return { apiWorker: 0, bareWorker: 0, benchProcess: 0, postgresServer: 0 };
      const own = process.cpuUsage();
      return {
        apiWorker: sum(options.apiPids),
        bareWorker: sum(options.barePids),
        benchProcess: (own.user + own.system) / 1000,
        // A backend lives as long as its connection; once it ends, the postmaster that reaped it
        // holds its time among its children's.
        postgresServer: options.postgresServer
          ? allProcesses()
              .filter((stat) => stat.name === "postgres")
              .reduce((total, stat) => total + stat.cpuMs + stat.reapedChildrenCpuMs, 0)
          : 0,
      };
    },
  };
}

export function cpuSince(meter: CpuMeter, before: CpuSnapshot): CpuSpent {
  const now = meter.snapshot();
  return {
    apiWorker: now.apiWorker - before.apiWorker,
    bareWorker: now.bareWorker - before.bareWorker,
    benchProcess: now.benchProcess - before.benchProcess,
    postgresServer: now.postgresServer - before.postgresServer,
  };
}

export function addSpent(a: CpuSpent, b: CpuSpent): CpuSpent {
  return {
    apiWorker: a.apiWorker + b.apiWorker,
    bareWorker: a.bareWorker + b.bareWorker,
    benchProcess: a.benchProcess + b.benchProcess,
    postgresServer: a.postgresServer + b.postgresServer,
  };
}

export const NO_CPU_SPENT: CpuSpent = { apiWorker: 0, bareWorker: 0, benchProcess: 0, postgresServer: 0 };

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
      base.worker === "api" ? spent.apiWorker : spent.bareWorker,
      base.worker === "api"
        ? "the API's workerd: the Worker, its Durable Objects and the local queue, one JS thread"
        : "the bare Worker's workerd",
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
