import { operationModel, ShapeModel, shapeModel, wireName } from './api-model';

/** One constraint the input breaks, located by its wire path (e.g. `kafkaClusters[1].vpcConfig.subnetIds`). */
export interface Violation {
  /** Member path using wire names, list indexes and map keys. */
  readonly path: string;
  /** What is wrong, without the path (e.g. `length 300 exceeds max 249`). */
  readonly reason: string;
  /** `path: reason`. */
  readonly message: string;
}

const patternCache = new Map<string, RegExp>();

function compiledPattern(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    patternCache.set(pattern, re);
  }
  return re;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'structure';
  return typeof value;
}

function mapKeyPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

class Validator {
  readonly violations: Violation[] = [];

  checkShape(shapeName: string, value: unknown, path: string): void {
    const shape = shapeModel(shapeName);
    switch (shape.type) {
      case 'structure':
        return this.checkStructure(shape, value, path);
      case 'list':
        return this.checkList(shape, value, path);
      case 'map':
        return this.checkMap(shape, value, path);
      case 'string':
        return this.checkString(shape, value, path);
      case 'integer':
      case 'long':
        return this.checkInteger(shape, value, path);
      case 'double':
      case 'float':
        return this.checkNumber(shape, value, path);
      case 'boolean':
        if (typeof value !== 'boolean') this.add(path, `expected boolean but got ${describeType(value)}`);
        return;
      case 'timestamp':
        if (typeof value !== 'string' && typeof value !== 'number') this.add(path, `expected timestamp but got ${describeType(value)}`);
        return;
      case 'blob':
        if (typeof value !== 'string') this.add(path, `expected base64 blob but got ${describeType(value)}`);
        return;
    }
  }

  /** Checks the members of a structure; `path` is '' at the request root. */
  checkStructure(shape: ShapeModel, value: unknown, path: string): void {
    if (!isPlainObject(value)) {
      this.add(path || '(root)', `expected structure but got ${describeType(value)}`);
      return;
    }
    const members = shape.members ?? {};
    const required = new Set(shape.required ?? []);
    for (const [memberName, ref] of Object.entries(members)) {
      const wire = wireName(memberName, ref);
      const memberPath = path ? `${path}.${wire}` : wire;
      const memberValue = value[wire];
      // A JSON null is what an absent optional member looks like to most clients.
      if (memberValue === undefined || memberValue === null) {
        if (required.has(memberName)) this.add(memberPath, 'required member is missing');
        continue;
      }
      this.checkShape(ref.shape, memberValue, memberPath);
    }
    // Members the model does not know are ignored, as the service does.
  }

  private checkList(shape: ShapeModel, value: unknown, path: string): void {
    if (!Array.isArray(value)) {
      this.add(path, `expected list but got ${describeType(value)}`);
      return;
    }
    this.checkCount(shape, value.length, path);
    if (!shape.member) return;
    const memberShape = shape.member.shape;
    value.forEach((element, index) => {
      const elementPath = `${path}[${index}]`;
      if (element === null || element === undefined) {
        this.add(elementPath, 'list element must not be null');
        return;
      }
      this.checkShape(memberShape, element, elementPath);
    });
  }

  private checkMap(shape: ShapeModel, value: unknown, path: string): void {
    if (!isPlainObject(value)) {
      this.add(path, `expected map but got ${describeType(value)}`);
      return;
    }
    const entries = Object.entries(value);
    this.checkCount(shape, entries.length, path);
    for (const [key, entryValue] of entries) {
      const entryPath = mapKeyPath(path, key);
      if (shape.key) this.checkShape(shape.key.shape, key, `${entryPath} (key)`);
      if (entryValue === null || entryValue === undefined) {
        this.add(entryPath, 'map value must not be null');
      } else if (shape.value) {
        this.checkShape(shape.value.shape, entryValue, entryPath);
      }
    }
  }

  private checkCount(shape: ShapeModel, count: number, path: string): void {
    if (shape.min !== undefined && count < shape.min) this.add(path, `size ${count} is below min ${shape.min}`);
    if (shape.max !== undefined && count > shape.max) this.add(path, `size ${count} exceeds max ${shape.max}`);
  }

  private checkString(shape: ShapeModel, value: unknown, path: string): void {
    if (typeof value !== 'string') {
      this.add(path, `expected string but got ${describeType(value)}`);
      return;
    }
    if (shape.enum && !shape.enum.includes(value)) {
      this.add(path, `value ${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`);
    }
    // Smithy length constraints count Unicode code points, not UTF-16 units.
    const length = Array.from(value).length;
    if (shape.min !== undefined && length < shape.min) this.add(path, `length ${length} is below min ${shape.min}`);
    if (shape.max !== undefined && length > shape.max) this.add(path, `length ${length} exceeds max ${shape.max}`);
    if (shape.pattern !== undefined && !compiledPattern(shape.pattern).test(value)) {
      this.add(path, `value ${JSON.stringify(value)} does not match pattern ${shape.pattern}`);
    }
  }

  private checkInteger(shape: ShapeModel, value: unknown, path: string): void {
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(path, `expected integer but got ${JSON.stringify(value)}`);
      return;
    }
    this.checkRange(shape, value, path);
  }

  private checkNumber(shape: ShapeModel, value: unknown, path: string): void {
    if (typeof value !== 'number' || Number.isNaN(value)) {
      this.add(path, `expected number but got ${describeType(value)}`);
      return;
    }
    this.checkRange(shape, value, path);
  }

  private checkRange(shape: ShapeModel, value: number, path: string): void {
    if (shape.min !== undefined && value < shape.min) this.add(path, `value ${value} is below min ${shape.min}`);
    if (shape.max !== undefined && value > shape.max) this.add(path, `value ${value} exceeds max ${shape.max}`);
  }

  private add(path: string, reason: string): void {
    this.violations.push({ path, reason, message: `${path}: ${reason}` });
  }
}

/**
 * Validates an operation's input against the service model.
 *
 * @param operation the model operation name (e.g. `CreateReplicator`)
 * @param input body members by wire name, merged with URI, querystring and
 *   header members (already converted to the member's type)
 * @returns every violation in document order; empty when the input is valid
 */
export function validateInput(operation: string, input: Record<string, unknown>): Violation[] {
  const op = operationModel(operation);
  if (!op.input) return [];
  const validator = new Validator();
  validator.checkStructure(shapeModel(op.input.shape), input, '');
  return validator.violations;
}

/**
 * Converts a querystring/header/URI text value to the type of its shape, so it
 * can be validated like a body member. Values that do not convert are left as
 * text and reported by the validator as a type mismatch.
 */
export function coerceTextValue(shapeName: string, text: string): unknown {
  const shape = shapeModel(shapeName);
  switch (shape.type) {
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'double':
    case 'float':
      return text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}
