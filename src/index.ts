export * from './replicator';
export * from './cluster';
export * from './cluster-side';
export * from './replication';
export * from './authentication';
export * from './log-delivery';
export * from './recommended-alarms';
export * from './source-cluster-policy';
