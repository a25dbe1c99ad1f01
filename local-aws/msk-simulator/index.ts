export * from './types';
export { MskSimulator } from './simulator';
export type { SimulatorHook } from './simulator';
export { validateInput } from './model-validator';
export type { Violation } from './model-validator';
export { requiredPermissions } from './authorization';
export type { Authorizer, AuthorizationScope, NetworkDirectory, RequiredPermission } from './authorization';
export { Hostility, seededRandom } from './hostile';
export type { HostileEvent, HostileOptions } from './hostile';
