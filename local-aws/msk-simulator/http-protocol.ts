import { randomUUID } from 'crypto';
import type { ServerResponse } from 'http';
import { inputMembers, operationModel, shapeModel } from './api-model';
import { coerceTextValue } from './model-validator';
import { OperationName, ServiceErrorName, SUPPORTED_OPERATIONS } from './types';

/**
 * The rest-json side of the simulator: routing derived from the model's
 * `http.requestUri`, request decoding into wire-named input members, and
 * response / error encoding the way the SDK's rest-json deserializer expects.
 */

const ERROR_STATUS: Record<ServiceErrorName, number> = {
  BadRequestException: 400,
  NotFoundException: 404,
  ConflictException: 409,
  TooManyRequestsException: 429,
  InternalServerErrorException: 500,
  ServiceUnavailableException: 503,
  // ForbiddenException: httpStatusCode 403 in the API model (kafka-api-model.json), body { message, invalidParameter }
  ForbiddenException: 403,
  UnknownOperationException: 404,
  InvalidSignatureException: 403,
};

/**
 * The Region a SigV4-signed request is scoped to (`Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/
 * <service>/aws4_request, ...`; AWS General Reference, "Signature Version 4 signing process"), or undefined when the
 * request is not signed that way.
 */
export function signingRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization ?? '')?.[1];
}

/**
 * An error answered as `x-amzn-errortype` + `{ message, invalidParameter }`, with any `headers` added (e.g. a
 * `Retry-After` hint, RFC 9110 section 10.2.3, which the SDK's retry strategy reads: @smithy/core submodules/retry
 * `parseRetryAfterHeader`; MSK documents none, so tests send the harsher answer, a long one).
 */
export class ServiceError extends Error {
  readonly status: number;

  constructor(readonly errorType: ServiceErrorName, message: string, readonly invalidParameter?: string,
    readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = errorType;
    this.status = ERROR_STATUS[errorType];
  }
}

export function badRequest(message: string, invalidParameter?: string): ServiceError {
  return new ServiceError('BadRequestException', message, invalidParameter);
}

export function notFound(message: string, invalidParameter?: string): ServiceError {
  return new ServiceError('NotFoundException', message, invalidParameter);
}

export function conflict(message: string, invalidParameter?: string): ServiceError {
  return new ServiceError('ConflictException', message, invalidParameter);
}

type Segment = { readonly literal: string } | { readonly label: string; readonly greedy: boolean };

interface Route {
  readonly operation: OperationName;
  readonly method: string;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly operation: OperationName;
  /** URI labels, percent-decoded. */
  readonly labels: Record<string, string>;
}

function parseTemplate(requestUri: string): Segment[] {
  const path = requestUri.split('?')[0];
  return path.split('/').filter((s) => s !== '').map((segment): Segment => {
    const label = /^\{([^}+]+)(\+?)\}$/.exec(segment);
    return label ? { label: label[1], greedy: label[2] === '+' } : { literal: segment };
  });
}

const ROUTES: readonly Route[] = SUPPORTED_OPERATIONS.map((operation) => {
  const http = operationModel(operation).http;
  return { operation, method: http.method.toUpperCase(), segments: parseTemplate(http.requestUri) };
});

function matchSegments(route: Route, raw: string[]): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  let i = 0;
  for (const [index, segment] of route.segments.entries()) {
    if ('literal' in segment) {
      if (raw[i] !== segment.literal) return undefined;
      i += 1;
    } else if (segment.greedy) {
      // A greedy label swallows the rest of the path, keeping the slashes.
      const remaining = route.segments.length - index - 1;
      const taken = raw.slice(i, raw.length - remaining);
      if (taken.length === 0) return undefined;
      labels[segment.label] = taken.map(decodeURIComponent).join('/');
      i += taken.length;
    } else {
      if (raw[i] === undefined || raw[i] === '') return undefined;
      labels[segment.label] = decodeURIComponent(raw[i]);
      i += 1;
    }
  }
  return i === raw.length ? labels : undefined;
}

/** Finds the operation for a request; `rawPath` is the still-encoded path without the query. */
export function matchRoute(method: string, rawPath: string): RouteMatch | undefined {
  const raw = rawPath.split('/').filter((s) => s !== '');
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase()) continue;
    try {
      const labels = matchSegments(route, raw);
      if (labels) return { operation: route.operation, labels };
    } catch {
      // A malformed percent-escape cannot name a resource; try the next route.
    }
  }
  return undefined;
}

/** Reads the querystring members of an operation, typed after their shapes. */
export function queryInput(operation: OperationName, params: URLSearchParams): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { wire, ref } of inputMembers(operation, 'querystring')) {
    const shape = shapeModel(ref.shape);
    if (shape.type === 'list') {
      const values = params.getAll(wire);
      if (values.length > 0) {
        const elementShape = shape.member?.shape;
        result[wire] = values.map((v) => (elementShape ? coerceTextValue(elementShape, v) : v));
      }
    } else {
      const value = params.get(wire);
      if (value !== null) result[wire] = coerceTextValue(ref.shape, value);
    }
  }
  return result;
}

/** Reads the URI label members of an operation. */
export function uriInput(operation: OperationName, labels: Record<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { wire, ref } of inputMembers(operation, 'uri')) {
    const value = labels[wire];
    if (value !== undefined) result[wire] = coerceTextValue(ref.shape, value);
  }
  return result;
}

/** Parses a JSON request body; an empty body is an empty structure. */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function baseHeaders(): Record<string, string> {
  return { 'x-amzn-requestid': randomUUID() };
}

/** An answer as it goes on the wire: status, headers and payload. */
export interface WireAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

export function jsonAnswer(status: number, body?: object): WireAnswer {
  if (body === undefined || status === 204) return { status, headers: baseHeaders() };
  const payload = JSON.stringify(body);
  return {
    status,
    headers: { ...baseHeaders(), 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload).toString() },
    payload,
  };
}

export function errorAnswer(error: ServiceError): WireAnswer {
  const body: Record<string, string> = { message: error.message };
  if (error.invalidParameter !== undefined) body.invalidParameter = error.invalidParameter;
  const answer = jsonAnswer(error.status, body);
  return { ...answer, headers: { ...answer.headers, ...error.headers, 'x-amzn-errortype': error.errorType } };
}

function send(res: ServerResponse, answer: WireAnswer): void {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.payload);
}

export function sendJson(res: ServerResponse, status: number, body?: object): void {
  send(res, jsonAnswer(status, body));
}

export function sendError(res: ServerResponse, error: ServiceError): void {
  send(res, errorAnswer(error));
}
