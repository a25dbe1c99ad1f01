export * from './replicator';
export * from './cluster';
export * from './replication';
