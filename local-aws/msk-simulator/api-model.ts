import { readFileSync } from 'fs';
import { join } from 'path';

/**
 * The subset of the AWS JSON service model format the simulator reads.
 * The model file is the published `kafka-2018-11-14` model, so routes,
 * member locations and constraints come from the same source the SDK uses.
 */

export type ShapeType =
  | 'structure' | 'list' | 'map' | 'string' | 'boolean' | 'integer' | 'long'
  | 'double' | 'float' | 'timestamp' | 'blob';

export type MemberLocation = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';

export interface MemberRef {
  readonly shape: string;
  readonly locationName?: string;
  readonly location?: MemberLocation;
}

export interface ShapeModel {
  readonly type: ShapeType;
  readonly members?: Record<string, MemberRef>;
  readonly required?: readonly string[];
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

export interface OperationModel {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
}

export interface ApiModel {
  readonly operations: Record<string, OperationModel>;
  readonly shapes: Record<string, ShapeModel>;
}

let cached: ApiModel | undefined;

/** Loads `kafka-api-model.json` next to this file once per process. */
export function apiModel(): ApiModel {
  if (!cached) {
    // Read through fs rather than a JSON import so the compiler does not have
    // to type-check the multi-megabyte model literal.
    cached = JSON.parse(readFileSync(join(__dirname, 'kafka-api-model.json'), 'utf8')) as ApiModel;
  }
  return cached;
}

export function operationModel(operation: string): OperationModel {
  const op = apiModel().operations[operation];
  if (!op) {
    throw new Error(`Operation ${operation} is not in the Kafka API model`);
  }
  return op;
}

export function shapeModel(name: string): ShapeModel {
  const shape = apiModel().shapes[name];
  if (!shape) {
    throw new Error(`Shape ${name} is not in the Kafka API model`);
  }
  return shape;
}

/** The name a member has on the wire (JSON key, query parameter, URI label). */
export function wireName(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}

/** The input members of an operation that live in the given location ('body' = no location). */
export function inputMembers(operation: string, location: MemberLocation | 'body'): Array<{ wire: string; ref: MemberRef }> {
  const op = operationModel(operation);
  if (!op.input) return [];
  const members = shapeModel(op.input.shape).members ?? {};
  return Object.entries(members)
    .filter(([, ref]) => (ref.location ?? 'body') === location)
    .map(([name, ref]) => ({ wire: wireName(name, ref), ref }));
}
