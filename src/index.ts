export * from './replicator';
export * from './cluster';
export * from './replication';
export * from './authentication';
export * from './log-delivery';
export * from './source-cluster-policy';
export * from './active-active';
