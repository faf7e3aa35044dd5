/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

/** `--name value`, `--name=value` (repeatable), and the switches in `switches` (no value). */
export function parseArgs(argv: readonly string[], switches: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    let value: string;
    if (switches.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      value = "true";
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positionals, flags };
}

/** Reads flags for one command and refuses any it does not know, so a typo never passes silently. */
export class Flags {
  readonly #flags: Map<string, string[]>;
  readonly #known = new Set<string>(["json", "help"]);

  constructor(flags: Map<string, string[]>) {
    this.#flags = flags;
  }

  optional(name: string): string | undefined {
    this.#known.add(name);
    const values = this.#flags.get(name);
    if (values && values.length > 1) throw new UsageError(`--${name} is given more than once`);
    return values?.[0];
  }

  required(name: string, what: string): string {
    const value = this.optional(name);
    if (value === undefined || value === "") throw new UsageError(`--${name} is required: ${what}`);
    return value;
  }

  all(name: string): string[] {
    this.#known.add(name);
    return this.#flags.get(name) ?? [];
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const value = this.optional(name) ?? fallback;
    if (value === undefined) throw new UsageError(`--${name} is required: one of ${choices.join(", ")}`);
    if (!(choices as readonly string[]).includes(value))
      throw new UsageError(`--${name} must be one of ${choices.join(", ")}, not "${value}"`);
    return value as T;
  }

  has(name: string): boolean {
    this.#known.add(name);
    return this.#flags.has(name);
  }

  /** After a command has read what it takes: anything left is a mistake. */
  rejectUnknown(): void {
    const unknown = [...this.#flags.keys()].filter((name) => !this.#known.has(name));
    if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.map((n) => `--${n}`).join(", ")}`);
  }
}

/** `90s`, `15m`, `2h` or plain seconds, as milliseconds. */
export function parseDuration(text: string, name: string): number {
  const match = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--${name} must be a duration like 90s, 15m or 2h, not "${text}"`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "s" | "m" | "h"];
  return Number(match[1]) * unit;
}
