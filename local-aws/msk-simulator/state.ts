import { randomInt, randomUUID } from 'crypto';
import { notFound } from './http-protocol';
import {
  KafkaClusterConfig,
  LogDelivery,
  MskSimulatorTiming,
  ReplicatorRecord,
  ReplicatorState,
  StateInfo,
  StoredReplicationInfo,
} from './types';

/**
 * In-memory replicator storage and the time-based state machine.
 *
 * Transitions (CREATING -> RUNNING/FAILED, UPDATING -> RUNNING,
 * DELETING -> gone) are stored as a pending target with a due time and are
 * applied lazily by `refresh()`, which the simulator calls before every
 * request and every snapshot. Nothing runs on timers, so a stopped simulator
 * leaves no handles behind and a test-supplied clock makes the lifecycle
 * fully deterministic.
 *
 * Holding: a held replicator (or every replicator, while the global hold is
 * on) keeps its pending transition without completing it. Releasing the hold
 * does not restart the timer: a transition whose due time has passed
 * completes on the next evaluation.
 */

const VERSION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface PendingTransition {
  readonly target: 'RUNNING' | 'FAILED' | 'GONE';
  readonly dueAt: number;
  readonly stateInfo?: StateInfo;
}

export interface StoredReplicator {
  /** Creation order; pagination tokens refer to it so deletions do not shift pages. */
  readonly seq: number;
  readonly arn: string;
  readonly name: string;
  readonly creationTime: string;
  state: ReplicatorState;
  currentVersion: string;
  stateInfo?: StateInfo;
  description?: string;
  serviceExecutionRoleArn: string;
  kafkaClusters: KafkaClusterConfig[];
  replicationInfo: StoredReplicationInfo;
  logDelivery?: LogDelivery;
  tags: Record<string, string>;
  pending?: PendingTransition;
  held: boolean;
}

export interface NewReplicator {
  readonly name: string;
  readonly description?: string;
  readonly serviceExecutionRoleArn: string;
  readonly kafkaClusters: KafkaClusterConfig[];
  readonly replicationInfo: StoredReplicationInfo;
  readonly logDelivery?: LogDelivery;
  readonly tags: Record<string, string>;
}

/** An opaque version string like the service's (14 uppercase alphanumerics), different from `previous`. */
export function newVersion(previous?: string): string {
  let version: string;
  do {
    version = Array.from({ length: 14 }, () => VERSION_ALPHABET[randomInt(VERSION_ALPHABET.length)]).join('');
  } while (version === previous);
  return version;
}

export class ReplicatorStore {
  private readonly byArn = new Map<string, StoredReplicator>();
  private nextSeq = 1;
  private holdAll = false;

  constructor(
    private readonly region: string,
    private readonly account: string,
    public timing: MskSimulatorTiming,
    private readonly clock: () => number,
  ) {}

  /** Applies every transition that is due and not held. */
  refresh(): void {
    const now = this.clock();
    for (const replicator of [...this.byArn.values()]) {
      const pending = replicator.pending;
      if (!pending || replicator.held || this.holdAll || now < pending.dueAt) continue;
      replicator.pending = undefined;
      if (pending.target === 'GONE') {
        this.byArn.delete(replicator.arn);
      } else {
        replicator.state = pending.target;
        replicator.stateInfo = pending.target === 'FAILED' ? pending.stateInfo : undefined;
      }
    }
  }

  get(arn: string): StoredReplicator | undefined {
    return this.byArn.get(arn);
  }

  /** The replicator, or a NotFoundException naming `parameter`. */
  require(arn: string, parameter = 'replicatorArn'): StoredReplicator {
    const replicator = this.byArn.get(arn);
    if (!replicator) {
      throw notFound(`The replicator ${arn} does not exist`, parameter);
    }
    return replicator;
  }

  /** Replicators in creation order. */
  all(): StoredReplicator[] {
    return [...this.byArn.values()].sort((a, b) => a.seq - b.seq);
  }

  findByName(name: string): StoredReplicator | undefined {
    return this.all().find((r) => r.name === name);
  }

  create(spec: NewReplicator, failure?: StateInfo): StoredReplicator {
    const arn = `arn:aws:kafka:${this.region}:${this.account}:replicator/${spec.name}/${randomUUID()}`;
    const replicator: StoredReplicator = {
      seq: this.nextSeq++,
      arn,
      name: spec.name,
      creationTime: new Date(this.clock()).toISOString(),
      state: 'CREATING',
      currentVersion: newVersion(),
      description: spec.description,
      serviceExecutionRoleArn: spec.serviceExecutionRoleArn,
      kafkaClusters: spec.kafkaClusters,
      replicationInfo: spec.replicationInfo,
      logDelivery: spec.logDelivery,
      tags: spec.tags,
      held: false,
      pending: {
        target: failure ? 'FAILED' : 'RUNNING',
        dueAt: this.clock() + this.timing.creatingMs,
        stateInfo: failure,
      },
    };
    this.byArn.set(arn, replicator);
    return replicator;
  }

  /** Enters UPDATING with a new version; RUNNING again after `updatingMs`. */
  beginUpdate(replicator: StoredReplicator): void {
    replicator.currentVersion = newVersion(replicator.currentVersion);
    replicator.state = 'UPDATING';
    replicator.stateInfo = undefined;
    replicator.pending = { target: 'RUNNING', dueAt: this.clock() + this.timing.updatingMs };
  }

  /** Enters DELETING; the replicator disappears after `deletingMs`. */
  beginDelete(replicator: StoredReplicator): void {
    replicator.state = 'DELETING';
    replicator.pending = { target: 'GONE', dueAt: this.clock() + this.timing.deletingMs };
  }

  remove(arn: string): boolean {
    return this.byArn.delete(arn);
  }

  bumpVersion(replicator: StoredReplicator): string {
    replicator.currentVersion = newVersion(replicator.currentVersion);
    return replicator.currentVersion;
  }

  /** Forces a state and cancels any pending transition. */
  forceState(replicator: StoredReplicator, state: ReplicatorState, stateInfo?: StateInfo): void {
    replicator.state = state;
    replicator.pending = undefined;
    replicator.stateInfo = state === 'FAILED'
      ? stateInfo ?? { code: 'FORCED_FAILURE', message: 'State forced to FAILED by the test' }
      : undefined;
  }

  hold(replicator: StoredReplicator | '*', held: boolean): void {
    if (replicator === '*') {
      this.holdAll = held;
    } else {
      replicator.held = held;
    }
  }

  snapshot(): ReplicatorRecord[] {
    return this.all().map((r) => structuredClone({
      name: r.name,
      arn: r.arn,
      state: r.state,
      currentVersion: r.currentVersion,
      creationTime: r.creationTime,
      ...(r.stateInfo ? { stateInfo: r.stateInfo } : {}),
      ...(r.description !== undefined ? { description: r.description } : {}),
      serviceExecutionRoleArn: r.serviceExecutionRoleArn,
      kafkaClusters: r.kafkaClusters,
      replicationInfo: r.replicationInfo,
      ...(r.logDelivery ? { logDelivery: r.logDelivery } : {}),
      tags: r.tags,
    }));
  }
}
