import type { Rng } from '../../src/simulate/random';
import type { GatewayChild } from './gateway';
import type { DurabilityResult } from './result';

/** What a durability run is asked to do (main.ts fills it from the command line). */
export interface DurabilityOptions {
  /** SIGKILLs to deliver (default 100). */
  kills: number;
  /** Budget for the kill phase, seconds (default 540); the run stops killing when it is spent. */
  maxSeconds: number;
  /** Batches in flight at once (default 4; even-numbered producers retry quickly, odd ones slowly). */
  concurrency: number;
  seed: number;
  /** Report timestamps are spread over this many hours before now (default 48). */
  spreadHours: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Share of kills aimed at a starting gateway (before it listens), default 0.1. */
  startupKillShare: number;
  /** Keep the disk full this long (seconds) after the kills; 0: no disk-full fault. Needs root (a tmpfs); skipped, saying so, otherwise. */
  diskFullSeconds: number;
  /** Size of that tmpfs (MB). */
  diskMb: number;
  /** A fault to plant after the run, to watch the checks fail: `orphan`, `raw`, or `tier:<table>`. */
  plant: string | null;
  /** Keep the temporary data directory (its path is printed). */
  keep: boolean;
  /** The product CLI to run as the gateway (main.ts passes dist/cli.js). */
  cli: string;
  /** Progress lines (stderr by default). */
  progress: (line: string) => void;
}

export const DEFAULT_DURABILITY: Omit<DurabilityOptions, 'seed' | 'progress' | 'cli'> = {
  kills: 100,
  maxSeconds: 540,
  concurrency: 4,
  spreadHours: 48,
  minDelayMs: 50,
  maxDelayMs: 1500,
  startupKillShare: 0.1,
  diskFullSeconds: 0,
  diskMb: 512,
  plant: null,
  keep: false,
};

/** The engine database the harness's gateway uses. */
export const DATABASE = 'delivery_overview';

/** One run's state, shared by its phases. */
export interface Run {
  opts: DurabilityOptions;
  rng: Rng;
  gw: GatewayChild;
  port: number;
  dataDir: string;
  spreadMs: number;
  result: DurabilityResult;
  finding(s: string): void;
  note(s: string): void;
  /** When the kill phase started (0 before). */
  killStarted: number;
  /** Orphan records (table, part, block) seen after a kill and not yet known repaired by a start that listened. */
  awaitingRepair: Set<string>;
  /** Every orphan record seen after a kill. */
  orphansSeen: Set<string>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
